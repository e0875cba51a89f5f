"""Certificates and GHG statements: the stable identity (a number unique per body, never reused, and an
unguessable public token for the QR code) with its current state, every version kept, the numbering a body
sets, and the public verification counts."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel


def public_token() -> str:
    """The token a QR code carries: 128 random bits, URL-safe (never a sequential id)."""
    return secrets.token_urlsafe(16)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    SCOPE_REDUCED = "scope_reduced", _("Valid, scope reduced")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


C = CertificateStatus
#: statuses in which the certificate certifies (the public page shows it as valid)
CERTIFYING = frozenset({C.VALID, C.SCOPE_REDUCED})


class Certificate(TenantModel):
    """A management-system or product certificate: the current state of its latest version. `expires_on` is the
    last day it is valid (the day before the cycle's third anniversary); a recertification decided in time
    continues from it; `gap_from`/`gap_to` record when a restore after expiry left it without validity."""

    Status = CertificateStatus

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=60)
    token = models.CharField(
        _("public token"), max_length=40, unique=True, default=public_token, editable=False
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("client")
    )
    engagement = models.ForeignKey(
        "audits.Engagement",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("initial engagement"),
    )
    standard = models.ForeignKey(
        "reference.Standard", on_delete=models.PROTECT, related_name="+", verbose_name=_("standard")
    )
    sector = models.ForeignKey(
        "reference.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    scope = models.TextField(_("scope"))
    sites = models.ManyToManyField(
        "clients.Site", blank=True, related_name="certificates", verbose_name=_("sites")
    )
    initial_certification_on = models.DateField(_("initial certification"))
    issued_on = models.DateField(_("issued on"))
    cycle_started_on = models.DateField(_("cycle started"))
    expires_on = models.DateField(_("expires on"))
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=CertificateStatus.choices, default=C.VALID)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    gap_from = models.DateField(_("without validity from"), null=True, blank=True)
    gap_to = models.DateField(_("without validity until"), null=True, blank=True)
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Left out of the IAF CertSearch export.")
    )
    verification_count = models.PositiveIntegerField(_("public verifications"), default=0)

    class Meta:
        ordering = ["number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="certificate_body_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=CertificateStatus.values), name="certificate_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("cycle_started_on")),
                name="certificate_expiry_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=C.SUSPENDED) | models.Q(suspended_on__isnull=False),
                name="certificate_suspended_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "expires_on"], name="certificate_body_status"),
            models.Index(fields=["status", "expires_on"], name="certificate_status_expiry"),
            models.Index(fields=["number"], name="certificate_number"),
            # the public verification looks numbers up case-insensitively
            models.Index(Upper("number"), name="certificate_number_upper"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def certifies(self) -> bool:
        return self.status in CERTIFYING


class CertificateVersion(TenantModel):
    """One version of a certificate as issued (a decision changed it): what it said, kept and viewable; the PDF
    of the version is a document on it."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    decision = models.ForeignKey(
        "certification.Decision", on_delete=models.PROTECT, related_name="certificate_versions"
    )
    status = models.CharField(_("status"), max_length=20, choices=CertificateStatus.choices)
    scope = models.TextField(_("scope"))
    sites = models.JSONField(
        _("sites"), default=list, help_text=_("The sites' names and addresses as issued.")
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    cycle = models.PositiveIntegerField(_("cycle"))

    class Meta:
        ordering = ["certificate", "-version"]
        verbose_name = _("certificate version")
        verbose_name_plural = _("certificate versions")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "version"], name="certificateversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate.number} v{self.version}"


class StatementStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


class Statement(TenantModel):
    """A validation or verification statement on a GHG engagement: the opinion, level of assurance and
    materiality as decided, and the quantities verified per vintage or monitoring period."""

    Status = StatementStatus

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="statements")
    number = models.CharField(_("statement number"), max_length=60)
    token = models.CharField(
        _("public token"), max_length=40, unique=True, default=public_token, editable=False
    )
    engagement = models.OneToOneField(
        "audits.Engagement", on_delete=models.PROTECT, related_name="statement", verbose_name=_("engagement")
    )
    opinion = models.CharField(_("opinion"), max_length=30)
    level_of_assurance = models.CharField(_("level of assurance"), max_length=20, blank=True)
    materiality_percent = models.DecimalField(
        _("materiality (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    monitoring_period_start = models.DateField(_("monitoring period start"), null=True, blank=True)
    monitoring_period_end = models.DateField(_("monitoring period end"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(_("status"), max_length=20, choices=StatementStatus.choices, default="issued")
    verification_count = models.PositiveIntegerField(_("public verifications"), default=0)

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="statement_body_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=StatementStatus.values), name="statement_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["number"], name="statement_number"),
            # the public verification looks numbers up case-insensitively
            models.Index(Upper("number"), name="statement_number_upper"),
        ]

    def __str__(self) -> str:
        return self.number


class StatementQuantity(TenantModel):
    """The quantity verified (or, for a validation, estimated) for one vintage or monitoring period."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="quantities")
    vintage = models.PositiveIntegerField(_("vintage"))
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    reductions = models.DecimalField(_("reductions (tCO₂e)"), max_digits=14, decimal_places=3, default=0)
    removals = models.DecimalField(_("removals (tCO₂e)"), max_digits=14, decimal_places=3, default=0)

    class Meta:
        ordering = ["statement", "vintage", "period_start"]
        verbose_name = _("quantity verified")
        verbose_name_plural = _("quantities verified")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reductions__gte=0) & models.Q(removals__gte=0),
                name="statementquantity_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vintage}"


class NumberingKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificates")
    STATEMENT = "statement", _("Statements")


class Numbering(TenantModel):
    """The pattern a body sets for its certificate or statement numbers and the last sequence number used (it
    only grows, so a number is never reused). Placeholders: `{body}` (the body's short code), `{year}`, `{seq}`
    (with a width, e.g. `{seq:05d}`)."""

    Kind = NumberingKind

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="numberings")
    kind = models.CharField(_("numbers for"), max_length=20, choices=NumberingKind.choices)
    pattern = models.CharField(_("pattern"), max_length=60)
    last_sequence = models.PositiveIntegerField(_("last number used"), default=0)

    class Meta:
        verbose_name = _("numbering")
        verbose_name_plural = _("numberings")
        constraints = [models.UniqueConstraint(fields=["body", "kind"], name="numbering_body_kind_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pattern}"


class VerificationCount(TenantModel):
    """Public verifications of a body's certificates and statements, per day."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("verifications"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("public verification count")
        verbose_name_plural = _("public verification counts")
        constraints = [models.UniqueConstraint(fields=["body", "day"], name="verificationcount_body_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"
