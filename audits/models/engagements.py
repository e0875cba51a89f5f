"""Engagements: management-system audits, product-certification evaluations and GHG validations, verifications
and methodology assessments — one model, the kind deciding which fields and rules apply — with their teams and
the registry's rotation exemptions. The rules (eligibility, competence, conflicts, rotation, the life cycle's
guards) live in `audits.services`; these models keep the records and their invariants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from bodies.models.tenants import Role
from core.models import TenantModel
from core.tenancy import ObjectGrants, TenantQuerySet
from core.transitions import Transition, Transitions


class EngagementKind(models.TextChoices):
    STAGE_1 = "stage_1", _("Stage 1 audit")
    STAGE_2 = "stage_2", _("Stage 2 audit")
    SURVEILLANCE = "surveillance", _("Surveillance audit")
    RECERTIFICATION = "recertification", _("Recertification audit")
    SPECIAL = "special", _("Special audit")
    TRANSFER = "transfer", _("Transfer audit")
    PRODUCT_EVALUATION = "product_evaluation", _("Product certification evaluation")
    VALIDATION = "validation", _("GHG validation")
    VERIFICATION = "verification", _("GHG verification")
    VALIDATION_VERIFICATION = "validation_verification", _("GHG validation and verification")
    METHODOLOGY_ASSESSMENT = "methodology_assessment", _("Methodology assessment")


#: the kinds of each family: the family decides the findings' vocabulary and which fields apply
MANAGEMENT_SYSTEM_KINDS = frozenset(
    {
        EngagementKind.STAGE_1,
        EngagementKind.STAGE_2,
        EngagementKind.SURVEILLANCE,
        EngagementKind.RECERTIFICATION,
        EngagementKind.SPECIAL,
        EngagementKind.TRANSFER,
    }
)
PRODUCT_KINDS = frozenset({EngagementKind.PRODUCT_EVALUATION})
GHG_KINDS = frozenset(
    {
        EngagementKind.VALIDATION,
        EngagementKind.VERIFICATION,
        EngagementKind.VALIDATION_VERIFICATION,
        EngagementKind.METHODOLOGY_ASSESSMENT,
    }
)
#: GHG kinds that give an opinion on reported quantities: level of assurance and materiality apply
ASSURANCE_KINDS = frozenset({EngagementKind.VERIFICATION, EngagementKind.VALIDATION_VERIFICATION})
#: GHG kinds about one project (a methodology assessment is about a methodology, for a client)
PROJECT_KINDS = frozenset(
    {EngagementKind.VALIDATION, EngagementKind.VERIFICATION, EngagementKind.VALIDATION_VERIFICATION}
)


class EngagementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    TEAM_PROPOSED = "team_proposed", _("Team proposed")
    TEAM_CONFIRMED = "team_confirmed", _("Team confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORT_DRAFTED = "report_drafted", _("Report drafted")
    UNDER_REVIEW = "under_review", _("Under independent review")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = EngagementStatus
#: every status before a decision, from which an engagement may be cancelled
BEFORE_DECISION = (
    S.DRAFT,
    S.PLANNED,
    S.TEAM_PROPOSED,
    S.TEAM_CONFIRMED,
    S.IN_PROGRESS,
    S.REPORT_DRAFTED,
    S.UNDER_REVIEW,
    S.AWAITING_DECISION,
)


class AssuranceLevel(models.TextChoices):
    REASONABLE = "reasonable", _("Reasonable assurance")
    LIMITED = "limited", _("Limited assurance")


class AuditMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("On site and remote")


class EngagementQuerySet(TenantQuerySet["Engagement"]):
    object_grants = ObjectGrants(codename="view_engagement", unless_body_perm="view_all_engagements")


class Engagement(TenantModel):
    """One audit, evaluation, validation, verification or methodology assessment a body performs for a client
    (or on a project), from its draft to its decision and closing.

    The kind decides what applies: GHG kinds have a monitoring period and (verifications) a level of assurance
    and materiality; management-system kinds have sites, sampling and stage links (a stage 2 follows its stage
    1). Audit time is stored with its calculation and justification (`audit_time`, `audit_time_justification`)
    as the planner accepted it, and printed in the audit plan.
    """

    Kind = EngagementKind
    Status = EngagementStatus
    Mode = AuditMode
    Assurance = AssuranceLevel

    TRANSITIONS = Transitions(
        refused=_("An engagement that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "plan": Transition(source=(S.DRAFT,), target=S.PLANNED, event="audits.engagement.planned"),
            "propose_team": Transition(
                source=(S.PLANNED,), target=S.TEAM_PROPOSED, event="audits.engagement.team_proposed"
            ),
            "confirm_team": Transition(
                source=(S.TEAM_PROPOSED,), target=S.TEAM_CONFIRMED, event="audits.engagement.team_confirmed"
            ),
            "reopen_team": Transition(
                source=(S.TEAM_CONFIRMED,),
                target=S.TEAM_PROPOSED,
                event="audits.engagement.team_reopened",
                reason=True,
            ),
            "start": Transition(
                source=(S.TEAM_CONFIRMED,), target=S.IN_PROGRESS, event="audits.engagement.started"
            ),
            "draft_report": Transition(
                source=(S.IN_PROGRESS,), target=S.REPORT_DRAFTED, event="audits.engagement.report_drafted"
            ),
            "send_to_review": Transition(
                source=(S.REPORT_DRAFTED,), target=S.UNDER_REVIEW, event="audits.engagement.sent_to_review"
            ),
            "await_decision": Transition(
                source=(S.UNDER_REVIEW,),
                target=S.AWAITING_DECISION,
                event="audits.engagement.review_completed",
            ),
            "decide": Transition(
                source=(S.AWAITING_DECISION,), target=S.DECIDED, event="audits.engagement.decided"
            ),
            "close": Transition(source=(S.DECIDED,), target=S.CLOSED, event="audits.engagement.closed"),
            "cancel": Transition(
                source=BEFORE_DECISION, target=S.CANCELLED, event="audits.engagement.cancelled", reason=True
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="engagements")
    reference = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=30, choices=EngagementKind.choices)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="engagements", verbose_name=_("client")
    )
    project = models.ForeignKey(
        "clients.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("project"),
    )
    activity = models.ForeignKey(
        "reference.Activity", on_delete=models.PROTECT, related_name="+", verbose_name=_("activity")
    )
    standard = models.ForeignKey(
        "reference.Standard", on_delete=models.PROTECT, related_name="+", verbose_name=_("standard")
    )
    criteria = models.TextField(_("programme criteria"), blank=True)
    sector = models.ForeignKey(
        "reference.Sector", on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    scope = models.TextField(_("scope"))
    sites = models.ManyToManyField(
        "clients.Site", blank=True, related_name="engagements", verbose_name=_("sites")
    )
    previous_stage = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_stages",
        verbose_name=_("follows"),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=AuditMode.choices, default=AuditMode.ON_SITE)
    audit_days = models.DecimalField(
        _("audit time (person-days)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    audit_time = models.JSONField(_("audit time calculation"), default=dict, blank=True)
    audit_time_justification = models.TextField(_("audit time justification"), blank=True)
    level_of_assurance = models.CharField(
        _("level of assurance"), max_length=20, choices=AssuranceLevel.choices, blank=True
    )
    materiality_percent = models.DecimalField(
        _("materiality (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    monitoring_period_start = models.DateField(_("monitoring period start"), null=True, blank=True)
    monitoring_period_end = models.DateField(_("monitoring period end"), null=True, blank=True)
    reviewer = models.ForeignKey(
        "bodies.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements_to_review",
        verbose_name=_("independent reviewer"),
    )
    report_conclusions = models.TextField(_("report conclusions"), blank=True)
    same_body_validated = models.BooleanField(
        _("the same body validated this project"),
        default=False,
        help_text=_("Disclosed in the verification report."),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    status = models.CharField(_("status"), max_length=30, choices=EngagementStatus.choices, default=S.DRAFT)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "reference", "id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(fields=["body", "reference"], name="engagement_body_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=EngagementKind.values), name="engagement_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=EngagementStatus.values), name="engagement_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=AuditMode.values), name="engagement_mode_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="engagement_planned_order",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_start__isnull=True)
                | models.Q(actual_end__isnull=True)
                | models.Q(actual_end__gte=models.F("actual_start")),
                name="engagement_actual_order",
            ),
            models.CheckConstraint(
                condition=models.Q(monitoring_period_start__isnull=True)
                | models.Q(monitoring_period_end__isnull=True)
                | models.Q(monitoring_period_end__gte=models.F("monitoring_period_start")),
                name="engagement_monitoring_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(k.value for k in PROJECT_KINDS))
                | models.Q(project__isnull=False),
                name="engagement_ghg_has_project",
            ),
            models.CheckConstraint(
                condition=models.Q(level_of_assurance="")
                | models.Q(level_of_assurance__in=AssuranceLevel.values),
                name="engagement_assurance_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(materiality_percent__isnull=True)
                | (models.Q(materiality_percent__gt=0) & models.Q(materiality_percent__lte=100)),
                name="engagement_materiality_range",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "planned_start"], name="engagement_body_status"),
            models.Index(fields=["body", "planned_start", "id"], name="engagement_body_start"),
            models.Index(fields=["project", "kind", "status"], name="engagement_project_kind"),
            models.Index(fields=["client", "planned_start"], name="engagement_client_start"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_kind_display()}"

    @property
    def is_ghg(self) -> bool:
        return self.kind in GHG_KINDS

    @property
    def is_management_system(self) -> bool:
        return self.kind in MANAGEMENT_SYSTEM_KINDS

    @property
    def needs_assurance(self) -> bool:
        return self.kind in ASSURANCE_KINDS


class EngagementUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct-foreign-key grant table for engagements (a team member admitted to one engagement)."""

    content_object = models.ForeignKey(Engagement, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("person admitted to an engagement")
        verbose_name_plural = _("people admitted to engagements")


#: the roles a team member holds on an engagement
TEAM_ROLES = [
    (Role.LEAD_AUDITOR.value, Role.LEAD_AUDITOR.label),
    (Role.AUDITOR.value, Role.AUDITOR.label),
    (Role.TECHNICAL_EXPERT.value, Role.TECHNICAL_EXPERT.label),
]


class TeamMember(TenantModel):
    """One person on an engagement's team, in one role, with the per-engagement declaration of interest that
    clears them (the impartiality capability's record)."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="team", verbose_name=_("engagement")
    )
    membership = models.ForeignKey(
        "bodies.Membership",
        on_delete=models.PROTECT,
        related_name="engagement_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=40, choices=TEAM_ROLES)
    declaration = models.ForeignKey(
        "impartiality.Declaration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declaration of interest"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )

    class Meta:
        ordering = ["engagement", "role", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "membership"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["engagement"], condition=models.Q(role="lead_auditor"), name="team_one_lead_auditor"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[value for value, _label in TEAM_ROLES]), name="team_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["membership", "engagement"], name="team_member_person")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_role_display()}"


class RotationExemption(TenantModel):
    """The registry's exemption from the verification rotation limit for one body and one project, with its
    reason, recorded by registry staff in the back office."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="rotation_exemptions")
    project = models.ForeignKey(
        "clients.Project",
        on_delete=models.CASCADE,
        related_name="rotation_exemptions",
        verbose_name=_("project"),
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("rotation exemption")
        verbose_name_plural = _("rotation exemptions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="rotation_exemption_reason")
        ]

    def __str__(self) -> str:
        return _("Rotation exemption for %(project)s") % {"project": self.project}
