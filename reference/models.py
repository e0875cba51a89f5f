"""Versioned reference data that registry staff maintain: activities, standards, sectors, and the
accreditation bodies (with their IAF MLA signatures) that accreditations name."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .names import localized_name


class Activity(models.Model):
    """A conformity-assessment activity a body can be approved and accredited for."""

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=100)
    name_is = models.CharField(_("name in Icelandic"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return localized_name(self)


class Standard(models.Model):
    """A standard or programme an engagement is run against (ISO 14064-3, ISO 14068-1, the ICR programme)."""

    class Kind(models.TextChoices):
        GHG = "ghg", _("GHG validation / verification")
        MANAGEMENT_SYSTEM = "management_system", _("Management system")
        PRODUCT = "product", _("Product / process / service")
        PROGRAMME = "programme", _("GHG programme")

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=200)
    name_is = models.CharField(_("name in Icelandic"), max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sector_scheme = models.CharField(
        max_length=10,
        choices=[("iaf", "IAF code"), ("ghg", "GHG sectoral scope")],
        help_text=_("which sector list classifies engagements under this standard"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return localized_name(self)


class Sector(models.Model):
    """An IAF code or a GHG sectoral scope, in one version of its published list."""

    class Scheme(models.TextChoices):
        IAF = "iaf", _("IAF code")
        GHG = "ghg", _("GHG sectoral scope")

    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=300)
    name_is = models.CharField(_("name in Icelandic"), max_length=300, blank=True)
    version = models.CharField(max_length=40)
    is_current = models.BooleanField(default=True)
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["scheme", "version", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code", "version"], name="sector_scheme_code_version_unique"
            )
        ]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        label = "IAF" if self.scheme == self.Scheme.IAF else _("GHG scope")
        return f"{label} {self.code} – {localized_name(self)}"


class AccreditationStandard(models.TextChoices):
    """The standards a body is accredited under (ISO/IEC 17011 accreditation of a conformity assessment body)."""

    ISO_14065 = "iso_14065", "ISO 14065"
    ISO_17029 = "iso_iec_17029", "ISO/IEC 17029"
    ISO_17065 = "iso_iec_17065", "ISO/IEC 17065"
    ISO_17021_1 = "iso_iec_17021_1", "ISO/IEC 17021-1"
    GHG_PROGRAMME = "ghg_programme", _("Approved GHG programme")


#: the IAF MLA scopes that recognise an accreditation under each standard. An accreditation under an
#: ICR-approved GHG programme is a validation/verification accreditation: the signature for the IAF MLA's
#: validation and verification scope (ISO/IEC 17029, sub-scope ISO 14065) recognises it.
MLA_SCOPES_RECOGNISING: dict[str, frozenset[str]] = {
    AccreditationStandard.ISO_14065: frozenset({AccreditationStandard.ISO_14065}),
    AccreditationStandard.ISO_17029: frozenset({AccreditationStandard.ISO_17029}),
    AccreditationStandard.ISO_17065: frozenset({AccreditationStandard.ISO_17065}),
    AccreditationStandard.ISO_17021_1: frozenset({AccreditationStandard.ISO_17021_1}),
    AccreditationStandard.GHG_PROGRAMME: frozenset(
        {
            AccreditationStandard.GHG_PROGRAMME,
            AccreditationStandard.ISO_14065,
            AccreditationStandard.ISO_17029,
        }
    ),
}


class AccreditationBody(models.Model):
    """An accreditation body (ISO/IEC 17011) whose accreditations bodies may present; the registry keeps the
    list, and with it where and since when the body signed the IAF MLA (`AccreditationBodyMla`)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("accreditation body")
        verbose_name_plural = _("accreditation bodies")

    def __str__(self) -> str:
        return f"{self.acronym} – {self.name}" if self.acronym else self.name

    def is_mla_signatory(self, standard: str, on: date) -> bool:
        """Is it an IAF MLA signatory recognising accreditations under `standard` on the day `on`?

        Reads `mla_signatures.all()`, so a list prefetches them once."""
        scopes = MLA_SCOPES_RECOGNISING.get(standard, frozenset({standard}))
        return any(
            signature.standard in scopes and signature.covers(on) for signature in self.mla_signatures.all()
        )


class AccreditationBodyMla(models.Model):
    """One IAF MLA signature of an accreditation body: for which accreditation standard, since when (and,
    when it was suspended or ended, until when)."""

    accreditation_body = models.ForeignKey(
        AccreditationBody,
        on_delete=models.CASCADE,
        related_name="mla_signatures",
        verbose_name=_("accreditation body"),
    )
    standard = models.CharField(_("standard"), max_length=30, choices=AccreditationStandard.choices)
    since = models.DateField(_("signatory since"))
    until = models.DateField(
        _("signatory until"), null=True, blank=True, help_text=_("empty: still a signatory")
    )

    class Meta:
        ordering = ["accreditation_body", "standard", "since"]
        verbose_name = _("IAF MLA signature")
        verbose_name_plural = _("IAF MLA signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation_body", "standard", "since"], name="accreditation_body_mla_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="accreditation_body_mla_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(standard__in=AccreditationStandard.values),
                name="accreditation_body_mla_standard_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accreditation_body}: IAF MLA {self.get_standard_display()}"

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


