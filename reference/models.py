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
