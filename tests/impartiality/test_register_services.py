"""The impartiality risk registers' rules at their boundaries: who keeps a register (a body's, the registry's),
ratings 1–5, the next review at most `RISK_REVIEW_MAX_MONTHS` away (the last allowed day accepted, the day after
refused), the owner, overdue the day after the review date, closed risks; every write audited with
before/after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from bodies.models import Membership, Role
from core.dates import today_in
from core.errors import PermissionDenied, TransitionNotAllowed, error_code
from core.models import REGISTRY_CHAIN, AuditEvent
from core.registry_home import registry_today
from impartiality.models import RegistryRisk, Risk
from impartiality.selectors import overdue_condition, risk_filter, risk_list
from impartiality.services import (
    registry_risk_create,
    review_date_limit,
    risk_close,
    risk_create,
    risk_is_overdue,
    risk_level,
    risk_reopen,
    risk_review,
    risk_update,
)
from reminders.models import Deadline
from tests.factories import MembershipFactory, RiskFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str | None]]:
    return {field: [error.code for error in errors] for field, errors in exc.error_dict.items()}


def owner_of(world, tenant: str = "a") -> Membership:  # type: ignore[no-untyped-def]
    t = getattr(world, tenant)
    return Membership.objects.get(body=t.body, user=t.member)


def fields(owner: object, **overrides: object) -> dict[str, object]:
    return {
        "title": "Consultancy by a sister company",
        "source_kind": "relationship",
        "source": "A sister company offers GHG consultancy to the body's clients",
        "threat": "self_review",
        "likelihood": 2,
        "impact": 5,
        "mitigation": "No one who worked for the sister company audits its clients for two years",
        "owner": owner,
        "next_review_on": today_in("Atlantic/Reykjavik") + timedelta(days=180),
        **overrides,
    }


def events(obj: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(obj.pk)).order_by("sequence"))  # type: ignore[attr-defined]


# --- the rating -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "level"), [(1, "low"), (4, "low"), (5, "medium"), (12, "medium"), (13, "high"), (25, "high")]
)
def test_a_rating_reads_as_a_level_at_its_thresholds(rating, level):
    assert risk_level(rating) == level


def test_the_list_rates_in_sql_with_the_same_thresholds(world):
    for likelihood, impact in ((2, 2), (1, 5), (3, 4), (5, 1)):
        RiskFactory(owner=owner_of(world), likelihood=likelihood, impact=impact)
    RiskFactory(owner=owner_of(world), likelihood=4, impact=4)
    rows = sorted((r.rating_value, r.level) for r in risk_list().filter(body=world.a.body))
    assert rows == [(4, "low"), (5, "medium"), (5, "medium"), (12, "medium"), (16, "high")]
    assert all(risk_level(value) == level for value, level in rows)


# --- a body's register ----------------------------------------------------------------------------------------


def test_a_body_admin_adds_a_risk_audited_and_watched(world):
    risk = risk_create(body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world)))

    assert isinstance(risk, Risk)
    assert (risk.body, risk.status, risk.rating, risk.last_reviewed_on) == (world.a.body, "open", 10, None)
    [event] = events(risk)
    assert event.action == "impartiality.risk.created"
    assert event.after["likelihood"] == 2 and event.after["owner"] == str(owner_of(world).pk)
    deadline = Deadline.objects.get(kind="impartiality.risk_review", subject_id=str(risk.pk))
    assert (deadline.due_on, deadline.closed_at) == (risk.next_review_on, None)


def test_a_committee_member_keeps_the_register_an_ordinary_member_does_not(world):
    committee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    risk_create(body=world.a.body, actor=committee.user, fields=fields(owner_of(world)))

    for outsider in (world.a.member, world.b.admin):
        with pytest.raises(PermissionDenied):
            risk_create(body=world.a.body, actor=outsider, fields=fields(owner_of(world), title="Other"))
    assert Risk.objects.count() == 1


@pytest.mark.parametrize("name", ["likelihood", "impact"])
@pytest.mark.parametrize("value", [0, 6])
def test_ratings_outside_1_to_5_are_refused(world, name, value):
    with pytest.raises(ValidationError) as refused:
        risk_create(body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world), **{name: value}))
    assert codes(refused.value) == {name: ["rating_out_of_range"]}
    assert Risk.objects.count() == 0


@pytest.mark.parametrize("value", [1, 5])
def test_ratings_1_and_5_are_accepted(world, value):
    risk = risk_create(
        body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world), likelihood=value, impact=value)
    )
    assert risk.rating == value * value


def test_the_next_review_may_be_the_last_allowed_day_not_the_day_after(world, settings):
    settings.RISK_REVIEW_MAX_MONTHS = 12
    today = today_in(world.a.body.time_zone)
    last = review_date_limit(today)
    assert last == today.replace(year=today.year + 1) or (today.month, today.day) == (2, 29)

    with pytest.raises(ValidationError) as refused:
        risk_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=fields(owner_of(world), next_review_on=last + timedelta(days=1)),
        )
    assert codes(refused.value) == {"next_review_on": ["review_date_too_far"]}
    assert error_code(refused.value) == "review_date_too_far"
    assert Risk.objects.count() == 0

    risk = risk_create(
        body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world), next_review_on=last)
    )
    assert risk.next_review_on == last


def test_the_review_limit_is_a_setting(world, settings):
    settings.RISK_REVIEW_MAX_MONTHS = 6
    today = today_in(world.a.body.time_zone)
    with pytest.raises(ValidationError) as refused:
        risk_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=fields(owner_of(world), next_review_on=review_date_limit(today) + timedelta(days=1)),
        )
    assert codes(refused.value) == {"next_review_on": ["review_date_too_far"]}


def test_the_next_review_may_be_today_not_yesterday(world):
    today = today_in(world.a.body.time_zone)
    with pytest.raises(ValidationError) as refused:
        risk_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=fields(owner_of(world), next_review_on=today - timedelta(days=1)),
        )
    assert codes(refused.value) == {"next_review_on": ["review_date_in_past"]}
    assert (
        risk_create(
            body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world), next_review_on=today)
        ).next_review_on
        == today
    )


def test_the_owner_is_an_active_member_of_the_same_body(world):
    other_body = owner_of(world, "b")
    left = MembershipFactory(body=world.a.body, status=Membership.Status.LEFT)
    for owner in (other_body, left):
        with pytest.raises(ValidationError) as refused:
            risk_create(body=world.a.body, actor=world.a.admin, fields=fields(owner))
        assert codes(refused.value) == {"owner": ["owner_not_eligible"]}
    assert Risk.objects.count() == 0


def test_fields_a_risk_does_not_take_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        risk_create(
            body=world.a.body, actor=world.a.admin, fields={**fields(owner_of(world)), "status": "closed"}
        )
    assert codes(refused.value) == {"status": ["field_not_editable"]}


def test_an_update_records_only_what_changed(world):
    risk = RiskFactory(owner=owner_of(world), likelihood=3, impact=4)

    risk_update(risk=risk, actor=world.a.admin, fields={"likelihood": 5, "title": risk.title})

    risk.refresh_from_db()
    assert risk.rating == 20
    [event] = events(risk)
    assert (event.action, event.before, event.after) == (
        "impartiality.risk.updated",
        {"likelihood": 3},
        {"likelihood": 5},
    )


def test_an_unchanged_past_review_date_does_not_block_other_changes(world):
    """An overdue risk's mitigation can be corrected; its (past) review date is only checked when it changes."""
    today = today_in(world.a.body.time_zone)
    risk = RiskFactory(owner=owner_of(world), next_review_on=today - timedelta(days=3))

    risk_update(risk=risk, actor=world.a.admin, fields={"mitigation": "Rotation every three years"})

    risk.refresh_from_db()
    assert risk.mitigation == "Rotation every three years"


