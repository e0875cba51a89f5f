"""Impartiality risk registers (one per body, and the registry's own) and the body's impartiality committee:
its meetings, the risks it reviewed, its conclusions and the actions it gave owners and due dates."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from core.tenancy import TenantQuerySet
from core.transitions import Transition, Transitions


class RiskSource(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    RELATIONSHIP = "relationship", _("Relationship")
    PERSON = "person", _("Person")


class RiskThreat(models.TextChoices):
    SELF_INTEREST = "self_interest", _("Self-interest")
    SELF_REVIEW = "self_review", _("Self-review")
    FAMILIARITY = "familiarity", _("Familiarity")
    INTIMIDATION = "intimidation", _("Intimidation")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


#: likelihood and impact are rated 1 (lowest) to 5 (highest); the rating is their product (1–25)
RATING_SCALE = [(n, str(n)) for n in range(1, 6)]


class RiskFields(models.Model):
    """What every impartiality risk records, in a body's register and in the registry's."""

    Source = RiskSource
    Threat = RiskThreat
    Status = RiskStatus

    title = models.CharField(_("risk"), max_length=200)
    source_kind = models.CharField(_("source"), max_length=20, choices=RiskSource.choices)
    source = models.TextField(_("source described"))
    threat = models.CharField(_("threat"), max_length=20, choices=RiskThreat.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=RATING_SCALE)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=RATING_SCALE)
    mitigation = models.TextField(_("mitigation"))
    next_review_on = models.DateField(_("next review"))
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def rating(self) -> int:
        """Likelihood × impact, 1–25."""
        return int(self.likelihood) * int(self.impact)


def _risk_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(source_kind__in=RiskSource.values), name=f"{prefix}_source_valid"
        ),
        models.CheckConstraint(
            condition=models.Q(threat__in=RiskThreat.values), name=f"{prefix}_threat_valid"
        ),
        models.CheckConstraint(
            condition=models.Q(status__in=RiskStatus.values), name=f"{prefix}_status_valid"
        ),
        models.CheckConstraint(
            condition=models.Q(likelihood__gte=1, likelihood__lte=5), name=f"{prefix}_likelihood_range"
        ),
        models.CheckConstraint(
            condition=models.Q(impact__gte=1, impact__lte=5), name=f"{prefix}_impact_range"
        ),
    ]


class Risk(TenantModel, RiskFields):
    """A risk in a body's impartiality register, owned by one of its people; overdue past its review date."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="impartiality_risks")
    owner = models.ForeignKey(
        "bodies.Membership",
        on_delete=models.PROTECT,
        related_name="owned_risks",
        verbose_name=_("owner"),
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["next_review_on", "title", "id"]
        verbose_name = _("impartiality risk")
        verbose_name_plural = _("impartiality risks")
        constraints = _risk_constraints("risk")
        indexes = [models.Index(fields=["body", "status", "next_review_on"], name="risk_body_review")]


class RegistryRisk(RiskFields):
    """A risk in the registry's own impartiality register, kept by registry staff in the back office."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["next_review_on", "title", "id"]
        verbose_name = _("registry impartiality risk")
        verbose_name_plural = _("registry impartiality risks")
        constraints = _risk_constraints("registry_risk")
        indexes = [models.Index(fields=["status", "next_review_on"], name="registry_risk_review")]


class CommitteeMeeting(TenantModel):
    """A meeting of the body's impartiality committee: when, who attended (people holding the committee role),
    which risks it reviewed, and what it concluded."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="committee_meetings")
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        "bodies.Membership", related_name="committee_meetings", verbose_name=_("attendees")
    )
    risks_reviewed = models.ManyToManyField(
        Risk, blank=True, related_name="meetings", verbose_name=_("risks reviewed")
    )
    conclusions = models.TextField(_("conclusions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        indexes = [models.Index(fields=["body", "held_on"], name="meeting_body_held_on")]

    def __str__(self) -> str:
        from django.utils.formats import date_format

        return _("Impartiality committee meeting of %(day)s") % {"day": date_format(self.held_on)}


class CommitteeActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class CommitteeAction(TenantModel):
    """An action the committee decided at a meeting, with its owner and due date; done by an explicit step."""

    Status = CommitteeActionStatus

    TRANSITIONS = Transitions(
        refused=_("An action that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="done_note",
        changed_at_field="done_at",
        actions={
            "complete": Transition(
                source=(CommitteeActionStatus.OPEN,),
                target=CommitteeActionStatus.DONE,
                event="impartiality.action.completed",
                refused=_("Only an open action can be marked done."),
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="committee_actions")
    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("meeting")
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        "bodies.Membership",
        on_delete=models.PROTECT,
        related_name="committee_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=CommitteeActionStatus.choices, default=CommitteeActionStatus.OPEN
    )
    done_note = models.TextField(_("how it was done"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("committee action")
        verbose_name_plural = _("committee actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommitteeActionStatus.values),
                name="committee_action_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["body", "status", "due_on"], name="committee_action_body_due")]

    def __str__(self) -> str:
        return self.description[:80]
