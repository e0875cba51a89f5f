"""Engagements, their teams and their life cycle (issue 9 §1, §2): every write and every rule. The gates
themselves (eligibility, competence, conflicts, rotation and separation) are in `audits.services.gates`.

Every service is keyword-only, atomic and audited; every state change goes through `core.transitions` (a row
lock, the current status checked, an audit event with before/after) and tells the people concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Membership, Role
from core.audit import audit_changes, audit_record, snapshot
from core.errors import (
    PermissionDenied,
    TransitionNotAllowed,
    ValidationError,
    coded,
    field_error,
    refuse_other_fields,
)
from core.grants import object_grant, object_revoke
from core.permissions import has_body_perm, require_registry_staff
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..audit_time import AuditTime, IntegratedTime
from ..error_codes import AuditsErrorCode
from ..models import (
    ASSURANCE_KINDS,
    GHG_KINDS,
    MANAGEMENT_SYSTEM_KINDS,
    PROJECT_KINDS,
    Engagement,
    EngagementKind,
    EngagementStatus,
    RotationExemption,
    TeamMember,
)
from ..permissions import MANAGE_ENGAGEMENTS, require_manage_engagements
from ..sampling import Sample
from .gates import GateFailure, member_failures, require_eligible, team_gates

S = EngagementStatus

#: what a planner sets when creating an engagement
ENGAGEMENT_FIELDS = (
    "kind",
    "client",
    "project",
    "activity",
    "standard",
    "criteria",
    "sector",
    "scope",
    "sites",
    "previous_stage",
    "planned_start",
    "planned_end",
    "mode",
    "level_of_assurance",
    "materiality_percent",
    "monitoring_period_start",
    "monitoring_period_end",
    "internal_notes",
)
#: what a planner may change afterwards (the kind, the client and the project stay)
ENGAGEMENT_UPDATE_FIELDS = (
    "criteria",
    "scope",
    "sites",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "mode",
    "level_of_assurance",
    "materiality_percent",
    "monitoring_period_start",
    "monitoring_period_end",
    "internal_notes",
)
ENGAGEMENT_SNAPSHOT_FIELDS = [
    "reference",
    *ENGAGEMENT_FIELDS,
    "actual_start",
    "actual_end",
    "audit_days",
    "audit_time_justification",
    "reviewer",
]
#: the statuses in which the team may still change
TEAM_OPEN = (S.DRAFT, S.PLANNED, S.TEAM_PROPOSED)
#: the statuses in which the confirmed team's gates are re-run when the dates move
TEAM_HELD = (S.TEAM_CONFIRMED, S.IN_PROGRESS)
#: deadline kinds (declared in audits/deadlines.py)
DECLARATION_DUE = "audits.engagement_declaration"
REPORT_DUE = "audits.report_draft"


# --- references -----------------------------------------------------------------------------------------------


def _next_reference(body: Body, year: int) -> str:
    """The body's next reference of the year (`ENG-2026-0007`): under a lock on the body's row, so two creations
    at once never share one; engagements are never deleted (a cancelled one keeps its number), so a number is
    never reused."""
    Body.objects.select_for_update().filter(pk=body.pk).first()
    prefix = f"ENG-{year}-"
    last = (
        Engagement.objects.filter(body=body, reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


# --- the kind's rules -----------------------------------------------------------------------------------------


def _validate(engagement: Engagement, sites: list[Any] | None) -> None:
    """Every rule of the engagement's kind, all errors at once, by field."""
    errors: dict[str, list[ValidationError]] = {}

    def error(name: str, message: str, code: AuditsErrorCode) -> None:
        errors.setdefault(name, []).append(coded(message, code))

    kind = engagement.kind
    if kind not in EngagementKind.values:
        error("kind", _("Choose a kind of engagement."), AuditsErrorCode.FIELD_NOT_FOR_KIND)
    client = engagement.client if engagement.client_id else None
    if client is not None and client.body_id != engagement.body_id:
        error("client", _("The client is not a client of this body."), AuditsErrorCode.CLIENT_INVALID)
    project = engagement.project if engagement.project_id else None
    if kind in PROJECT_KINDS:
        if project is None:
            error(
                "project",
                _("A validation or verification is about a project: choose the project."),
                AuditsErrorCode.PROJECT_REQUIRED,
            )
        elif project.body_id != engagement.body_id:
            error("project", _("The project is not a project of this body."), AuditsErrorCode.PROJECT_INVALID)
        elif client is not None and project.proponent_id != client.pk:
            error(
                "client",
                _("The client of a validation or verification is the project's proponent, %(proponent)s.")
                % {"proponent": project.proponent},
                AuditsErrorCode.PROJECT_INVALID,
            )
    elif project is not None:
        error(
            "project",
            _("Only a validation or verification is about a project."),
            AuditsErrorCode.FIELD_NOT_FOR_KIND,
        )
    if kind in ASSURANCE_KINDS:
        if not engagement.level_of_assurance:
            error(
                "level_of_assurance",
                _("A verification needs its level of assurance."),
                AuditsErrorCode.ASSURANCE_REQUIRED,
            )
        if engagement.materiality_percent is None:
            engagement.materiality_percent = Decimal(settings.MATERIALITY_DEFAULT_PERCENT)
        start, end = engagement.monitoring_period_start, engagement.monitoring_period_end
        if start is None or end is None:
            error(
                "monitoring_period_start",
                _("A verification needs the monitoring period it verifies."),
                AuditsErrorCode.MONITORING_PERIOD_INVALID,
            )
        elif end < start:
            error(
                "monitoring_period_end",
                _("The monitoring period cannot end before it starts."),
                AuditsErrorCode.MONITORING_PERIOD_INVALID,
            )
        elif project is not None and (
            (project.monitoring_period_start and start < project.monitoring_period_start)
            or (project.monitoring_period_end and end > project.monitoring_period_end)
        ):
            error(
                "monitoring_period_start",
                _("The monitoring period must lie inside the project's (%(start)s to %(end)s).")
                % {
                    "start": project.monitoring_period_start or "…",
                    "end": project.monitoring_period_end or "…",
                },
                AuditsErrorCode.MONITORING_PERIOD_INVALID,
            )
    else:
        for name in ("level_of_assurance", "materiality_percent"):
            if getattr(engagement, name) not in ("", None):
                error(
                    name,
                    _("The level of assurance and materiality apply only to a verification."),
                    AuditsErrorCode.FIELD_NOT_FOR_KIND,
                )
        if kind not in GHG_KINDS and (engagement.monitoring_period_start or engagement.monitoring_period_end):
            error(
                "monitoring_period_start",
                _("A monitoring period applies only to GHG work."),
                AuditsErrorCode.FIELD_NOT_FOR_KIND,
            )
    previous = engagement.previous_stage if engagement.previous_stage_id else None
    if kind == EngagementKind.STAGE_2:
        if (
            previous is None
            or previous.kind != EngagementKind.STAGE_1
            or previous.client_id != engagement.client_id
            or previous.status == S.CANCELLED
        ):
            error(
                "previous_stage",
                _("A stage 2 audit follows a stage 1 audit of the same client: choose it."),
                AuditsErrorCode.PREVIOUS_STAGE_INVALID,
            )
    elif previous is not None:
        error(
            "previous_stage",
            _("Only a stage 2 audit follows an earlier stage."),
            AuditsErrorCode.PREVIOUS_STAGE_INVALID,
        )
    if sites:
        if kind not in MANAGEMENT_SYSTEM_KINDS and kind != EngagementKind.PRODUCT_EVALUATION:
            error(
                "sites",
                _("Sites apply to management-system and product work."),
                AuditsErrorCode.FIELD_NOT_FOR_KIND,
            )
        foreign = [site for site in sites if site.client_id != engagement.client_id]
        if foreign:
            error(
                "sites",
                _("These sites are not the client's: %(sites)s.")
                % {"sites": ", ".join(str(s) for s in foreign)},
                AuditsErrorCode.SITE_NOT_OF_CLIENT,
            )
    if (
        engagement.planned_start
        and engagement.planned_end
        and engagement.planned_end < engagement.planned_start
    ):
        error(
            "planned_end",
            _("The planned end cannot be before the planned start."),
            AuditsErrorCode.PLANNED_ORDER,
        )
    if engagement.actual_start and engagement.actual_end and engagement.actual_end < engagement.actual_start:
        error(
            "actual_end",
            _("The actual end cannot be before the actual start."),
            AuditsErrorCode.PLANNED_ORDER,
        )
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    engagement.full_clean(
        exclude=["body", "reference", "created_by", "sites", "status"], validate_constraints=False
    )