def test_another_body_cannot_update_and_nothing_changes(world):
    risk = RiskFactory(owner=owner_of(world), likelihood=3)
    with pytest.raises(PermissionDenied):
        risk_update(risk=risk, actor=world.b.admin, fields={"likelihood": 5})
    risk.refresh_from_db()
    assert risk.likelihood == 3
    assert events(risk) == []


# --- review, overdue ------------------------------------------------------------------------------------------


def test_overdue_is_the_day_after_the_next_review(world):
    today = today_in(world.a.body.time_zone)
    yesterday = RiskFactory(owner=owner_of(world), next_review_on=today - timedelta(days=1))
    on_the_day = RiskFactory(owner=owner_of(world), next_review_on=today)
    tomorrow = RiskFactory(owner=owner_of(world), next_review_on=today + timedelta(days=1))
    closed = RiskFactory(owner=owner_of(world), next_review_on=today - timedelta(days=30), status="closed")

    assert [risk_is_overdue(r) for r in (yesterday, on_the_day, tomorrow, closed)] == [
        True,
        False,
        False,
        False,
    ]
    overdue = Risk.objects.filter(overdue_condition(today))
    assert list(overdue) == [yesterday]
    assert set(risk_filter(Risk.objects.all(), overdue=False, today=today)) == {on_the_day, tomorrow, closed}


def test_a_review_marks_today_and_sets_the_next_review(world):
    today = today_in(world.a.body.time_zone)
    risk = RiskFactory(owner=owner_of(world), next_review_on=today - timedelta(days=2))

    risk_review(risk=risk, actor=world.a.admin, next_review_on=review_date_limit(today))

    risk.refresh_from_db()
    assert (risk.last_reviewed_on, risk.next_review_on) == (today, review_date_limit(today))
    assert not risk_is_overdue(risk)
    [event] = events(risk)
    assert event.action == "impartiality.risk.reviewed"
    assert event.after == {
        "last_reviewed_on": today.isoformat(),
        "next_review_on": risk.next_review_on.isoformat(),
    }
    assert Deadline.objects.get(subject_id=str(risk.pk)).due_on == review_date_limit(today)


