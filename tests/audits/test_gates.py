"""The team's gates at confirmation: competence, conflicts (cooling-off at its boundary, overrides), the
per-engagement declaration, separation from the validation, the rotation limit and its exemption, body
eligibility on the first and last planned day; every failure listed, naming the person and the rule; two
confirmations at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import override_settings

from audits.models import Engagement, RotationExemption, TeamMember
from audits.services import (
    engagement_confirm_team,
    engagement_update,
    rotation_exemption_record,
    team_candidates,
)
from bodies.models import Accreditation, Role
from core.errors import TransitionNotAllowed, ValidationError, error_code
from tests.factories import (
    ConflictOverrideFactory,
    DeclarationFactory,
    EngagementFactory,
    MembershipFactory,
    ProjectFactory,
    RelationshipFactory,
    TeamMemberFactory,
)

from .test_engagements_setup import english_fixture, setup_fixture, staffed, verification_of  # noqa: F401

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# --- a team that passes ---------------------------------------------------------------------------------------


def test_a_team_that_passes_every_gate_is_confirmed_with_its_declarations(setup):
    # given a proposed team of people who pass every gate
    engagement = staffed(setup)

    # when the planner confirms it
    confirmed = engagement_confirm_team(engagement=engagement, actor=setup.admin)

    # then the team is confirmed, each member carries their cleared declaration, and nothing is disclosed
    assert confirmed.status == "team_confirmed"
    assert confirmed.same_body_validated is False
    for member in TeamMember.objects.filter(engagement=engagement).select_related("declaration"):
        assert member.declaration is not None
        assert member.declaration.kind == "engagement"
        assert member.declaration.membership_id == member.membership_id


def test_confirmation_tells_the_team(setup):
    from reminders.models import Notification

    engagement = staffed(setup)
    engagement_confirm_team(engagement=engagement, actor=setup.admin)
    told = set(
        Notification.objects.filter(kind="audits.engagement.team_confirmed").values_list("user_id", flat=True)
    )
    assert told == {setup.lead.user_id, setup.auditor.user_id}


# --- every failure, named -------------------------------------------------------------------------------------


def test_every_failure_is_listed_naming_the_person_and_the_rule(setup):
    # given a team where the auditor has no competence and no per-engagement declaration, and the lead is fine
    engagement = staffed(setup)
    setup.auditor.declarations.filter(kind="engagement").delete()
    from competence.models import CompetenceRecord

    CompetenceRecord.objects.filter(person=setup.auditor.user).delete()

    # when the planner confirms
    with pytest.raises(ValidationError) as refused:
        engagement_confirm_team(engagement=engagement, actor=setup.admin)

    # then both failures are named (not only the first), and nothing changed
    found = messages(refused.value)
    assert error_code(refused.value) == "team_gate_failed"
    assert any("Arni Auditor has no competence as Auditor" in m for m in found), found
    assert any(m.startswith("Arni Auditor and ") for m in found), found
    assert not any("Lena Lead" in m for m in found)
    engagement.refresh_from_db()
    assert engagement.status == "team_proposed"
    assert not TeamMember.objects.filter(engagement=engagement, declaration__isnull=False).exists()


def test_an_unreviewed_declaration_does_not_clear(setup):
    engagement = staffed(setup)
    setup.auditor.declarations.filter(kind="engagement").update(
        status="submitted", review_outcome="", reviewed_by=None, reviewed_at=None
    )
    with pytest.raises(ValidationError) as refused:
        engagement_confirm_team(engagement=engagement, actor=setup.admin)
    assert any("Arni Auditor" in m for m in messages(refused.value))
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"


def test_a_team_without_a_lead_auditor_is_refused(setup):
    from audits.services import team_member_add

    engagement = setup.engagement
    team_member_add(engagement=engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR)
    Engagement.objects.filter(pk=engagement.pk).update(status="team_proposed")
    with pytest.raises(ValidationError) as refused:
        engagement_confirm_team(engagement=engagement, actor=setup.admin)
    assert "The team has no lead auditor." in messages(refused.value)


# --- conflicts: cooling-off at its boundary, overrides --------------------------------------------------------


def _consultancy(setup, ended_on: date) -> None:
    """The auditor advised the project's proponent until `ended_on` (on their annual declaration)."""
    annual = setup.auditor.declarations.get(kind="annual")
    RelationshipFactory(
        declaration=annual, client=setup.project.proponent, ended_on=ended_on, started_on=date(2020, 1, 1)
    )