def _cleaned(fields: dict[str, Any]) -> tuple[dict[str, Any], list[Any] | None]:
    values = dict(fields)
    sites = values.pop("sites", None)
    for name in ("criteria", "scope", "internal_notes"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if values.get("materiality_percent") not in (None, ""):
        try:
            values["materiality_percent"] = Decimal(str(values["materiality_percent"]))
        except InvalidOperation:
            raise field_error(
                "materiality_percent", _("Enter a percentage."), AuditsErrorCode.FIELD_NOT_FOR_KIND
            ) from None
    elif "materiality_percent" in values:
        values["materiality_percent"] = None
    return values, None if sites is None else list(sites)


def _check_eligible(engagement: Engagement) -> None:
    require_eligible(
        body=engagement.body,
        activity=engagement.activity,
        standard=engagement.standard,
        sector=engagement.sector,
        start=engagement.planned_start,
        end=engagement.planned_end,
    )


# --- create and update ----------------------------------------------------------------------------------------


def engagement_create(*, body: Body, actor: Actor, fields: dict[str, Any]) -> Engagement:
    """A planner records an engagement (a draft) with its kind's fields; the body must be eligible for the
    activity, standard and sector on every planned day. The reference is the body's next of the year."""
    require_manage_engagements(actor, body)
    refuse_other_fields(fields, ENGAGEMENT_FIELDS, changing=False)
    values, sites = _cleaned(fields)
    engagement = Engagement(body=body, created_by=actor, **values)
    _validate(engagement, sites)
    _check_eligible(engagement)
    with transaction.atomic():
        engagement.reference = _next_reference(body, (engagement.planned_start or timezone.localdate()).year)
        engagement.save()
        if sites:
            engagement.sites.set(sites)
        audit_record(
            actor=actor,
            action="audits.engagement.created",
            obj=engagement,
            body=body,
            after=snapshot(engagement, ENGAGEMENT_SNAPSHOT_FIELDS),
        )
    return engagement


def engagement_update(*, engagement: Engagement, actor: Actor, fields: dict[str, Any]) -> Engagement:
    """A planner changes an engagement before its decision. Moving the dates runs eligibility again, and once
    the team is confirmed every member's gates on the new dates: a failure refuses the change naming each
    person and rule."""
    require_manage_engagements(actor, engagement.body)
    refuse_other_fields(fields, ENGAGEMENT_UPDATE_FIELDS, changing=True)
    values, sites = _cleaned(fields)
    with transaction.atomic():
        locked = (
            Engagement.objects.select_for_update(of=("self",))
            .select_related("body", "client", "project", "activity", "standard", "sector")
            .get(pk=engagement.pk)
        )
        if locked.status not in (*TEAM_OPEN, *TEAM_HELD, S.REPORT_DRAFTED):
            raise TransitionNotAllowed(
                _("An engagement that is %(status)s cannot be changed.")
                % {"status": locked.get_status_display().lower()},
                current=locked.status,
            )
        before = snapshot(locked, ENGAGEMENT_SNAPSHOT_FIELDS)
        old_dates = (locked.planned_start, locked.planned_end)
        for name, value in values.items():
            setattr(locked, name, value)
        _validate(locked, sites)
        if (locked.planned_start, locked.planned_end) != old_dates:
            _check_eligible(locked)
            if locked.status in TEAM_HELD:
                report = team_gates(locked)
                if not report.passed:
                    raise report.error()
            _move_deadlines(locked)
        locked.save()
        if sites is not None:
            locked.sites.set(sites)
        audit_changes(
            actor=actor,
            action="audits.engagement.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, ENGAGEMENT_SNAPSHOT_FIELDS),
        )
    return locked


def engagement_set_audit_time(
    *,
    engagement: Engagement,
    actor: Actor,
    calculation: AuditTime | IntegratedTime | None = None,
    sample: Sample | None = None,
    days: Any = None,
    justification: str = "",
) -> Engagement:
    """Stores the audit time the planner accepts: the calculator's result (`audits.audit_time`: its days, its
    `as_dict()` and its justification, to which the planner may add words), or — where no table applies — the
    person-days (in half days) and a written justification entered by hand; with the multi-site sample used
    (`audits.sampling`), if any."""
    require_manage_engagements(actor, engagement.body)
    errors: dict[str, Any] = {}
    stored: dict[str, Any] = {}
    words = (justification or "").strip()
    value: Decimal | None
    if calculation is not None:
        value = calculation.days
        stored["time"] = calculation.as_dict()
        words = "\n".join(part for part in (calculation.justification_text(), words) if part)
    else:
        try:
            value = Decimal(str(days))
        except (InvalidOperation, TypeError):
            value = None
        if value is None or value <= 0 or (value * 2) % 1 != 0:
            errors["audit_days"] = coded(
                _("Enter the audit time in person-days, in half days (e.g. 2.5)."),
                AuditsErrorCode.AUDIT_TIME_INVALID,
            )
    if sample is not None:
        stored["sample"] = sample.as_dict()
        words = "\n".join(part for part in (words, sample.justification_text()) if part)
    if not words:
        errors["audit_time_justification"] = coded(
            _("Explain how the audit time was reached."), AuditsErrorCode.AUDIT_TIME_INVALID
        )
    if errors:
        raise ValidationError(errors)
    justification = words
    with transaction.atomic():
        locked = (
            Engagement.objects.select_for_update(of=("self",)).select_related("body").get(pk=engagement.pk)
        )
        if locked.status not in (*TEAM_OPEN, *TEAM_HELD):
            raise TransitionNotAllowed(
                _("The audit time of an engagement that is %(status)s cannot be changed.")
                % {"status": locked.get_status_display().lower()},
                current=locked.status,
            )
        fields = ["audit_days", "audit_time", "audit_time_justification"]
        before = snapshot(locked, fields)
        locked.audit_days = value
        locked.audit_time = stored
        locked.audit_time_justification = justification
        locked.save(update_fields=[*fields, "updated_at"])
        audit_changes(
            actor=actor,
            action="audits.engagement.audit_time_set",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, fields),
        )
    return locked


