"""The engagement's team (issue 9 §2): members added and removed while the team is open, the team proposed,
confirmed through every gate, and reopened."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bodies.models.tenants import Membership, Role
from core.audit import audit_record
from core.errors import TransitionNotAllowed, ValidationError, coded, field_error
from core.grants import object_grant, object_revoke
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ...error_codes import AuditsErrorCode
from ...models import Engagement, TeamMember
from ...permissions import require_manage_engagements
from ..gates import GateFailure, member_failures, team_gates
from .common import DECLARATION_DUE, TEAM_OPEN


def _lock_team_open(engagement: Engagement) -> Engagement:
    locked = Engagement.objects.select_for_update(of=("self",)).select_related("body").get(pk=engagement.pk)
    if locked.status not in TEAM_OPEN:
        raise TransitionNotAllowed(
            _("The team of an engagement that is %(status)s cannot change: reopen the team first.")
            % {"status": locked.get_status_display().lower()},
            current=locked.status,
            code=AuditsErrorCode.TEAM_LOCKED,
        )
    return locked


def team_member_add(*, engagement: Engagement, actor: Actor, membership: Membership, role: str) -> TeamMember:
    """Puts a person of the body on the team in one role (one lead auditor) before the team is confirmed, and
    admits them to the engagement (`view_engagement`). The gates run at confirmation (and are shown before, in
    the candidates)."""
    require_manage_engagements(actor, engagement.body)
    if role not in (Role.LEAD_AUDITOR, Role.AUDITOR, Role.TECHNICAL_EXPERT):
        raise field_error("role", _("Choose a team role."), AuditsErrorCode.FIELD_NOT_FOR_KIND)
    if membership.body_id != engagement.body_id or membership.status != Membership.Status.ACTIVE:
        raise field_error(
            "membership",
            _("Only an active member of the body can be on the team."),
            AuditsErrorCode.NOT_A_MEMBER,
        )
    with transaction.atomic():
        locked = _lock_team_open(engagement)
        team = list(locked.team.all())
        if any(m.membership_id == membership.pk for m in team):
            raise field_error(
                "membership",
                _("%(name)s is already on the team.") % {"name": membership.user},
                AuditsErrorCode.ALREADY_ON_TEAM,
            )
        if role == Role.LEAD_AUDITOR and any(m.role == Role.LEAD_AUDITOR for m in team):
            raise field_error(
                "role", _("The team already has a lead auditor."), AuditsErrorCode.SECOND_LEAD_AUDITOR
            )
        member = TeamMember.objects.create(
            body=locked.body, engagement=locked, membership=membership, role=role, added_by=actor
        )
        audit_record(
            actor=actor,
            action="audits.team_member.added",
            obj=locked,
            body=locked.body,
            after={"person": membership.user.email, "role": role},
        )
        object_grant(obj=locked, user=membership.user, actor=actor)
        deadline_upsert(kind=DECLARATION_DUE, subject=member, body=locked.body, due_on=locked.planned_start)
    return member


def team_member_remove(*, member: TeamMember, actor: Actor) -> None:
    """Takes a person off the team before it is confirmed; their access to the engagement goes with it."""
    engagement = member.engagement
    require_manage_engagements(actor, engagement.body)
    with transaction.atomic():
        locked = _lock_team_open(engagement)
        membership = member.membership
        audit_record(
            actor=actor,
            action="audits.team_member.removed",
            obj=locked,
            body=locked.body,
            before={"person": membership.user.email, "role": member.role},
        )
        deadline_close(kind=DECLARATION_DUE, subject=member)
        member.delete()
        if locked.reviewer is None or locked.reviewer.user_id != membership.user_id:
            object_revoke(obj=locked, user=membership.user, actor=actor)


def _require_lead(locked: Engagement) -> None:
    if not locked.team.filter(role=Role.LEAD_AUDITOR).exists():
        raise ValidationError(coded(_("The team has no lead auditor."), AuditsErrorCode.NO_LEAD_AUDITOR))


def engagement_propose_team(*, engagement: Engagement, actor: Actor) -> Engagement:
    """The planner proposes the team (it needs a lead auditor)."""
    require_manage_engagements(actor, engagement.body)
    return transition(engagement, action="propose_team", actor=actor, guards=[_require_lead])


def engagement_confirm_team(*, engagement: Engagement, actor: Actor) -> Engagement:
    """Confirms the team once every gate passes for every member: competence, conflicts (overrides counted)
    with a cleared per-engagement declaration, separation from the project's validation, the body's rotation
    limit and eligibility. Refuses listing every failure, naming the person and the rule. The declarations are
    attached to the members, the disclosure set, the team told."""
    require_manage_engagements(actor, engagement.body)
    state: dict[str, Any] = {}

    def gates(locked: Engagement) -> None:
        report = team_gates(locked)
        if not report.passed:
            raise report.error()
        state["report"] = report

    def apply(locked: Engagement) -> list[str]:
        locked.same_body_validated = state["report"].same_body_validated
        return ["same_body_validated"]

    def effects(locked: Engagement, _previous: str) -> None:
        declarations = state["report"].declarations
        for member in locked.team.all():
            member.declaration = declarations.get(member.membership_id)
            member.save(update_fields=["declaration", "updated_at"])
            deadline_close(kind=DECLARATION_DUE, subject=member)
        notify(kind="audits.engagement.team_confirmed", subject=locked, body=locked.body)

    return transition(
        engagement,
        action="confirm_team",
        actor=actor,
        guards=[gates],
        apply=apply,
        effects=[effects],
        record_after=["same_body_validated"],
    )


def engagement_reopen_team(*, engagement: Engagement, actor: Actor, reason: str) -> Engagement:
    """Reopens a confirmed team (with a reason) so it can change; it is confirmed again through every gate."""
    require_manage_engagements(actor, engagement.body)

    def effects(locked: Engagement, _previous: str) -> None:
        for member in locked.team.all():
            if member.declaration_id is None:
                deadline_upsert(
                    kind=DECLARATION_DUE, subject=member, body=locked.body, due_on=locked.planned_start
                )

    return transition(engagement, action="reopen_team", actor=actor, reason=reason, effects=[effects])


def gate_failures_for(engagement: Engagement, members: Iterable[tuple[Membership, str]]) -> list[GateFailure]:
    """The gates of some people in some roles on the engagement (for pages explaining a refusal)."""
    return member_failures(engagement, list(members))
