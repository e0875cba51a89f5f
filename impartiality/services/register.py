"""Every write to the impartiality risk registers (a body's and the registry's own) and to the body's
impartiality committee: keyword-only, validated, atomic, audited.

One set of services keeps both registers: a body's `Risk` (kept by holders of `manage_impartiality`, owned by
an active member of the body, reminded through the deadlines engine) and the registry's `RegistryRisk` (kept
by registry staff in the back office, owned by a staff account, shown on the registry home when overdue).

Rules:
- likelihood and impact are rated 1 to 5; the rating is their product and reads as a level (`risk_level`);
- a risk's next review is on or after the day it is set and at most `RISK_REVIEW_MAX_MONTHS` months after it
  (the last allowed day is accepted, the day after refused);
- a risk is overdue when today (the body's day; the registry's for its own) is after its next review;
- a committee meeting has at least one attendee, all active members of the body's committee, is not dated in
  the future, and reviews only the body's own open risks. Reviewing a risk at a meeting marks it reviewed on
  the meeting's day and moves its next review to the date the meeting set, by default the latest allowed
  (`RISK_REVIEW_MAX_MONTHS` after the meeting); a meeting older than the risk's last review leaves it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeAlias

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from bodies.models.tenants import Body, Membership, Role
from core.audit import audit_changes, audit_record, snapshot
from core.dates import today_in
from core.error_codes import CoreErrorCode
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, coded, refuse_other_fields
from core.permissions import require_registry_staff
from core.registry_home import registry_today
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..error_codes import ImpartialityErrorCode
from ..models.register import CommitteeAction, CommitteeMeeting, RegistryRisk, Risk, RiskStatus
from ..permissions import can_manage_impartiality, require_manage_impartiality

AnyRisk: TypeAlias = Risk | RegistryRisk

#: deadline kinds (declared in `impartiality.deadlines`)
RISK_REVIEW_DUE = "impartiality.risk_review"
COMMITTEE_ACTION_DUE = "impartiality.committee_action"

#: what a person writes of a risk (the owner is a Membership for a body's risk, a staff User for the registry's)
RISK_FIELDS = (
    "title",
    "source_kind",
    "source",
    "threat",
    "likelihood",
    "impact",
    "mitigation",
    "owner",
    "next_review_on",
)
RISK_SNAPSHOT_FIELDS = [*RISK_FIELDS, "status", "last_reviewed_on"]
_STRIPPED = {"title", "source", "mitigation"}

MEETING_SNAPSHOT_FIELDS = ["held_on", "attendees", "risks_reviewed", "conclusions"]
ACTION_SNAPSHOT_FIELDS = ["meeting", "description", "owner", "due_on", "status"]


# --- the rating: likelihood × impact, read as a level -------------------------------------------------------


class RiskLevel(models.TextChoices):
    LOW = "low", gettext_lazy("Low")
    MEDIUM = "medium", gettext_lazy("Medium")
    HIGH = "high", gettext_lazy("High")


#: the only place the levels' thresholds live: a rating up to LOW_MAX is low, up to MEDIUM_MAX medium, above high
LOW_MAX = 4
MEDIUM_MAX = 12


def risk_level(rating: int) -> str:
    """The level of a rating (likelihood × impact, 1–25)."""
    if rating <= LOW_MAX:
        return RiskLevel.LOW
    if rating <= MEDIUM_MAX:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH


# --- days ---------------------------------------------------------------------------------------------------


def register_today(body: Body | None) -> date:
    """Today where the register is kept: the body's day (its time zone), or the registry's for its own."""
    return today_in(body.time_zone) if body is not None else registry_today()


def _body_of(risk: AnyRisk) -> Body | None:
    return risk.body if isinstance(risk, Risk) else None


def risk_today(risk: AnyRisk) -> date:
    return register_today(_body_of(risk))


def review_date_limit(day: date) -> date:
    """The latest next review a risk reviewed (or set) on `day` may have."""
    return day + relativedelta(months=settings.RISK_REVIEW_MAX_MONTHS)


def risk_is_overdue(risk: AnyRisk, *, today: date | None = None) -> bool:
    """An open risk whose next review has passed (today after it; on the day itself it is due, not overdue)."""
    today = today if today is not None else risk_today(risk)
    return risk.status == RiskStatus.OPEN and today > risk.next_review_on


def next_review_errors(next_review_on: date | None, *, from_day: date) -> dict[str, ValidationError]:
    """The next review's rules, from the day it is set (today, or the day the risk was reviewed)."""
    if next_review_on is None:
        return {"next_review_on": coded(_("Give the date of the next review."), CoreErrorCode.REQUIRED)}
    if next_review_on < from_day:
        return {
            "next_review_on": coded(
                _("The next review cannot be before %(day)s.") % {"day": _day(from_day)},
                ImpartialityErrorCode.REVIEW_DATE_IN_PAST,
            )
        }
    limit = review_date_limit(from_day)
    if next_review_on > limit:
        return {
            "next_review_on": coded(
                _(
                    "A risk is reviewed at least every %(months)s months: the next review is on %(limit)s at the "
                    "latest."
                )
                % {"months": settings.RISK_REVIEW_MAX_MONTHS, "limit": _day(limit)},
                ImpartialityErrorCode.REVIEW_DATE_TOO_FAR,
            )
        }
    return {}