# --- the team -------------------------------------------------------------------------------------------------


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


# --- the life cycle -------------------------------------------------------------------------------------------


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


def _move_deadlines(engagement: Engagement) -> None:
    for member in engagement.team.all():
        if member.declaration_id is None:
            deadline_upsert(
                kind=DECLARATION_DUE, subject=member, body=engagement.body, due_on=engagement.planned_start
            )
    if engagement.status == S.IN_PROGRESS:
        deadline_upsert(
            kind=REPORT_DUE, subject=engagement, body=engagement.body, due_on=_last_day(engagement)
        )


def _last_day(engagement: Engagement) -> date:
    return engagement.actual_end or engagement.planned_end


def engagement_plan(*, engagement: Engagement, actor: Actor) -> Engagement:
    """Schedules a draft: the body must be eligible on every planned day."""
    require_manage_engagements(actor, engagement.body)
    return transition(engagement, action="plan", actor=actor, guards=[_check_eligible])


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


def engagement_start(*, engagement: Engagement, actor: Actor) -> Engagement:
    """The lead auditor (or a planner) starts the fieldwork; the report is due N days after the last audit day."""
    _require_lead_or_manager(actor, engagement, managers=True)

    def apply(locked: Engagement) -> list[str]:
        if locked.actual_start is None:
            locked.actual_start = timezone.localdate()
            return ["actual_start"]
        return []

    def effects(locked: Engagement, _previous: str) -> None:
        deadline_upsert(kind=REPORT_DUE, subject=locked, body=locked.body, due_on=_last_day(locked))

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