@pytest.mark.parametrize(
    ("offset", "passes"),
    [(-1, False), (0, True), (1, True)],
    ids=["day-before-cooling-off-ends", "first-day-allowed", "day-after"],
)
def test_cooling_off_through_the_conflict_service_at_confirmation(setup, offset, passes):
    # given the auditor's consultancy for the proponent ended two years (the setting) before the planned start,
    # give or take a day
    engagement = staffed(setup)
    start = engagement.planned_start
    ended = date(start.year - 2, start.month, start.day) - timedelta(days=offset)
    _consultancy(setup, ended)

    # when the team is confirmed
    if passes:
        assert engagement_confirm_team(engagement=engagement, actor=setup.admin).status == "team_confirmed"
    else:
        with pytest.raises(ValidationError) as refused:
            engagement_confirm_team(engagement=engagement, actor=setup.admin)
        assert any("Arni Auditor" in m for m in messages(refused.value)), messages(refused.value)
        assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"


def test_an_override_lifts_a_barring_conflict(setup):
    # given the auditor holds a financial interest in the proponent, overridden for the engagement's dates
    engagement = staffed(setup)
    annual = setup.auditor.declarations.get(kind="annual")
    RelationshipFactory(
        declaration=annual,
        client=setup.project.proponent,
        kind="financial_interest",
        started_on=date(2020, 1, 1),
        ended_on=None,
    )
    with pytest.raises(ValidationError):
        engagement_confirm_team(engagement=engagement, actor=setup.admin)
    ConflictOverrideFactory(
        membership=setup.auditor,
        client=None,
        project=setup.project,
        rule="financial_interest",
        starts_on=engagement.planned_start,
        ends_on=engagement.planned_end,
        overridden_by=setup.admin,
    )

    # then the team is confirmed
    assert engagement_confirm_team(engagement=engagement, actor=setup.admin).status == "team_confirmed"


# --- separation and disclosure --------------------------------------------------------------------------------


def test_nobody_from_the_validating_team_verifies_the_project_even_in_another_body(setup, world):
    # given the auditor (a freelancer in both bodies) was on body B's validation team of the same ICR project
    other = ProjectFactory(body=world.b.body, registry_number=setup.project.registry_number)
    validation = EngagementFactory(body=world.b.body, project=other, kind="validation", status="closed")
    in_b = MembershipFactory(user=setup.auditor.user, body=world.b.body, roles=[Role.AUDITOR])
    TeamMemberFactory(engagement=validation, membership=in_b)
    engagement = staffed(setup)

    # when body A confirms its verification team
    with pytest.raises(ValidationError) as refused:
        engagement_confirm_team(engagement=engagement, actor=setup.admin)

    # then the separation rule names the person
    assert messages(refused.value) == [
        "Separation: Arni Auditor was on a team that validated the project ICR-T0042 and may not verify it."
    ]
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"


def test_a_cancelled_validation_does_not_separate(setup, world):
    validation = EngagementFactory(
        body=setup.body, project=setup.project, kind="validation", status="cancelled"
    )
    TeamMemberFactory(engagement=validation, membership=setup.auditor)
    engagement = staffed(setup)
    confirmed = engagement_confirm_team(engagement=engagement, actor=setup.admin)
    assert confirmed.status == "team_confirmed"
    assert confirmed.same_body_validated is False


