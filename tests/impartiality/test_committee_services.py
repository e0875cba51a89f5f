"""The impartiality committee: its members (people holding the committee role), meetings with attendees who are
members, not in the future, reviewing the body's own risks (marked reviewed on the meeting's day, next review
moved), actions with owners and due dates, marked done by the owner or a keeper; reminders once each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from bodies.models import Membership, Role
from core.dates import today_in
from core.errors import PermissionDenied, TransitionNotAllowed
from core.models import AuditEvent
from impartiality.models import CommitteeAction, CommitteeMeeting
from impartiality.selectors import committee_members
from impartiality.services import action_complete, meeting_record, review_date_limit
from reminders.models import Deadline, Notification
from reminders.services import deadlines_sweep
from tests.factories import MembershipFactory, RiskFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str | None]]:
    return {field: [error.code for error in errors] for field, errors in exc.error_dict.items()}


@pytest.fixture
def committee(world):  # type: ignore[no-untyped-def]
    """Two committee members of body A (Anna chairs; Bjarni), one of body B."""
    anna = MembershipFactory(
        body=world.a.body, user=UserFactory(full_name="Anna Chair"), roles=[Role.IMPARTIALITY_COMMITTEE]
    )
    bjarni = MembershipFactory(
        body=world.a.body,
        user=UserFactory(full_name="Bjarni Member"),
        roles=[Role.AUDITOR, Role.IMPARTIALITY_COMMITTEE],
    )
    MembershipFactory(body=world.b.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    return anna, bjarni


def member_a(world) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(body=world.a.body, user=world.a.member)


def today(world) -> date:  # type: ignore[no-untyped-def]
    return today_in(world.a.body.time_zone)


def record(world, committee, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "body": world.a.body,
        "actor": world.a.admin,
        "held_on": today(world),
        "attendees": list(committee),
        "conclusions": "Fee dependence stays medium; rotation works.",
        **overrides,
    }
    return meeting_record(**values)


def test_the_committee_is_the_active_people_with_the_role(world, committee):
    anna, bjarni = committee
    MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE], status=Membership.Status.LEFT)
    assert list(committee_members(world.a.body)) == [anna, bjarni]


def test_a_meeting_is_recorded_with_attendees_risks_and_actions(world, committee):
    anna, bjarni = committee
    risk = RiskFactory(owner=member_a(world), next_review_on=today(world) - timedelta(days=5))
    meeting = record(
        world,
        committee,
        risks_reviewed=[risk],
        actions=[
            {"description": "Rotate the lead auditor", "owner": member_a(world), "due_on": today(world)}
        ],
    )

    assert set(meeting.attendees.all()) == {anna, bjarni}
    assert list(meeting.risks_reviewed.all()) == [risk]
    [action] = meeting.actions.all()
    assert (action.owner, action.status, action.body) == (member_a(world), "open", world.a.body)
    risk.refresh_from_db()
    assert (risk.last_reviewed_on, risk.next_review_on) == (today(world), review_date_limit(today(world)))
    actions = list(
        AuditEvent.objects.filter(body=world.a.body).order_by("sequence").values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "impartiality.meeting.recorded",
        "impartiality.risk.reviewed",
        "impartiality.action.created",
    ]
    assert Deadline.objects.get(
        kind="impartiality.committee_action", subject_id=str(action.pk)
    ).due_on == today(world)
    [told] = Notification.objects.filter(kind="impartiality.action.assigned")
    assert told.user == world.a.member


def test_a_meeting_may_set_the_next_review_of_the_risks_it_reviewed(world, committee):
    risk = RiskFactory(owner=member_a(world))
    record(world, committee, risks_reviewed=[risk], next_review_on=today(world) + timedelta(days=60))
    risk.refresh_from_db()
    assert risk.next_review_on == today(world) + timedelta(days=60)


def test_a_meeting_older_than_the_last_review_leaves_the_risk_as_it_is(world, committee):
    risk = RiskFactory(owner=member_a(world), last_reviewed_on=today(world) - timedelta(days=1))
    before = risk.next_review_on
    record(world, committee, held_on=today(world) - timedelta(days=3), risks_reviewed=[risk])
    risk.refresh_from_db()
    assert (risk.last_reviewed_on, risk.next_review_on) == (today(world) - timedelta(days=1), before)


def test_a_meeting_next_review_past_the_limit_is_refused(world, committee):
    risk = RiskFactory(owner=member_a(world))
    with pytest.raises(ValidationError) as refused:
        record(
            world,
            committee,
            risks_reviewed=[risk],
            next_review_on=review_date_limit(today(world)) + timedelta(days=1),
        )
    assert codes(refused.value) == {"next_review_on": ["review_date_too_far"]}
    assert CommitteeMeeting.objects.count() == 0


def test_an_attendee_outside_the_committee_is_a_field_error_naming_them(world, committee):
    outsider = member_a(world)
    with pytest.raises(ValidationError) as refused:
        record(world, committee, attendees=[committee[0], outsider])
    assert codes(refused.value) == {"attendees": ["not_committee_member"]}
    assert "Member A" in refused.value.error_dict["attendees"][0].message
    assert CommitteeMeeting.objects.count() == 0


def test_a_meeting_needs_an_attendee_and_conclusions(world, committee):
    with pytest.raises(ValidationError) as refused:
        record(world, committee, attendees=[], conclusions=" ")
    assert codes(refused.value) == {"attendees": ["attendees_required"], "conclusions": ["required"]}
    assert CommitteeMeeting.objects.count() == 0


def test_a_meeting_may_be_today_not_tomorrow(world, committee):
    with pytest.raises(ValidationError) as refused:
        record(world, committee, held_on=today(world) + timedelta(days=1))
    assert codes(refused.value) == {"held_on": ["date_in_future"]}
    assert CommitteeMeeting.objects.count() == 0
    assert record(world, committee, held_on=today(world)).held_on == today(world)


def test_another_body_s_risk_is_refused(world, committee):
    foreign = RiskFactory(owner=Membership.objects.get(body=world.b.body, user=world.b.member))
    with pytest.raises(ValidationError) as refused:
        record(world, committee, risks_reviewed=[foreign])
    assert codes(refused.value) == {"risks_reviewed": ["risk_of_another_body"]}
    foreign.refresh_from_db()
    assert foreign.last_reviewed_on is None


def test_an_action_needs_an_owner_of_the_body_and_a_due_date_not_before_the_meeting(world, committee):
    held = today(world) - timedelta(days=5)
    outsider = Membership.objects.get(body=world.b.body, user=world.b.member)
    with pytest.raises(ValidationError) as refused:
        record(
            world,
            committee,
            held_on=held,
            actions=[
                {"description": "Fine", "owner": member_a(world), "due_on": held},
                {"description": "Too early", "owner": member_a(world), "due_on": held - timedelta(days=1)},
                {"description": "Outsider", "owner": outsider, "due_on": held},
            ],
        )
    assert codes(refused.value) == {"actions": ["action_due_before_meeting", "owner_not_eligible"]}
    messages = [error.message for error in refused.value.error_dict["actions"]]
    assert messages[0].startswith("Action 2:") and messages[1].startswith("Action 3:")
    assert CommitteeAction.objects.count() == 0


def test_an_ordinary_member_cannot_record_a_meeting(world, committee):
    with pytest.raises(PermissionDenied):
        record(world, committee, actor=world.a.member)
    assert CommitteeMeeting.objects.count() == 0


# --- actions done ---------------------------------------------------------------------------------------------


@pytest.fixture
def action(world, committee):  # type: ignore[no-untyped-def]
    meeting = record(
        world,
        committee,
        actions=[{"description": "Rotate", "owner": member_a(world), "due_on": today(world)}],
    )
    return meeting.actions.get()


def test_the_owner_marks_their_action_done(world, action):
    done = action_complete(action=action, actor=world.a.member, note="Rotated on the next audit")

    assert (done.status, done.done_note) == ("done", "Rotated on the next audit")
    assert done.done_at is not None
    event = AuditEvent.objects.filter(object_id=str(action.pk)).latest("sequence")
    assert (event.action, event.before, event.after) == (
        "impartiality.action.completed",
        {"status": "open"},
        {"status": "done"},
    )
    assert Deadline.objects.get(subject_id=str(action.pk)).closed_at is not None
    assert [n.user for n in Notification.objects.filter(kind="impartiality.action.completed")] == [
        world.a.admin
    ]
    with pytest.raises(TransitionNotAllowed):
        action_complete(action=done, actor=world.a.admin)


def test_a_keeper_may_mark_it_done_another_member_may_not(world, action):
    other = MembershipFactory(body=world.a.body).user
    for outsider in (other, world.b.admin):
        with pytest.raises(PermissionDenied) as refused:
            action_complete(action=action, actor=outsider)
        assert refused.value.code == "not_action_owner"
    action.refresh_from_db()
    assert action.status == "open"
    assert action_complete(action=action, actor=world.a.admin).status == "done"


# --- reminders --------------------------------------------------------------------------------------------------


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_a_risk_review_reminds_before_on_the_day_and_overdue_once_each(world, settings):
    settings.RISK_REVIEW_REMINDER_OFFSETS = [-30, 0, 1]
    from impartiality.services import risk_create

    due = today(world) + timedelta(days=40)
    risk = risk_create(
        body=world.a.body,
        actor=world.a.admin,
        fields={
            "title": "Familiarity with a long-standing client",
            "source_kind": "person",
            "source": "The same lead auditor for six years",
            "threat": "familiarity",
            "likelihood": 3,
            "impact": 3,
            "mitigation": "Rotation",
            "owner": member_a(world),
            "next_review_on": due,
        },
    )

    def told(day: date) -> list[tuple[str, str]]:
        deadlines_sweep(now=noon(day), enqueue_email=False)
        deadlines_sweep(now=noon(day), enqueue_email=False)  # twice: nothing new
        rows = Notification.objects.filter(deadline__subject_id=str(risk.pk), offset_days=offset(day))
        return sorted((n.user.email, n.title) for n in rows)

    def offset(day: date) -> int:
        return (day - due).days

    assert told(due - timedelta(days=31)) == []
    before = told(due - timedelta(days=30))
    assert [email for email, _ in before] == ["admin.a@example.org", "member.a@example.org"]
    assert before[0][1] == f"Impartiality risk to review in 30 days: {risk.title}"
    assert [title for _, title in told(due)] == [f"Impartiality risk to review today: {risk.title}"] * 2
    assert [title for _, title in told(due + timedelta(days=1))] == [
        f"Impartiality risk review overdue: {risk.title}"
    ] * 2
    assert Notification.objects.filter(deadline__subject_id=str(risk.pk)).count() == 6


def test_an_action_reminds_its_owner_and_when_overdue_the_admins_too(world, action, settings):
    settings.COMMITTEE_ACTION_REMINDER_OFFSETS = [-7, 0, 1]
    due = action.due_on
    deadlines_sweep(now=noon(due), enqueue_email=False)
    on_the_day = Notification.objects.filter(deadline__subject_id=str(action.pk))
    assert [n.user for n in on_the_day] == [world.a.member]
    deadlines_sweep(now=noon(due + timedelta(days=1)), enqueue_email=False)
    deadlines_sweep(now=noon(due + timedelta(days=1)), enqueue_email=False)
    overdue = Notification.objects.filter(deadline__subject_id=str(action.pk), offset_days=1)
    assert sorted(n.user.email for n in overdue) == ["admin.a@example.org", "member.a@example.org"]
