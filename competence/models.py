"""Competence of a body's people (ISO/IEC 17021-1 clause 7, ISO 14066): records, evidence, training, witnessing."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Role
from core.models import TenantModel
from core.tenancy import TenantQuerySet
from core.transitions import Transition, Transitions

#: the roles a competence record can be held for (committee roles need no technical competence record)
COMPETENCE_ROLES = [
    (Role.LEAD_AUDITOR.value, Role.LEAD_AUDITOR.label),
    (Role.AUDITOR.value, Role.AUDITOR.label),
    (Role.TECHNICAL_EXPERT.value, Role.TECHNICAL_EXPERT.label),
    (Role.INDEPENDENT_REVIEWER.value, Role.INDEPENDENT_REVIEWER.label),
    (Role.DECISION_MAKER.value, Role.DECISION_MAKER.label),
]

#: a competence for the key role also qualifies for the listed roles
ROLE_IMPLIES: dict[str, tuple[str, ...]] = {
    Role.LEAD_AUDITOR: (Role.LEAD_AUDITOR, Role.AUDITOR),
}


class Basis(models.TextChoices):
    EDUCATION = "education", _("Education")
    TRAINING = "training", _("Training")
    AUDITS_PERFORMED = "audits_performed", _("Audits performed")
    WITNESSED_AUDIT = "witnessed_audit", _("Witnessed audit")


class CompetenceRecordQuerySet(TenantQuerySet["CompetenceRecord"]):
    def approved(self) -> CompetenceRecordQuerySet:
        return self.filter(status=CompetenceRecord.Status.APPROVED)


class CompetenceStatus(models.TextChoices):
    """A competence record's status (outside `CompetenceRecord` so its Meta can build the constraint)."""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")


class CompetenceRecord(TenantModel):
    """One person's competence in one body for a standard × sector × role, with its basis and validity."""

    Status = CompetenceStatus

    #: evaluation and approval (ISO/IEC 17021-1 7.2.4), renewal by a new evaluation, suspension, expiry
    TRANSITIONS = Transitions(
        refused=_("A competence that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="status_reason",
        actions={
            "approve": Transition(
                source=(Status.PROPOSED,),
                target=Status.APPROVED,
                event="competence.record.approved",
                refused=_("Only a proposed competence can be approved (this one is %(current_lower)s)."),
            ),
            "renew": Transition(
                source=(Status.APPROVED, Status.SUSPENDED),
                target=Status.APPROVED,
                event="competence.record.renewed",
                refused=_("Only an approved or suspended competence can be renewed."),
            ),
            "suspend": Transition(
                source=(Status.APPROVED,),
                target=Status.SUSPENDED,
                event="competence.record.suspended",
                reason=True,
                refused=_("Only an approved competence can be suspended."),
            ),
            "expire": Transition(
                source=(Status.APPROVED, Status.SUSPENDED),
                target=Status.EXPIRED,
                event="competence.record.expired",
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="competence_records")
    membership = models.ForeignKey("bodies.Membership", on_delete=models.CASCADE, related_name="competences")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competences")
    standard = models.ForeignKey("reference.Standard", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=40, choices=COMPETENCE_ROLES)
    basis = models.JSONField(
        _("basis"), default=list, help_text=_("education, training, audits performed, witnessed")
    )
    notes = models.TextField(_("notes"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    status_reason = models.TextField(blank=True)

    objects = CompetenceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["person__full_name", "standard_id", "sector__sort_key", "role"]
        verbose_name = _("competence record")
        verbose_name_plural = _("competence records")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "standard", "sector", "role"], name="competence_unique_scope_role"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CompetenceStatus.values),
                name="competence_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (models.Q(evaluated_by__isnull=False) & models.Q(evaluated_on__isnull=False)),
                name="competence_approved_is_evaluated",
            ),
            models.CheckConstraint(
                condition=models.Q(evaluated_by__isnull=True) | ~models.Q(evaluated_by=models.F("person")),
                name="competence_not_self_evaluated",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "valid_until"], name="competence_body_status"),
            models.Index(fields=["person", "standard", "sector"], name="competence_person_scope"),
            # the API list's order (newest first, ties by id), for registry staff and for one body
            models.Index(fields=["created_at", "id"], name="competence_created"),
            models.Index(fields=["body", "created_at", "id"], name="competence_body_created"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.standard} / {self.sector}"

    def covers_day(self, day: date) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.evaluated_on is not None
            and self.evaluated_on <= day <= self.valid_until
        )


