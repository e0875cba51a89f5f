"""The engagement's life cycle after its team: planned, started, the report drafted and sent to an independent
reviewer, or cancelled."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Membership, Role
from core.errors import PermissionDenied, field_error
from core.grants import object_grant
from core.permissions import has_body_perm
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ...error_codes import AuditsErrorCode
from ...models import Engagement, TeamMember
from ...permissions import MANAGE_ENGAGEMENTS, require_manage_engagements
from .common import DECLARATION_DUE, REPORT_DUE, check_eligible, last_day


def _lead_auditor(engagement: Engagement) -> TeamMember | None:
    return engagement.team.filter(role=Role.LEAD_AUDITOR).select_related("membership__user").first()


def _require_lead_or_manager(actor: Actor, engagement: Engagement, *, managers: bool) -> None:
    lead = _lead_auditor(engagement)
    if (
        lead is not None
        and lead.membership.user_id == actor.pk
        and lead.membership.status == Membership.Status.ACTIVE
    ):
        return
    if managers and has_body_perm(actor, engagement.body, MANAGE_ENGAGEMENTS):
        return
    raise PermissionDenied(
        _("Only the engagement's lead auditor may do this."), code=AuditsErrorCode.NOT_LEAD_AUDITOR
    )


def engagement_plan(*, engagement: Engagement, actor: Actor) -> Engagement:
    """Schedules a draft: the body must be eligible on every planned day."""
    require_manage_engagements(actor, engagement.body)
    return transition(engagement, action="plan", actor=actor, guards=[check_eligible])


def engagement_start(*, engagement: Engagement, actor: Actor) -> Engagement:
    """The lead auditor (or a planner) starts the fieldwork; the report is due N days after the last audit day."""
    _require_lead_or_manager(actor, engagement, managers=True)

    def apply(locked: Engagement) -> list[str]:
        if locked.actual_start is None:
            locked.actual_start = timezone.localdate()
            return ["actual_start"]
        return []

    def effects(locked: Engagement, _previous: str) -> None:
        deadline_upsert(kind=REPORT_DUE, subject=locked, body=locked.body, due_on=last_day(locked))

    return transition(engagement, action="start", actor=actor, apply=apply, effects=[effects])


def engagement_draft_report(*, engagement: Engagement, actor: Actor) -> Engagement:
    """The lead auditor records that the report is drafted."""
    _require_lead_or_manager(actor, engagement, managers=False)

    def effects(locked: Engagement, _previous: str) -> None:
        deadline_close(kind=REPORT_DUE, subject=locked)

    return transition(engagement, action="draft_report", actor=actor, effects=[effects])


def engagement_send_to_review(*, engagement: Engagement, actor: Actor, reviewer: Membership) -> Engagement:
    """A planner sends the drafted report to an independent reviewer: an active member of the body holding the
    independent reviewer role, not on the team. The reviewer is admitted to the engagement and told."""
    require_manage_engagements(actor, engagement.body)
    if (
        reviewer.body_id != engagement.body_id
        or reviewer.status != Membership.Status.ACTIVE
        or Role.INDEPENDENT_REVIEWER not in (reviewer.roles or ())
    ):
        raise field_error(
            "reviewer",
            _(
                "The independent reviewer must be an active member of the body holding the independent reviewer role."
            ),
            AuditsErrorCode.REVIEWER_INVALID,
        )

    def independent(locked: Engagement) -> None:
        if locked.team.filter(membership__user_id=reviewer.user_id).exists():
            raise field_error(
                "reviewer",
                _("%(name)s is on the team and cannot review it independently.") % {"name": reviewer.user},
                AuditsErrorCode.REVIEWER_INVALID,
            )

    def apply(locked: Engagement) -> list[str]:
        locked.reviewer = reviewer
        return ["reviewer"]

    def effects(locked: Engagement, _previous: str) -> None:
        object_grant(obj=locked, user=reviewer.user, actor=actor)
        notify(kind="audits.engagement.sent_to_review", subject=locked, body=locked.body)

    return transition(
        engagement,
        action="send_to_review",
        actor=actor,
        guards=[independent],
        apply=apply,
        effects=[effects],
        record_after=["reviewer"],
    )


def engagement_cancel(*, engagement: Engagement, actor: Actor, reason: str) -> Engagement:
    """A planner cancels an engagement before its decision, with a reason; the team is told."""
    require_manage_engagements(actor, engagement.body)

    def effects(locked: Engagement, _previous: str) -> None:
        for member in locked.team.all():
            deadline_close(kind=DECLARATION_DUE, subject=member)
        deadline_close(kind=REPORT_DUE, subject=locked)
        notify(
            kind="audits.engagement.cancelled", subject=locked, body=locked.body, reason=locked.status_reason
        )

    return transition(engagement, action="cancel", actor=actor, reason=reason, effects=[effects])


# After the report: the certification capability drives these steps from its own services (the review completed,
# the decision recorded), which enforce its rules (independence, preconditions); here only the life cycle's
# guards and who may take the step.


def engagement_await_decision(*, engagement: Engagement, actor: Actor) -> Engagement:
    """The independent review is complete: the engagement waits for its decision. Only its reviewer takes it
    (`certification.services.review_complete`)."""

    def reviewer_only(locked: Engagement) -> None:
        if locked.reviewer is None or locked.reviewer.user_id != actor.pk:
            raise PermissionDenied(
                _("Only the engagement's independent reviewer may complete its review."),
                code=AuditsErrorCode.REVIEWER_INVALID,
            )

    return transition(engagement, action="await_decision", actor=actor, guards=[reviewer_only])


def engagement_decide(*, engagement: Engagement, actor: Actor) -> Engagement:
    """The engagement is decided (`certification.services.decision_record`): by an active decision maker of its
    body who is neither on its team nor its reviewer."""

    def independent_decision_maker(locked: Engagement) -> None:
        holds_role = (
            Membership.objects.active()
            .with_role(Role.DECISION_MAKER)
            .filter(body_id=locked.body_id, user_id=actor.pk)
            .exists()
        )
        on_team = locked.team.filter(membership__user_id=actor.pk).exists()
        reviewed = locked.reviewer is not None and locked.reviewer.user_id == actor.pk
        if not holds_role or on_team or reviewed:
            raise PermissionDenied(
                _("Only a decision maker who was neither on the team nor its reviewer may decide it."),
                code=AuditsErrorCode.DECIDER_INVALID,
            )

    return transition(engagement, action="decide", actor=actor, guards=[independent_decision_maker])


def engagement_close(*, engagement: Engagement, actor: Actor) -> Engagement:
    """A planner closes a decided engagement (its records complete)."""
    require_manage_engagements(actor, engagement.body)
    return transition(engagement, action="close", actor=actor)