def _day(day: date) -> str:
    from django.utils.formats import date_format

    return date_format(day)


# --- who may keep a register, and who may own a risk --------------------------------------------------------


def _require_keeper(actor: Actor, body: Body | None) -> None:
    if body is None:
        require_registry_staff(actor)
    else:
        require_manage_impartiality(actor, body)


def _owner_error(owner: Any, body: Body | None) -> ValidationError | None:
    if body is None:
        eligible = isinstance(owner, User) and owner.is_active and owner.is_staff
        message = _("The owner of a registry risk is one of the registry's staff.")
    else:
        eligible = (
            isinstance(owner, Membership)
            and owner.body_id == body.pk
            and owner.status == Membership.Status.ACTIVE
            and owner.user.is_active
        )
        message = _("The owner must be an active member of %(body)s.") % {"body": body}
    return None if eligible else coded(message, ImpartialityErrorCode.OWNER_NOT_ELIGIBLE)


def _rating_errors(values: Mapping[str, Any]) -> dict[str, ValidationError]:
    errors: dict[str, ValidationError] = {}
    for name in ("likelihood", "impact"):
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[name] = coded(_("Rate it from 1 to 5."), ImpartialityErrorCode.RATING_OUT_OF_RANGE)
    return errors


def _cleaned(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip() if name in _STRIPPED and isinstance(value, str) else value
        for name, value in fields.items()
    }


