"""The tenant half of bodies, part of the platform kernel: a body, the people who work for it (their
membership and roles) and the guardian grant tables that carry their permissions on it.

Nothing here knows about approval decisions or accreditations; those are the bodies capability
(`bodies.models.approval`).
"""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.db import connections, models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.tenancy import TenantQuerySet
from core.transitions import Transition, Transitions

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]


class BodyQuerySet(TenantQuerySet["Body"]):
    tenant_field = ""

    def approved(self) -> BodyQuerySet:
        return self.filter(status=Body.Status.APPROVED)


class BodyStatus(models.TextChoices):
    """A body's ICR approval status (outside `Body` so its Meta can build the check constraint from it)."""

    APPLICANT = "applicant", _("Applicant")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Body(models.Model):
    """A certification body or validation/verification body working under ICR: one tenant."""

    class Kind(models.TextChoices):
        VVB = "vvb", _("Validation/verification body (VVB)")
        MS_CB = "ms_cb", _("Management-system certification body")
        PRODUCT_CB = "product_cb", _("Product certification body")

    Status = BodyStatus

    #: the ICR approval life cycle: each registry decision, the statuses it may come from and where it leads
    TRANSITIONS = Transitions(
        refused=_("A body that is %(current)s cannot become %(target)s."),
        reason_missing=_("A registry decision needs a reason."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "start_review": Transition(
                source=(Status.APPLICANT,),
                target=Status.UNDER_REVIEW,
                event="bodies.body.review_started",
                reason=True,
            ),
            "approve": Transition(
                source=(Status.UNDER_REVIEW,),
                target=Status.APPROVED,
                event="bodies.body.approved",
                reason=True,
            ),
            "suspend": Transition(
                source=(Status.APPROVED,), target=Status.SUSPENDED, event="bodies.body.suspended", reason=True
            ),
            "reinstate": Transition(
                source=(Status.SUSPENDED,),
                target=Status.APPROVED,
                event="bodies.body.reinstated",
                reason=True,
            ),
            "withdraw": Transition(
                source=(Status.APPLICANT, Status.UNDER_REVIEW, Status.APPROVED, Status.SUSPENDED),
                target=Status.WITHDRAWN,
                event="bodies.body.withdrawn",
                reason=True,
            ),
        },
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    registration_number = models.CharField(_("company registration number"), max_length=60, blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    agreement_reference = models.CharField(_("ICR agreement reference"), max_length=60, blank=True)
    agreement_signed_on = models.DateField(_("ICR agreement signed on"), null=True, blank=True)
    activities = models.ManyToManyField(
        "reference.Activity", blank=True, related_name="bodies", verbose_name=_("activities")
    )
    sectors = models.ManyToManyField(
        "reference.Sector", blank=True, related_name="bodies", verbose_name=_("sectors")
    )
    status = models.CharField(
        _("ICR approval status"), max_length=20, choices=Status.choices, default=Status.APPLICANT
    )
    status_reason = models.TextField(_("reason for the current status"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=BodyStatus.values),
                name="body_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["vvb", "ms_cb", "product_cb"]), name="body_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "legal_name"], name="body_status_name"),
            models.Index(fields=["legal_name", "id"], name="body_name"),  # the bodies list's order
        ]
        # The kernel's own permissions on a body; capabilities declare theirs in `<app>/roles.py`
        # (`core.roles.declare_permission`), created after every migrate on this content type.
        permissions = [
            ("manage_body", "Can keep the body's profile"),
            ("manage_members", "Can manage the body's people and roles"),
            ("manage_api_tokens", "Can create and revoke the body's API tokens"),
            ("view_audit_trail", "Can read the body's audit trail"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.legal_name

    @property
    def display_name(self) -> str:
        return self.legal_name

    @property
    def agreement_signed(self) -> bool:
        return bool(self.agreement_reference and self.agreement_signed_on)


class Role(models.TextChoices):
    BODY_ADMIN = "body_admin", _("Body administrator")
    LEAD_AUDITOR = "lead_auditor", _("Lead auditor")
    AUDITOR = "auditor", _("Auditor")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
    INDEPENDENT_REVIEWER = "independent_reviewer", _("Independent reviewer")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler")
    IMPARTIALITY_COMMITTEE = "impartiality_committee_member", _("Impartiality committee member")
    APPEALS_COMMITTEE = "appeals_committee_member", _("Appeals committee member")


#: the kernel's object permissions (on the Body, through guardian) that each role holds; every active member
#: can view. Capabilities grant theirs in `<app>/roles.py`; `core.roles.role_permissions()` is the whole table.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.BODY_ADMIN: ("manage_body", "manage_members", "manage_api_tokens", "view_audit_trail"),
}
MEMBER_PERMISSIONS: tuple[str, ...] = ("view_body",)


class MembershipQuerySet(TenantQuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)

    def with_role(self, role: str) -> MembershipQuerySet:
        """Memberships whose roles include `role`, in SQL on every database: JSON containment where the
        database has it (PostgreSQL), else the quoted code in the JSON text (SQLite, the demo's database)."""
        if connections[self.db].features.supports_json_field_contains:
            return self.filter(roles__contains=[role])
        return self.filter(roles__icontains=f'"{role}"')


class MembershipStatus(models.TextChoices):
    """Whether a person is active in a body (outside `Membership` so its Meta can build the constraint)."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """A person's place in one body: their roles there and whether they are active."""

    Status = MembershipStatus

    class Employment(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        EXTERNAL_AUDITOR = "external_auditor", _("External auditor")
        TECHNICAL_EXPERT = "technical_expert", _("Technical expert")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    roles = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    employment = models.CharField(
        _("employment"), max_length=30, choices=Employment.choices, default=Employment.EMPLOYEE
    )
    undertaking_signed_on = models.DateField(
        _("confidentiality and impartiality undertaking signed on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "body"], name="membership_user_body_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=MembershipStatus.values), name="membership_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="membership_user_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.body}"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_body_admin(self) -> bool:
        return self.status == self.Status.ACTIVE and Role.BODY_ADMIN in self.roles

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]


class BodyUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct-foreign-key grant table for bodies (fast joins, real referential integrity)."""

    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("person's permission on a body")
        verbose_name_plural = _("people's permissions on bodies")


class BodyGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's direct-foreign-key grant table for bodies, to groups (unused by the platform's roles)."""

    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group's permission on a body")
        verbose_name_plural = _("groups' permissions on bodies")