def test_the_same_body_validating_is_disclosed(setup):
    # given body A validated the project (with other people)
    EngagementFactory(body=setup.body, project=setup.project, kind="validation", status="closed")
    engagement = staffed(setup)

    # when its verification team is confirmed
    confirmed = engagement_confirm_team(engagement=engagement, actor=setup.admin)

    # then the report will disclose it
    assert confirmed.same_body_validated is True
    assert Engagement.objects.get(pk=engagement.pk).same_body_validated is True


# --- rotation -------------------------------------------------------------------------------------------------


def _earlier(setup, count: int) -> None:
    start = setup.engagement.planned_start
    for n in range(count):
        verification_of(setup.body, setup.project.registry_number, start - timedelta(days=365 * (n + 1)))


def test_rotation_a_third_verification_in_a_row_is_allowed(setup):
    _earlier(setup, 2)
    engagement = staffed(setup)
    assert engagement_confirm_team(engagement=engagement, actor=setup.admin).status == "team_confirmed"


def test_rotation_a_fourth_verification_in_a_row_is_refused(setup):
    _earlier(setup, 3)
    engagement = staffed(setup)
    with pytest.raises(ValidationError) as refused:
        engagement_confirm_team(engagement=engagement, actor=setup.admin)
    assert messages(refused.value) == [
        "Rotation: Body A has verified the project ICR-T0042 3 times in a row; a body may verify "
        "the same project at most 3 times in a row unless the registry records an exemption."
    ]
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"


@override_settings(VERIFICATION_ROTATION_LIMIT=4)
def test_rotation_limit_is_a_setting(setup):
    _earlier(setup, 3)
    assert engagement_confirm_team(engagement=staffed(setup), actor=setup.admin).status == "team_confirmed"


def test_rotation_another_bodys_verification_breaks_the_row(setup, world):
    # given A, A, then B's verification most recently, then A's older ones
    start = setup.engagement.planned_start
    for years in (2, 3, 4):
        verification_of(setup.body, setup.project.registry_number, start - timedelta(days=365 * years))
    verification_of(world.b.body, setup.project.registry_number, start - timedelta(days=365))
    assert engagement_confirm_team(engagement=staffed(setup), actor=setup.admin).status == "team_confirmed"


def test_rotation_cancelled_verifications_do_not_count(setup):
    _earlier(setup, 2)
    verification_of(
        setup.body,
        setup.project.registry_number,
        setup.engagement.planned_start - timedelta(days=10),
        status="cancelled",
    )
    assert engagement_confirm_team(engagement=staffed(setup), actor=setup.admin).status == "team_confirmed"


@pytest.mark.parametrize(("valid_offset", "passes"), [(-1, False), (0, True), (None, True)])
def test_rotation_exemption_valid_on_the_planned_start(setup, world, valid_offset, passes):
    _earlier(setup, 3)
    engagement = staffed(setup)
    valid_until = None if valid_offset is None else engagement.planned_start + timedelta(days=valid_offset)
    rotation_exemption_record(
        actor=world.staff,
        body=setup.body,
        project=setup.project,
        reason="No other accredited body",
        valid_until=valid_until,
    )
    if passes:
        assert engagement_confirm_team(engagement=engagement, actor=setup.admin).status == "team_confirmed"
    else:
        with pytest.raises(ValidationError):
            engagement_confirm_team(engagement=engagement, actor=setup.admin)


def test_rotation_exemption_is_for_staff_with_a_reason(setup, world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rotation_exemption_record(actor=setup.admin, body=setup.body, project=setup.project, reason="Please")
    with pytest.raises(ValidationError) as refused:
        rotation_exemption_record(actor=world.staff, body=setup.body, project=setup.project, reason="  ")
    assert error_code(refused.value) == "exemption_invalid"
    assert not RotationExemption.objects.exists()


# --- eligibility on the first and last planned day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "offset", "passes"),
    [("valid_to", 0, True), ("valid_to", -1, False), ("valid_from", 0, True), ("valid_from", 1, False)],
    ids=[
        "valid-to-last-day",
        "valid-to-day-before-last",
        "valid-from-first-day",
        "valid-from-day-after-first",
    ],
)
def test_eligibility_at_confirmation_on_the_first_and_last_planned_day(setup, field, offset, passes):
    engagement = staffed(setup)
    day = engagement.planned_end if field == "valid_to" else engagement.planned_start
    Accreditation.objects.filter(body=setup.body).update(**{field: day + timedelta(days=offset)})
    if passes:
        assert engagement_confirm_team(engagement=engagement, actor=setup.admin).status == "team_confirmed"
    else:
        with pytest.raises(ValidationError) as refused:
            engagement_confirm_team(engagement=engagement, actor=setup.admin)
        assert any("is not valid on" in m for m in messages(refused.value)), messages(refused.value)