class AuditTimeScheme(models.TextChoices):
    """The management-system schemes IAF MD 5 publishes an audit-time table for."""

    QMS = "qms", _("Quality management systems")
    EMS = "ems", _("Environmental management systems")
    OHSMS = "ohsms", _("Occupational health and safety management systems")


class AuditTimeComplexity(models.TextChoices):
    """The complexity categories of IAF MD 5's EMS and OHSMS tables (a QMS table has none: the band's
    complexity is blank). An EMS of special complexity has no column: its time is entered by hand."""

    HIGH = "high", _("High complexity")
    MEDIUM = "medium", _("Medium complexity")
    LOW = "low", _("Low complexity")
    LIMITED = "limited", _("Limited complexity")
    SPECIAL = "special", _("Special complexity")


#: the complexity columns each scheme's table has ("" for the QMS table's single column)
AUDIT_TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    AuditTimeScheme.QMS: ("",),
    AuditTimeScheme.EMS: (
        AuditTimeComplexity.HIGH,
        AuditTimeComplexity.MEDIUM,
        AuditTimeComplexity.LOW,
        AuditTimeComplexity.LIMITED,
    ),
    AuditTimeScheme.OHSMS: (AuditTimeComplexity.HIGH, AuditTimeComplexity.MEDIUM, AuditTimeComplexity.LOW),
}


class AuditTimeTable(models.Model):
    """One version of a published audit-time table (IAF MD 5) for one scheme: the bands of effective personnel
    and the initial audit time (stage 1 + stage 2) in auditor days (`AuditTimeBand`). A new version is a new
    row with its own `valid_from`, beside the old one; the calculator (`audits.audit_time`) reads the table
    valid on the day it is asked about. Shipped from reference/data/iaf_md5_*.csv by a data migration."""

    scheme = models.CharField(_("scheme"), max_length=10, choices=AuditTimeScheme.choices)
    source = models.CharField(_("source"), max_length=40)
    version = models.CharField(_("version"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["scheme", "-valid_from"]
        verbose_name = _("audit time table")
        verbose_name_plural = _("audit time tables")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "valid_from"], name="audit_time_table_scheme_valid_from"
            ),
            models.UniqueConstraint(
                fields=["scheme", "source", "version"], name="audit_time_table_scheme_version"
            ),
            models.CheckConstraint(
                condition=models.Q(scheme__in=AuditTimeScheme.values), name="audit_time_table_scheme_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.version}): {self.get_scheme_display()}"


class AuditTimeBand(models.Model):
    """One row of an audit-time table: effective personnel from `min_personnel` to `max_personnel` (both
    included) in one complexity column → `days` of initial audit time. A figure the sources disagree on is
    `disputed`, with a note saying what is in doubt, until checked against the official document."""

    table = models.ForeignKey(
        AuditTimeTable, on_delete=models.CASCADE, related_name="bands", verbose_name=_("table")
    )
    complexity = models.CharField(
        _("complexity"),
        max_length=10,
        blank=True,
        choices=[(value, label) for value, label in AuditTimeComplexity.choices if value != "special"],
        help_text=_("empty for a table without complexity categories (quality management systems)"),
    )
    min_personnel = models.PositiveIntegerField(_("effective personnel from"))
    max_personnel = models.PositiveIntegerField(_("effective personnel to"))
    days = models.DecimalField(_("audit days"), max_digits=5, decimal_places=1)
    disputed = models.BooleanField(_("disputed"), default=False)
    disputed_note = models.TextField(_("why it is disputed"), blank=True)

    class Meta:
        ordering = ["table", "complexity", "min_personnel"]
        verbose_name = _("audit time band")
        verbose_name_plural = _("audit time bands")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "complexity", "min_personnel"], name="audit_time_band_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(min_personnel__gte=1)
                & models.Q(max_personnel__gte=models.F("min_personnel")),
                name="audit_time_band_personnel_range",
            ),
            models.CheckConstraint(condition=models.Q(days__gt=0), name="audit_time_band_days_positive"),
            models.CheckConstraint(
                condition=models.Q(
                    complexity__in=[
                        "",
                        *(value for value in AuditTimeComplexity.values if value != "special"),
                    ]
                ),
                name="audit_time_band_complexity_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(disputed=False) | ~models.Q(disputed_note=""),
                name="audit_time_band_disputed_says_why",
            ),
        ]

    def __str__(self) -> str:
        people = f"{self.min_personnel:,}–{self.max_personnel:,}"
        if self.complexity:
            return f"{self.get_complexity_display()}, {people}: {self.days}"
        return f"{people}: {self.days}"