def test_a_review_refuses_a_next_review_past_the_limit_and_changes_nothing(world):
    today = today_in(world.a.body.time_zone)
    risk = RiskFactory(owner=owner_of(world))
    before = risk.next_review_on
    with pytest.raises(ValidationError) as refused:
        risk_review(
            risk=risk, actor=world.a.admin, next_review_on=review_date_limit(today) + timedelta(days=1)
        )
    assert codes(refused.value) == {"next_review_on": ["review_date_too_far"]}
    risk.refresh_from_db()
    assert (risk.last_reviewed_on, risk.next_review_on) == (None, before)


def test_an_ordinary_member_cannot_review(world):
    risk = RiskFactory(owner=owner_of(world))
    with pytest.raises(PermissionDenied):
        risk_review(risk=risk, actor=world.a.member, next_review_on=risk.next_review_on)
    risk.refresh_from_db()
    assert risk.last_reviewed_on is None


# --- close and reopen -------------------------------------------------------------------------------------------


def test_closing_needs_a_reason_stops_reminders_and_refuses_changes(world):
    risk = risk_create(body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world)))
    with pytest.raises(ValidationError) as refused:
        risk_close(risk=risk, actor=world.a.admin, reason="  ")
    assert codes(refused.value) == {"reason": ["reason_required"]}

    risk_close(risk=risk, actor=world.a.admin, reason="The sister company was sold")

    risk.refresh_from_db()
    assert risk.status == "closed"
    assert Deadline.objects.get(subject_id=str(risk.pk)).closed_at is not None
    assert events(risk)[-1].after == {"status": "closed", "reason": "The sister company was sold"}
    for call in (
        lambda: risk_update(risk=risk, actor=world.a.admin, fields={"likelihood": 1}),
        lambda: risk_review(risk=risk, actor=world.a.admin, next_review_on=risk.next_review_on),
        lambda: risk_close(risk=risk, actor=world.a.admin, reason="again"),
    ):
        with pytest.raises(TransitionNotAllowed) as conflict:
            call()
        assert conflict.value.code == "risk_closed"
    risk.refresh_from_db()
    assert risk.likelihood == 2


def test_reopening_a_closed_risk_watches_it_again(world):
    today = today_in(world.a.body.time_zone)
    risk = risk_create(body=world.a.body, actor=world.a.admin, fields=fields(owner_of(world)))
    risk_close(risk=risk, actor=world.a.admin, reason="Sold")

    risk_reopen(risk=risk, actor=world.a.admin, next_review_on=today + timedelta(days=30))

    risk.refresh_from_db()
    assert (risk.status, risk.next_review_on) == ("open", today + timedelta(days=30))
    deadline = Deadline.objects.get(subject_id=str(risk.pk))
    assert (deadline.closed_at, deadline.due_on) == (None, today + timedelta(days=30))
    with pytest.raises(TransitionNotAllowed):
        risk_reopen(risk=risk, actor=world.a.admin, next_review_on=today)


# --- the registry's own register ------------------------------------------------------------------------------------


def test_registry_staff_keep_the_registry_register_audited_on_the_registry_chain(world):
    staff_owner = StaffFactory()
    risk = registry_risk_create(actor=world.staff, fields=fields(staff_owner))

    assert isinstance(risk, RegistryRisk)
    [event] = events(risk)
    assert (event.action, event.body_id, event.chain) == (
        "impartiality.registry_risk.created",
        None,
        REGISTRY_CHAIN,
    )
    assert not Deadline.objects.filter(subject_id=str(risk.pk)).exists()

    today = registry_today()
    risk_review(risk=risk, actor=world.staff, next_review_on=review_date_limit(today))
    risk.refresh_from_db()
    assert (risk.last_reviewed_on, risk.next_review_on) == (today, review_date_limit(today))
    with pytest.raises(ValidationError) as refused:
        risk_review(risk=risk, actor=world.staff, next_review_on=review_date_limit(today) + timedelta(days=1))
    assert codes(refused.value) == {"next_review_on": ["review_date_too_far"]}


def test_only_staff_keep_the_registry_register_and_own_its_risks(world):
    for outsider in (world.a.admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            registry_risk_create(actor=outsider, fields=fields(StaffFactory()))
    with pytest.raises(ValidationError) as refused:
        registry_risk_create(actor=world.staff, fields=fields(world.a.admin))
    assert codes(refused.value) == {"owner": ["owner_not_eligible"]}
    assert RegistryRisk.objects.count() == 0
