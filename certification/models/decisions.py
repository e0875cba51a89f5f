"""Decisions: every certification and GHG-opinion decision with its written rationale, by a decision maker who
was neither on the team nor the reviewer; and the platform's proposals, which a decision maker decides or
dismisses (the platform never suspends or withdraws on its own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from core.transitions import Transition, Transitions


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("Grant certification")
    REFUSE = "refuse", _("Refuse certification")
    MAINTAIN = "maintain", _("Maintain certification")
    RECERTIFY = "recertify", _("Recertify")
    EXTEND_SCOPE = "extend_scope", _("Extend scope")
    REDUCE_SCOPE = "reduce_scope", _("Reduce scope")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    WITHDRAW = "withdraw", _("Withdraw")
    RESTORE = "restore", _("Restore after expiry")
    POSITIVE_OPINION = "positive_opinion", _("Positive opinion")
    QUALIFIED_OPINION = "qualified_opinion", _("Qualified opinion")
    ADVERSE_OPINION = "adverse_opinion", _("Adverse opinion")


D = DecisionKind
#: decisions on an engagement's outcome (they need a completed review and move the engagement to "decided")
ENGAGEMENT_DECISIONS = frozenset({D.GRANT, D.REFUSE, D.MAINTAIN, D.RECERTIFY, D.EXTEND_SCOPE, D.RESTORE})
#: the opinions on a GHG validation or verification (each issues a statement)
OPINIONS = frozenset({D.POSITIVE_OPINION, D.QUALIFIED_OPINION, D.ADVERSE_OPINION})
#: decisions on a certificate alone (no engagement needed; an engagement may be named)
CERTIFICATE_DECISIONS = frozenset({D.SUSPEND, D.REINSTATE, D.WITHDRAW, D.REDUCE_SCOPE})


class Decision(TenantModel):
    """One decision, never changed once recorded. It names the engagement it decides (outcome decisions and
    opinions) and/or the certificate or statement it acts on."""

    Kind = DecisionKind

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=30, choices=DecisionKind.choices)
    engagement = models.ForeignKey(
        "audits.Engagement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("engagement"),
    )
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("certificate"),
    )
    statement = models.ForeignKey(
        "certification.Statement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("statement"),
    )
    proposal = models.OneToOneField(
        "certification.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("proposal"),
    )
    rationale = models.TextField(_("rationale"))
    scope = models.TextField(_("scope decided"), blank=True)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        "bodies.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("decision maker")
    )

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DecisionKind.values), name="decision_kind_valid"
            ),
            models.CheckConstraint(condition=~models.Q(rationale=""), name="decision_rationale_required"),
            models.CheckConstraint(
                condition=models.Q(engagement__isnull=False) | models.Q(certificate__isnull=False),
                name="decision_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "decided_on"], name="decision_body_day"),
            models.Index(fields=["certificate", "decided_on"], name="decision_certificate_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.decided_on:%Y-%m-%d}"


class ProposalKind(models.TextChoices):
    SUSPEND = "suspend", _("Suspend (surveillance missed)")
    WITHDRAW_OR_REDUCE = "withdraw_or_reduce", _("Withdraw or reduce scope (suspension ageing)")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    DECIDED = "decided", _("Decided")
    DISMISSED = "dismissed", _("Dismissed")


P = ProposalStatus


class Proposal(TenantModel):
    """What the platform proposes to a decision maker: a suspension when a surveillance is missed, a withdrawal or
    scope reduction when a suspension nears its limit. At most one open proposal of a kind per certificate."""

    Kind = ProposalKind
    Status = ProposalStatus

    TRANSITIONS = Transitions(
        refused=_("A proposal that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "decide": Transition(source=(P.OPEN,), target=P.DECIDED, event="certification.proposal.decided"),
            "dismiss": Transition(
                source=(P.OPEN,), target=P.DISMISSED, event="certification.proposal.dismissed", reason=True
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="proposals")
    certificate = models.ForeignKey(
        "certification.Certificate", on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(_("proposal"), max_length=30, choices=ProposalKind.choices)
    reason = models.TextField(_("why"))
    due = models.ForeignKey(
        "certification.ProgrammeDue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("missed programme date"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=P.OPEN)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ProposalKind.values), name="proposal_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.UniqueConstraint(
                fields=["certificate", "kind"],
                condition=models.Q(status="open"),
                name="proposal_one_open_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["body", "status"], name="proposal_body_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.certificate}"
