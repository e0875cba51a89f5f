"""The bodies capability's records: ICR approval decisions and the approval queue, and accreditations."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from core.tenancy import TenantQuerySet
from core.transitions import Transition, Transitions
from reference.models import AccreditationStandard

from .tenants import Body, BodyQuerySet


class BodyApplication(Body):
    """The registry's approval queue: bodies that applied and wait for a decision (a proxy of Body)."""

    objects = BodyQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("application (approval queue)")
        verbose_name_plural = _("approval queue")


class BodyStatusChange(models.Model):
    """A registry decision on a body's approval, with its reason (kept beside the audit trail for display)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Body.Status.choices)
    to_status = models.CharField(max_length=20, choices=Body.Status.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")

    def __str__(self) -> str:
        return f"{self.body}: {self.from_status} → {self.to_status}"


class AccreditationQuerySet(TenantQuerySet["Accreditation"]):
    def active_between(self, start: date, end: date) -> AccreditationQuerySet:
        return self.filter(status=Accreditation.Status.ACTIVE, valid_from__lte=start, valid_to__gte=end)

    def counting(self) -> AccreditationQuerySet:
        """The accreditations that count (eligibility, the directory, the approval letter): verified by
        registry staff and active. Their dates are the caller's to check against the day that matters."""
        return self.filter(verification=AccreditationVerification.VERIFIED, status=AccreditationStatus.ACTIVE)

    def awaiting_verification(self) -> AccreditationQuerySet:
        return self.filter(verification=AccreditationVerification.PENDING)


class AccreditationStatus(models.TextChoices):
    """An accreditation's status (outside `Accreditation` so its Meta can build the constraint from it)."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class AccreditationVerification(models.TextChoices):
    """Whether registry staff have checked an accreditation against its certificate: only a verified one
    counts. A new or changed accreditation waits for verification."""

    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REFUSED = "refused", _("Refused")


#: registry staff's decisions on an accreditation's evidence; the body's change of a verified or refused
#: accreditation sends it back (`resubmit`, no event of its own: the update's event records it)
VERIFICATION_TRANSITIONS = Transitions(
    status_field="verification",
    reason_field="verification_reason",
    changed_at_field="verified_at",
    refused=_("An accreditation that is %(current_lower)s cannot become %(target_lower)s."),
    reason_missing=_("Give the reason for refusing the accreditation."),
    actions={
        "verify": Transition(
            source=(AccreditationVerification.PENDING,),
            target=AccreditationVerification.VERIFIED,
            event="bodies.accreditation.verified",
        ),
        "refuse": Transition(
            source=(AccreditationVerification.PENDING,),
            target=AccreditationVerification.REFUSED,
            event="bodies.accreditation.refused",
            reason=True,
        ),
        "resubmit": Transition(
            source=(AccreditationVerification.VERIFIED, AccreditationVerification.REFUSED),
            target=AccreditationVerification.PENDING,
        ),
    },
)


class Accreditation(TenantModel):
    """A body's accreditation by an accreditation body (ISO/IEC 17011), with its scope, validity and the
    certificate that proves it; it counts once registry staff have verified it (`verification`)."""

    Standard = AccreditationStandard
    Status = AccreditationStatus
    Verification = AccreditationVerification
    VERIFICATION_TRANSITIONS = VERIFICATION_TRANSITIONS

    #: the body's decisions on an accreditation, and the system's expiry sweep
    TRANSITIONS = Transitions(
        refused=_("An accreditation that is %(current)s cannot become %(target)s."),
        reason_field="status_reason",
        actions={
            "suspend": Transition(
                source=(Status.ACTIVE,),
                target=Status.SUSPENDED,
                event="bodies.accreditation.suspended",
                reason=True,
            ),
            "reinstate": Transition(
                source=(Status.SUSPENDED,),
                target=Status.ACTIVE,
                event="bodies.accreditation.reinstated",
                reason=True,
            ),
            "withdraw": Transition(
                source=(Status.ACTIVE, Status.SUSPENDED),
                target=Status.WITHDRAWN,
                event="bodies.accreditation.withdrawn",
                reason=True,
            ),
            "expire": Transition(
                source=(Status.ACTIVE, Status.SUSPENDED),
                target=Status.EXPIRED,
                event="bodies.accreditation.expired",
            ),
        },
    )

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="accreditations")
    accreditation_body = models.ForeignKey(
        "reference.AccreditationBody",
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("accreditation body"),
    )
    standard = models.CharField(_("standard"), max_length=30, choices=Standard.choices)
    programme_name = models.CharField(
        _("GHG programme"), max_length=200, blank=True, help_text=_("for an approved GHG programme")
    )
    certificate_number = models.CharField(_("certificate number"), max_length=80)
    scope_activities = models.ManyToManyField(
        "reference.Activity", related_name="accreditations", verbose_name=_("activities in scope")
    )
    scope_standards = models.ManyToManyField(
        "reference.Standard", related_name="accreditations", verbose_name=_("standards in scope")
    )
    scope_sectors = models.ManyToManyField(
        "reference.Sector", related_name="accreditations", verbose_name=_("sectors in scope")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    last_onsite_assessment = models.DateField(_("last on-site assessment"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(blank=True)
    certificate = models.FileField(
        _("accreditation certificate"),
        upload_to="accreditations/",
        blank=True,
        help_text=_("the certificate issued by the accreditation body (PDF)"),
    )
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=AccreditationVerification.choices,
        default=AccreditationVerification.PENDING,
    )
    verification_reason = models.TextField(_("reason given by the registry"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified or refused by"),
    )
    verified_at = models.DateTimeField(_("verified or refused at"), null=True, blank=True)

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_to"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="accreditation_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AccreditationStatus.values),
                name="accreditation_status_valid",
            ),
            models.UniqueConstraint(
                fields=["body", "standard", "certificate_number"], name="accreditation_certificate_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(verification__in=AccreditationVerification.values),
                name="accreditation_verification_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "valid_to"], name="accreditation_body_status"),
            models.Index(fields=["status", "valid_to"], name="accreditation_status_validto"),
            models.Index(fields=["verification", "updated_at"], name="accreditation_verification"),
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()} {self.certificate_number}"

    def is_active_on(self, day: date) -> bool:
        return self.status == self.Status.ACTIVE and self.valid_from <= day <= self.valid_to

    @property
    def counts(self) -> bool:
        """Verified and active (the dates are checked against the day that matters by the caller)."""
        return self.verification == AccreditationVerification.VERIFIED and self.status == self.Status.ACTIVE

    @property
    def iaf_mla_today(self) -> bool:
        """`iaf_mla_on` today (for pages: a list prefetches `accreditation_body__mla_signatures`)."""
        return self.iaf_mla_on(timezone.localdate())

    def iaf_mla_on(self, day: date) -> bool:
        """Is its accreditation body an IAF MLA signatory for its standard on `day`? (derived, never declared)"""
        return self.accreditation_body.is_mla_signatory(self.standard, day)