class CompetenceEvidence(models.Model):
    """A file that supports a competence record (certificate, training record, witness report)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(CompetenceRecord, on_delete=models.CASCADE, related_name="evidence")
    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    description = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.description


class TrainingEntry(models.Model):
    """Training or continuing professional development a person completed, as recorded by one body."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training course")
        CPD = "cpd", _("Continuing professional development")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("bodies.Membership", on_delete=models.CASCADE, related_name="training")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    standard = models.ForeignKey(
        "reference.Standard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training entry")
        verbose_name_plural = _("training entries")
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive")
        ]

    def __str__(self) -> str:
        return self.title


class WitnessedAudit(models.Model):
    """An audit at which someone qualified watched the person perform (ISO/IEC 17021-1 7.2.10)."""

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", _("Satisfactory")
        NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")
        UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "bodies.Membership", on_delete=models.CASCADE, related_name="witnessed_audits"
    )
    witnessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witnessed_on = models.DateField()
    standard = models.ForeignKey("reference.Standard", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", on_delete=models.PROTECT, related_name="+")
    engagement_reference = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-witnessed_on"]
        verbose_name = _("witnessed audit")
        verbose_name_plural = _("witnessed audits")

    def __str__(self) -> str:
        return _("%(person)s, witnessed audit of %(day)s") % {
            "person": self.membership,
            "day": date_format(self.witnessed_on),
        }


class PeriodicEvaluation(models.Model):
    """The periodic performance evaluation of a person by the body (ISO/IEC 17021-1 7.2.10)."""

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", _("Satisfactory")
        ACTION_NEEDED = "action_needed", _("Action needed")
        UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("bodies.Membership", on_delete=models.CASCADE, related_name="evaluations")
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_on = models.DateField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-evaluated_on"]
        verbose_name = _("periodic evaluation")
        verbose_name_plural = _("periodic evaluations")

    def __str__(self) -> str:
        return _("%(person)s, evaluation of %(day)s") % {
            "person": self.membership,
            "day": date_format(self.evaluated_on),
        }


class ColleagueRecords(models.TextChoices):
    """What an ordinary member of a body may see of a colleague's records (the body decides)."""

    SUMMARY = "summary", _("The team summary only")
    FULL = "full", _("Everything recorded about them")


class PeopleRecordsPolicy(models.Model):
    """A body's decision on the confidentiality of its people's records (issue 7 §3).

    With no row the body keeps the safe default, `summary`: an ordinary member sees their own records in full
    and of a colleague only the team-facing summary (name, roles, employment, which standard/sector
    competences are approved and until when). `full` lets every active member read colleagues' records,
    history, evidence, competence-record PDF and personal deadlines. Competence managers, body administrators
    and registry staff always see everything. The rule is `competence.permissions`.
    """

    body = models.OneToOneField(
        "bodies.Body", on_delete=models.CASCADE, primary_key=True, related_name="people_records_policy"
    )
    colleague_records = models.CharField(
        _("what members see of colleagues"),
        max_length=20,
        choices=ColleagueRecords.choices,
        default=ColleagueRecords.SUMMARY,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("people's records policy")
        verbose_name_plural = _("people's records policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(colleague_records__in=ColleagueRecords.values),
                name="people_records_policy_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_colleague_records_display()}"