def _validate(risk: AnyRisk, *, body: Body | None, changed: set[str], today: date) -> None:
    """The risk's rules, field by field; the next review is checked when it is set or changed."""
    values = {name: getattr(risk, name, None) for name in RISK_FIELDS}
    values["owner"] = getattr(risk, "owner", None) if getattr(risk, "owner_id", None) else None
    errors = _rating_errors(values)
    if "next_review_on" in changed:
        errors.update(next_review_errors(values["next_review_on"], from_day=today))
    owner_error = _owner_error(values["owner"], body)
    if owner_error is not None:
        errors["owner"] = owner_error
    try:
        risk.full_clean(exclude=["body", "owner", *errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update({name: ValidationError(messages) for name, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)


def risk_validate(risk: AnyRisk, *, changed: Iterable[str] = RISK_FIELDS) -> None:
    """The risk's rules on an unsaved instance (a back-office form checks them before saving through
    `risk_create` / `risk_update`); the next review is checked when it is in `changed`."""
    body = _body_of(risk) if isinstance(risk, Risk) and risk.body_id else None
    _validate(risk, body=body, changed=set(changed), today=register_today(body))


def _entity(risk: AnyRisk) -> str:
    return "risk" if isinstance(risk, Risk) else "registry_risk"


def _watch(risk: AnyRisk) -> None:
    """A body's open risk is watched by its review date; a closed one is not (the registry's are listed on the
    registry home instead)."""
    if not isinstance(risk, Risk):
        return
    if risk.status == RiskStatus.OPEN:
        deadline_upsert(kind=RISK_REVIEW_DUE, subject=risk, body=risk.body, due_on=risk.next_review_on)
    else:
        deadline_close(kind=RISK_REVIEW_DUE, subject=risk)


# --- risks --------------------------------------------------------------------------------------------------


def risk_create(*, body: Body | None, actor: Actor, fields: Mapping[str, Any]) -> AnyRisk:
    """Adds a risk to a body's register (`body`), or to the registry's own (`body=None`, registry staff)."""
    _require_keeper(actor, body)
    refuse_other_fields(fields, RISK_FIELDS, changing=False)
    risk: AnyRisk = (
        Risk(body=body, **_cleaned(fields)) if body is not None else RegistryRisk(**_cleaned(fields))
    )
    _validate(risk, body=body, changed=set(RISK_FIELDS), today=register_today(body))
    with transaction.atomic():
        risk.save()
        audit_record(
            actor=actor,
            action=f"impartiality.{_entity(risk)}.created",
            obj=risk,
            body=body,
            after=snapshot(risk, RISK_SNAPSHOT_FIELDS),
        )
        _watch(risk)
    return risk


def registry_risk_create(*, actor: Actor, fields: Mapping[str, Any]) -> RegistryRisk:
    """Adds a risk to the registry's own register (registry staff)."""
    risk = risk_create(body=None, actor=actor, fields=fields)
    assert isinstance(risk, RegistryRisk)
    return risk


def _locked(risk: AnyRisk) -> AnyRisk:
    if isinstance(risk, Risk):
        return Risk.objects.select_for_update(of=("self",)).select_related("body").get(pk=risk.pk)
    return RegistryRisk.objects.select_for_update(of=("self",)).get(pk=risk.pk)


def _refuse_closed(risk: AnyRisk) -> None:
    if risk.status != RiskStatus.OPEN:
        raise TransitionNotAllowed(
            _("This risk is closed: reopen it first."),
            current=risk.status,
            code=ImpartialityErrorCode.RISK_CLOSED,
        )


def risk_update(*, risk: AnyRisk, actor: Actor, fields: Mapping[str, Any]) -> AnyRisk:
    """Changes an open risk (any of its fields); records only what changed. A closed risk is refused."""
    body = _body_of(risk)
    _require_keeper(actor, body)
    refuse_other_fields(fields, RISK_FIELDS, changing=True)
    with transaction.atomic():
        locked = _locked(risk)
        _refuse_closed(locked)
        before = snapshot(locked, RISK_SNAPSHOT_FIELDS)
        for name, value in _cleaned(fields).items():
            setattr(locked, name, value)
        changed = {name for name, value in snapshot(locked, list(fields)).items() if value != before[name]}
        _validate(locked, body=body, changed=changed, today=register_today(body))
        locked.save()
        audit_changes(
            actor=actor,
            action=f"impartiality.{_entity(locked)}.updated",
            obj=locked,
            body=body,
            before=before,
            after=snapshot(locked, RISK_SNAPSHOT_FIELDS),
        )
        _watch(locked)
    return locked


def _mark_reviewed(locked: AnyRisk, *, actor: Actor, reviewed_on: date, next_review_on: date) -> None:
    before = snapshot(locked, ["last_reviewed_on", "next_review_on"])
    locked.last_reviewed_on = reviewed_on
    locked.next_review_on = next_review_on
    locked.save(update_fields=["last_reviewed_on", "next_review_on", "updated_at"])
    audit_record(
        actor=actor,
        action=f"impartiality.{_entity(locked)}.reviewed",
        obj=locked,
        body=_body_of(locked),
        before=before,
        after=snapshot(locked, ["last_reviewed_on", "next_review_on"]),
    )
    _watch(locked)


def risk_review(*, risk: AnyRisk, actor: Actor, next_review_on: date) -> AnyRisk:
    """Records that the risk was reviewed today (the register's day) and sets its next review, at most
    `RISK_REVIEW_MAX_MONTHS` months away. A closed risk is refused."""
    body = _body_of(risk)
    _require_keeper(actor, body)
    today = register_today(body)
    errors = next_review_errors(next_review_on, from_day=today)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(risk)
        _refuse_closed(locked)
        _mark_reviewed(locked, actor=actor, reviewed_on=today, next_review_on=next_review_on)
    return locked


def risk_close(*, risk: AnyRisk, actor: Actor, reason: str) -> AnyRisk:
    """Closes an open risk (it no longer applies), with the reason written; its reminders stop."""
    body = _body_of(risk)
    _require_keeper(actor, body)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": coded(_("Give a reason."), CoreErrorCode.REASON_REQUIRED)})
    with transaction.atomic():
        locked = _locked(risk)
        _refuse_closed(locked)
        locked.status = RiskStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=f"impartiality.{_entity(locked)}.closed",
            obj=locked,
            body=body,
            before={"status": RiskStatus.OPEN},
            after={"status": RiskStatus.CLOSED, "reason": reason},
        )
        _watch(locked)
    return locked


def risk_reopen(*, risk: AnyRisk, actor: Actor, next_review_on: date) -> AnyRisk:
    """Opens a closed risk again, with its next review (the same rules as a review's)."""
    body = _body_of(risk)
    _require_keeper(actor, body)
    errors = next_review_errors(next_review_on, from_day=register_today(body))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(risk)
        if locked.status != RiskStatus.CLOSED:
            raise TransitionNotAllowed(
                _("Only a closed risk can be reopened."),
                current=locked.status,
                code=CoreErrorCode.INVALID_TRANSITION,
            )
        before = snapshot(locked, ["status", "next_review_on"])
        locked.status = RiskStatus.OPEN
        locked.next_review_on = next_review_on
        locked.save(update_fields=["status", "next_review_on", "updated_at"])
        audit_record(
            actor=actor,
            action=f"impartiality.{_entity(locked)}.reopened",
            obj=locked,
            body=body,
            before=before,
            after=snapshot(locked, ["status", "next_review_on"]),
        )
        _watch(locked)
    return locked


# --- the committee ------------------------------------------------------------------------------------------


def committee_member_ids(body: Body) -> set[Any]:
    """The ids of the memberships on the body's impartiality committee (active people with the role)."""
    return set(
        Membership.objects.active()
        .with_role(Role.IMPARTIALITY_COMMITTEE)
        .filter(body_id=body.pk, user__is_active=True)
        .values_list("pk", flat=True)
    )


def _person(membership: Membership) -> str:
    return str(membership.user.full_name or membership.user.email)


def _action_errors(
    actions: Sequence[Mapping[str, Any]], *, body: Body, held_on: date | None
) -> list[ValidationError]:
    """One error per action with problems, naming the action by its place in the list."""
    errors: list[ValidationError] = []
    for number, item in enumerate(actions, start=1):
        unknown = sorted(set(item) - {"description", "owner", "due_on"})
        owner = item.get("owner")
        due_on = item.get("due_on")
        problems: list[tuple[str, str]] = []
        if unknown:
            problems.append(
                (
                    _("unknown fields %(names)s") % {"names": ", ".join(unknown)},
                    CoreErrorCode.FIELD_NOT_EDITABLE,
                )
            )
        if not str(item.get("description") or "").strip():
            problems.append((_("describe the action"), CoreErrorCode.REQUIRED))
        if owner is None:
            problems.append((_("name its owner"), CoreErrorCode.REQUIRED))
        elif _owner_error(owner, body) is not None:
            problems.append(
                (
                    _("%(person)s is not an active member of %(body)s")
                    % {"person": _person(owner) if isinstance(owner, Membership) else owner, "body": body},
                    ImpartialityErrorCode.OWNER_NOT_ELIGIBLE,
                )
            )
        if due_on is None:
            problems.append((_("give its due date"), CoreErrorCode.REQUIRED))
        elif held_on is not None and due_on < held_on:
            problems.append(
                (_("it cannot be due before the meeting"), ImpartialityErrorCode.ACTION_DUE_BEFORE_MEETING)
            )
        if problems:
            message = _("Action %(number)s: %(problems)s.") % {
                "number": number,
                "problems": "; ".join(text for text, _code in problems),
            }
            errors.append(coded(message, problems[0][1]))
    return errors


def meeting_record(
    *,
    body: Body,
    actor: Actor,
    held_on: date,
    attendees: Iterable[Membership],
    conclusions: str,
    risks_reviewed: Iterable[Risk] = (),
    actions: Sequence[Mapping[str, Any]] = (),
    next_review_on: date | None = None,
) -> CommitteeMeeting:
    """Records a meeting of the body's impartiality committee with its attendees, the risks it reviewed, its
    conclusions and the actions it decided (`{description, owner, due_on}`; the owner an active member).

    Every risk reviewed is marked reviewed on `held_on`, its next review set to `next_review_on` or, by
    default, the latest allowed (`RISK_REVIEW_MAX_MONTHS` after the meeting). Each action's owner is told."""
    require_manage_impartiality(actor, body)
    attendees = list(dict.fromkeys(attendees))
    risks = list(dict.fromkeys(risks_reviewed))
    actions = list(actions)
    conclusions = (conclusions or "").strip()
    today = register_today(body)
    errors: dict[str, ValidationError] = {}
    if held_on is None:
        errors["held_on"] = coded(_("Give the day of the meeting."), CoreErrorCode.REQUIRED)
    elif held_on > today:
        errors["held_on"] = coded(
            _("A meeting cannot be recorded before it is held."), CoreErrorCode.DATE_IN_FUTURE
        )
    if not attendees:
        errors["attendees"] = coded(
            _("Name at least one attendee."), ImpartialityErrorCode.ATTENDEES_REQUIRED
        )
    else:
        members = committee_member_ids(body)
        outsiders = [person for person in attendees if person.pk not in members]
        if outsiders:
            errors["attendees"] = ValidationError(
                [
                    coded(
                        _("%(person)s is not a member of the impartiality committee of %(body)s.")
                        % {"person": _person(person), "body": body},
                        ImpartialityErrorCode.NOT_COMMITTEE_MEMBER,
                    )
                    for person in outsiders
                ]
            )
    foreign = [risk for risk in risks if risk.body_id != body.pk]
    if foreign:
        errors["risks_reviewed"] = coded(
            _("Only the risks of %(body)s's register can be reviewed at its committee.") % {"body": body},
            ImpartialityErrorCode.RISK_OF_ANOTHER_BODY,
        )
    elif any(risk.status != RiskStatus.OPEN for risk in risks):
        errors["risks_reviewed"] = coded(
            _("A closed risk is not reviewed: %(risks)s.")
            % {"risks": ", ".join(str(r) for r in risks if r.status != RiskStatus.OPEN)},
            ImpartialityErrorCode.RISK_CLOSED,
        )
    if not conclusions:
        errors["conclusions"] = coded(_("Write the committee's conclusions."), CoreErrorCode.REQUIRED)
    action_errors = _action_errors(actions, body=body, held_on=held_on)
    if action_errors:
        errors["actions"] = ValidationError(action_errors)
    if risks and held_on is not None and "held_on" not in errors:
        review_to = next_review_on if next_review_on is not None else review_date_limit(held_on)
        errors.update(next_review_errors(review_to, from_day=held_on))
    if errors:
        raise ValidationError(errors)
    review_to = next_review_on if next_review_on is not None else review_date_limit(held_on)
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.create(
            body=body, held_on=held_on, conclusions=conclusions, recorded_by=actor
        )
        meeting.attendees.set(attendees)
        meeting.risks_reviewed.set(risks)
        audit_record(
            actor=actor,
            action="impartiality.meeting.recorded",
            obj=meeting,
            body=body,
            after=snapshot(meeting, MEETING_SNAPSHOT_FIELDS),
        )
        for risk in (
            Risk.objects.select_for_update(of=("self",))
            .select_related("body")
            .filter(pk__in=[risk.pk for risk in risks])
        ):
            if risk.last_reviewed_on is None or risk.last_reviewed_on <= held_on:
                _mark_reviewed(risk, actor=actor, reviewed_on=held_on, next_review_on=review_to)
        for item in actions:
            action = CommitteeAction.objects.create(
                body=body,
                meeting=meeting,
                description=str(item["description"]).strip(),
                owner=item["owner"],
                due_on=item["due_on"],
            )
            audit_record(
                actor=actor,
                action="impartiality.action.created",
                obj=action,
                body=body,
                after=snapshot(action, ACTION_SNAPSHOT_FIELDS),
            )
            deadline_upsert(kind=COMMITTEE_ACTION_DUE, subject=action, body=body, due_on=action.due_on)
            notify(kind="impartiality.action.assigned", subject=action, body=body)
    return meeting


def can_complete_action(actor: Any, action: CommitteeAction, *, keeper: bool | None = None) -> bool:
    """The action's owner (while a member), or a keeper of the body's register (`keeper`: already known, for a
    page asking about many actions of one body)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == action.owner.user_id and action.owner.status == Membership.Status.ACTIVE:
        return True
    return keeper if keeper is not None else can_manage_impartiality(actor, action.body)


def action_complete(*, action: CommitteeAction, actor: Actor, note: str = "") -> CommitteeAction:
    """Marks an open committee action done (by its owner or a keeper of the register), with how it was done;
    its reminders stop and the body's administrators are told."""
    if not can_complete_action(actor, action):
        raise PermissionDenied(
            _("Only the action's owner or a keeper of the impartiality register can mark it done."),
            code=ImpartialityErrorCode.NOT_ACTION_OWNER,
        )

    def effects(locked: CommitteeAction, _previous: str) -> None:
        deadline_close(kind=COMMITTEE_ACTION_DUE, subject=locked)
        notify(
            kind="impartiality.action.completed", subject=locked, body=locked.body, reason=locked.done_note
        )

    return transition(action, action="complete", actor=actor, reason=note, effects=[effects])