# --- rotation exemptions --------------------------------------------------------------------------------------


def rotation_exemption_record(
    *, actor: Actor, body: Body, project: Any, reason: str, valid_until: date | None = None
) -> RotationExemption:
    """Registry staff exempt a body from the verification rotation limit for one project, with a reason."""
    require_registry_staff(actor)
    reason = (reason or "").strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = coded(_("Give the reason for the exemption."), AuditsErrorCode.EXEMPTION_INVALID)
    if project.body_id != body.pk:
        errors["project"] = coded(
            _("The project is not a project of this body."), AuditsErrorCode.EXEMPTION_INVALID
        )
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = coded(
            _("The exemption cannot end in the past."), AuditsErrorCode.EXEMPTION_INVALID
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exemption = RotationExemption.objects.create(
            body=body, project=project, reason=reason, valid_until=valid_until, granted_by=actor
        )
        audit_record(
            actor=actor,
            action="audits.rotation_exemption.recorded",
            obj=exemption,
            body=body,
            after=snapshot(exemption, ["project", "reason", "valid_until"]),
        )
    return exemption


def rotation_exemption_update(
    *, actor: Actor, exemption: RotationExemption, reason: str, valid_until: date | None
) -> RotationExemption:
    """Registry staff change an exemption's reason or validity (an end in the past ends it)."""
    require_registry_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise field_error(
            "reason", _("Give the reason for the exemption."), AuditsErrorCode.EXEMPTION_INVALID
        )
    fields = ["reason", "valid_until"]
    with transaction.atomic():
        locked = RotationExemption.objects.select_for_update().select_related("body").get(pk=exemption.pk)
        before = snapshot(locked, fields)
        locked.reason, locked.valid_until = reason, valid_until
        locked.save(update_fields=[*fields, "updated_at"])
        audit_changes(
            actor=actor,
            action="audits.rotation_exemption.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, fields),
        )
    return locked


def gate_failures_for(engagement: Engagement, members: Iterable[tuple[Membership, str]]) -> list[GateFailure]:
    """The gates of some people in some roles on the engagement (for pages explaining a refusal)."""
    return member_failures(engagement, list(members))
