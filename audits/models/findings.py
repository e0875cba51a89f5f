"""Findings and corrective actions: what the team found (the vocabulary follows the engagement's family), the
client's versioned responses, the evidence on both sides, and the verification of effectiveness."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TenantModel
from core.transitions import Transition, Transitions


class FindingKind(models.TextChoices):
    MAJOR_NC = "major_nc", _("Major nonconformity")
    MINOR_NC = "minor_nc", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation / opportunity for improvement")
    CAR = "car", _("Corrective action request (CAR)")
    CL = "cl", _("Clarification request (CL)")
    FAR = "far", _("Forward action request (FAR)")


#: the vocabulary of each family of engagements
MANAGEMENT_SYSTEM_FINDINGS = (FindingKind.MAJOR_NC, FindingKind.MINOR_NC, FindingKind.OBSERVATION)
GHG_FINDINGS = (FindingKind.CAR, FindingKind.CL, FindingKind.FAR)
#: kinds that need the client's response and its acceptance (the others are noted, or carried forward)
RESPONSE_KINDS = frozenset({FindingKind.MAJOR_NC, FindingKind.MINOR_NC, FindingKind.CAR, FindingKind.CL})


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("finding status", "Open")
    RESPONSE_SUBMITTED = "response_submitted", _("Response submitted")
    ACCEPTED = "accepted", _("Response accepted")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


F = FindingStatus


class Finding(TenantModel):
    """One finding of an engagement: kind, the requirement (clause), the auditor's statement and objective
    evidence, the response due date (30 days after the audit's last day, a setting), and its life cycle
    `open → response submitted → accepted | rejected (→ open) → verified → closed`. Rejections are counted
    (`rounds`). A FAR or a minor nonconformity carried to a later engagement names the finding it continues
    (`carried_from`). `internal_note` is the team's own and never reaches the client."""

    Kind = FindingKind
    Status = FindingStatus

    TRANSITIONS = Transitions(
        refused=_("A finding that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "respond": Transition(
                source=(F.OPEN,), target=F.RESPONSE_SUBMITTED, event="audits.finding.responded"
            ),
            "accept": Transition(
                source=(F.RESPONSE_SUBMITTED,), target=F.ACCEPTED, event="audits.finding.accepted"
            ),
            "reject": Transition(
                source=(F.RESPONSE_SUBMITTED,), target=F.OPEN, event="audits.finding.rejected", reason=True
            ),
            "verify": Transition(source=(F.ACCEPTED,), target=F.VERIFIED, event="audits.finding.verified"),
            "close": Transition(source=(F.OPEN, F.VERIFIED), target=F.CLOSED, event="audits.finding.closed"),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="findings")
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.CASCADE, related_name="findings", verbose_name=_("engagement")
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    clause = models.CharField(_("requirement (clause)"), max_length=120)
    statement = models.TextField(_("finding"))
    evidence = models.TextField(_("objective evidence"))
    internal_note = models.TextField(_("internal note"), blank=True)
    due_on = models.DateField(_("response due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=FindingStatus.choices, default=F.OPEN)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    rounds = models.PositiveIntegerField(_("rejected responses"), default=0)
    verification_note = models.TextField(_("verification of effectiveness"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    carried_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried from"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )

    class Meta:
        ordering = ["engagement", "number"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "number"], name="finding_number_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=FindingKind.values), name="finding_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FindingStatus.values), name="finding_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=F.VERIFIED) | models.Q(verified_by__isnull=False),
                name="finding_verified_by_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "due_on"], name="finding_body_status_due"),
            models.Index(fields=["engagement", "status"], name="finding_engagement_status"),
        ]

    def __str__(self) -> str:
        return _("Finding %(number)s (%(kind)s)") % {"number": self.number, "kind": self.get_kind_display()}


class FindingResponse(TenantModel):
    """One version of the client's response to a finding (root cause, correction, corrective action), and
    how the team judged it. A new response is a new version; earlier ones stay readable."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("response outcome", "Accepted")
        REJECTED = "rejected", _("Rejected")

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="responses", verbose_name=_("finding")
    )
    version = models.PositiveIntegerField(_("version"))
    root_cause = models.TextField(_("root cause"))
    correction = models.TextField(_("correction"))
    corrective_action = models.TextField(_("corrective action"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("judged by"),
    )
    judged_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    comment = models.TextField(_("comment to the client"), blank=True)

    class Meta:
        ordering = ["finding", "version"]
        verbose_name = _("response to a finding")
        verbose_name_plural = _("responses to findings")
        constraints = [
            models.UniqueConstraint(fields=["finding", "version"], name="finding_response_version_unique"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=["accepted", "rejected"]),
                name="finding_response_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return _("Response %(version)s to %(finding)s") % {"version": self.version, "finding": self.finding}


def evidence_path(instance: FindingEvidence, filename: str) -> str:
    return f"findings/{instance.body_id}/{instance.finding_id}/{filename}"


class FindingEvidence(TenantModel):
    """A file of evidence on a finding: the team's objective evidence, or the client's with a response. Checked
    by the one upload checker and stored with its SHA-256."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="files", verbose_name=_("finding")
    )
    response = models.ForeignKey(
        FindingResponse,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("response"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        ordering = ["finding", "created_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.filename