# --- dates moved after confirmation ---------------------------------------------------------------------------


def test_moving_the_dates_after_confirmation_reruns_every_gate(setup):
    # given a confirmed team, and the auditor's competence ending on 31 Dec 2027
    engagement = engagement_confirm_team(engagement=staffed(setup), actor=setup.admin)
    before = (engagement.planned_start, engagement.planned_end)

    # when the planner moves the engagement past that day
    with pytest.raises(ValidationError) as refused:
        engagement_update(
            engagement=engagement,
            actor=setup.admin,
            fields={"planned_start": date(2027, 12, 30), "planned_end": date(2028, 1, 2)},
        )

    # then both people are named and nothing changed
    found = messages(refused.value)
    assert any("Lena Lead" in m for m in found) and any("Arni Auditor" in m for m in found), found
    engagement.refresh_from_db()
    assert (engagement.planned_start, engagement.planned_end) == before


def test_moving_the_dates_inside_every_validity_passes(setup):
    engagement = engagement_confirm_team(engagement=staffed(setup), actor=setup.admin)
    moved = engagement_update(
        engagement=engagement,
        actor=setup.admin,
        fields={
            "planned_start": engagement.planned_start + timedelta(days=1),
            "planned_end": engagement.planned_end + timedelta(days=1),
        },
    )
    assert moved.status == "team_confirmed"


# --- candidates -----------------------------------------------------------------------------------------------


def test_candidates_show_why_each_person_cannot_be_assigned(setup, world):
    # given the lead is on the team; the auditor is fine; the body's plain member has no competence nor
    # declaration
    from audits.services import team_member_add

    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.lead, role=Role.LEAD_AUDITOR
    )

    # when the planner asks who could be an auditor
    candidates = {
        c.membership.user.full_name: c
        for c in team_candidates(engagement=setup.engagement, role=Role.AUDITOR)
    }

    # then the lead (already on the team) is not offered, the auditor is free, the others are blocked with words
    assert "Lena Lead" not in candidates
    assert candidates["Arni Auditor"].reasons == ()
    member = candidates["Member A"]
    assert member.blocked
    assert any("no competence as Auditor" in r for r in member.reasons), member.reasons
    assert any("Member A" in r and "declaration" in r.lower() for r in member.reasons), member.reasons


def test_candidates_cost_the_same_queries_for_few_and_many_people(setup, world):
    # given the candidates as the body stands (its members, the lead and the auditor)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            candidates = team_candidates(engagement=setup.engagement, role=Role.AUDITOR)
        return len(captured.captured_queries), len(candidates)

    few, few_people = cost()
    # when eight more people join the body, each with a live declaration to read
    for _index in range(8):
        membership = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR])
        DeclarationFactory(membership=membership)
    many, many_people = cost()
    # then the same number of queries answers for all of them
    assert many_people == few_people + 8
    assert many == few


# --- concurrency ----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_exactly_one_wins(world):
    from django.utils import translation

    from .test_engagements_setup import build_setup

    with translation.override("en"):
        data = build_setup(world)
        engagement = staffed(data)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm() -> None:
        try:
            barrier.wait(timeout=10)
            engagement_confirm_team(engagement=Engagement.objects.get(pk=engagement.pk), actor=data.admin)
            outcomes.append("confirmed")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["confirmed", "refused"]
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="audits.engagement.team_confirmed").count() == 1
