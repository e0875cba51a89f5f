"""The competence service: a person on every planned day, and a team as a whole."""

from __future__ import annotations

from datetime import date

import pytest

from bodies.models import Membership, Role
from competence.checks import TeamMember, person_check_competence, team_check_coverage
from competence.models import CompetenceRecord
from core.errors import ValidationError
from reference.models import Standard
from tests.factories import CompetenceRecordFactory, MembershipFactory, UserFactory, sector

pytestmark = pytest.mark.django_db

EVALUATED = date(2025, 1, 1)
UNTIL = date(2027, 12, 31)


@pytest.fixture
def scope():
    return {"standard": Standard.objects.get(code="iso-14064-3"), "sector": sector("ghg", "1")}


def gap_codes(result) -> list[str]:
    return [gap.code for gap in result.gaps]


@pytest.mark.parametrize(
    ("start", "end", "competent"),
    [
        (date(2024, 12, 31), date(2025, 1, 5), False),  # starts the day before the evaluation
        (date(2025, 1, 1), date(2025, 1, 5), True),  # starts the day of the evaluation
        (date(2027, 12, 20), date(2027, 12, 31), True),  # ends the last valid day
        (date(2027, 12, 20), date(2028, 1, 1), False),  # ends the day after
    ],
)
def test_person_competent_on_every_planned_day(world, scope, start, end, competent):
    record = CompetenceRecordFactory(membership__body=world.a.body)
    result = person_check_competence(
        person=record.person, body=world.a.body, role=Role.AUDITOR, start=start, end=end, **scope
    )
    assert result.competent is competent
    assert gap_codes(result) == ([] if competent else ["competence_not_valid_on_dates"])


def test_gap_names_the_first_uncovered_day(world, scope):
    record = CompetenceRecordFactory(membership__body=world.a.body)
    result = person_check_competence(
        person=record.person,
        body=world.a.body,
        role=Role.AUDITOR,
        start=date(2027, 12, 1),
        end=date(2028, 1, 9),
        **scope,
    )
    assert "2028-01-01" in result.gaps[0].message


@pytest.mark.parametrize("status", ["proposed", "suspended", "expired"])
def test_only_approved_competence_counts(world, scope, status):
    record = CompetenceRecordFactory(membership__body=world.a.body, status=status)
    result = person_check_competence(
        person=record.person,
        body=world.a.body,
        role=Role.AUDITOR,
        start=date(2026, 1, 1),
        end=date(2026, 1, 2),
        **scope,
    )
    assert gap_codes(result) == ["competence_not_approved"]


def test_lead_auditor_competence_also_qualifies_as_auditor_but_not_the_reverse(world, scope):
    lead = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR)
    auditor = CompetenceRecordFactory(membership__body=world.a.body, role=Role.AUDITOR)
    days = {"start": date(2026, 1, 1), "end": date(2026, 1, 2)}
    assert person_check_competence(
        person=lead.person, body=world.a.body, role=Role.AUDITOR, **days, **scope
    ).competent
    result = person_check_competence(
        person=auditor.person, body=world.a.body, role=Role.LEAD_AUDITOR, **days, **scope
    )
    assert gap_codes(result) == ["no_competence"]


def test_competence_held_in_another_body_does_not_count(world, scope):
    freelancer = UserFactory()
    MembershipFactory(user=freelancer, body=world.a.body, undertaking_signed_on=date(2024, 1, 1))
    membership_b = MembershipFactory(
        user=freelancer, body=world.b.body, undertaking_signed_on=date(2024, 1, 1)
    )
    CompetenceRecordFactory(membership=membership_b)
    result = person_check_competence(
        person=freelancer,
        body=world.a.body,
        role=Role.AUDITOR,
        start=date(2026, 1, 1),
        end=date(2026, 1, 2),
        **scope,
    )
    assert gap_codes(result) == ["no_competence"]


def test_undertaking_must_be_signed(world, scope):
    record = CompetenceRecordFactory(membership__body=world.a.body, membership__undertaking_signed_on=None)
    result = person_check_competence(
        person=record.person,
        body=world.a.body,
        role=Role.AUDITOR,
        start=date(2026, 1, 1),
        end=date(2026, 1, 2),
        **scope,
    )
    assert gap_codes(result) == ["undertaking_not_signed"]


def test_inactive_member_is_not_competent(world, scope):
    record = CompetenceRecordFactory(membership__body=world.a.body)
    Membership.objects.filter(pk=record.membership_id).update(status=Membership.Status.LEFT)
    result = person_check_competence(
        person=record.person,
        body=world.a.body,
        role=Role.AUDITOR,
        start=date(2026, 1, 1),
        end=date(2026, 1, 2),
        **scope,
    )
    assert gap_codes(result) == ["not_active_member"]


def test_end_before_start_is_bad_input(world, scope):
    record = CompetenceRecordFactory(membership__body=world.a.body)
    with pytest.raises(ValidationError):
        person_check_competence(
            person=record.person,
            body=world.a.body,
            role=Role.AUDITOR,
            start=date(2026, 1, 2),
            end=date(2026, 1, 1),
            **scope,
        )


# --- team coverage ------------------------------------------------------------------------------------------

DAYS = {"start": date(2026, 3, 2), "end": date(2026, 3, 4)}


def test_team_with_competent_lead_and_auditor_is_covered(world, scope):
    lead = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR)
    auditor = CompetenceRecordFactory(membership__body=world.a.body, role=Role.AUDITOR)
    result = team_check_coverage(
        body=world.a.body,
        team=[TeamMember(lead.person, Role.LEAD_AUDITOR), TeamMember(auditor.person, Role.AUDITOR)],
        **DAYS,
        **scope,
    )
    assert result.covered is True
    assert result.gaps == []


def test_team_without_lead_lists_the_gap(world, scope):
    auditor = CompetenceRecordFactory(membership__body=world.a.body, role=Role.AUDITOR)
    result = team_check_coverage(
        body=world.a.body, team=[TeamMember(auditor.person, Role.AUDITOR)], **DAYS, **scope
    )
    assert gap_codes(result) == ["no_lead_auditor"]


def test_technical_expert_cannot_lead_nor_be_the_only_auditor(world, scope):
    expert = CompetenceRecordFactory(
        membership__body=world.a.body,
        membership__employment=Membership.Employment.TECHNICAL_EXPERT,
        role=Role.LEAD_AUDITOR,
    )
    result = team_check_coverage(
        body=world.a.body, team=[TeamMember(expert.person, Role.LEAD_AUDITOR)], **DAYS, **scope
    )
    assert gap_codes(result) == ["technical_expert_cannot_lead", "technical_expert_only"]


def test_team_of_only_technical_experts_is_refused(world, scope):
    expert = CompetenceRecordFactory(membership__body=world.a.body, role=Role.TECHNICAL_EXPERT)
    result = team_check_coverage(
        body=world.a.body, team=[TeamMember(expert.person, Role.TECHNICAL_EXPERT)], **DAYS, **scope
    )
    assert gap_codes(result) == ["no_lead_auditor", "technical_expert_only"]


def test_every_member_gap_and_team_gap_is_listed(world, scope):
    lead = CompetenceRecordFactory(
        membership__body=world.a.body, role=Role.LEAD_AUDITOR, valid_until=date(2026, 3, 3)
    )
    stranger = UserFactory()
    result = team_check_coverage(
        body=world.a.body,
        team=[TeamMember(lead.person, Role.LEAD_AUDITOR), TeamMember(stranger, Role.AUDITOR)],
        **DAYS,
        **scope,
    )
    assert gap_codes(result) == ["competence_not_valid_on_dates", "not_active_member"]
    assert result.gaps[0].person_id == lead.person.pk


def test_two_leads_are_refused(world, scope):
    first = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR)
    second = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR)
    result = team_check_coverage(
        body=world.a.body,
        team=[TeamMember(first.person, Role.LEAD_AUDITOR), TeamMember(second.person, Role.LEAD_AUDITOR)],
        **DAYS,
        **scope,
    )
    assert gap_codes(result) == ["several_lead_auditors"]


def test_team_check_runs_constant_queries(world, scope, django_assert_num_queries):
    team = [
        TeamMember(
            CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR).person,
            Role.LEAD_AUDITOR,
        )
    ]
    team += [
        TeamMember(CompetenceRecordFactory(membership__body=world.a.body).person, Role.AUDITOR)
        for _ in range(6)
    ]
    with django_assert_num_queries(2):
        result = team_check_coverage(body=world.a.body, team=team, **DAYS, **scope)
    assert result.covered
    assert CompetenceRecord.objects.count() == 7


@pytest.mark.parametrize(
    ("employment", "roles", "expert"),
    [
        (Membership.Employment.EMPLOYEE, [Role.TECHNICAL_EXPERT], True),
        (Membership.Employment.EXTERNAL_AUDITOR, [Role.TECHNICAL_EXPERT], True),
        (Membership.Employment.EMPLOYEE, [Role.TECHNICAL_EXPERT, Role.LEAD_AUDITOR], False),
        (Membership.Employment.EMPLOYEE, [Role.AUDITOR], False),
    ],
)
def test_a_person_whose_body_role_is_technical_expert_is_one_whatever_their_employment(
    world, scope, employment, roles, expert
):
    # given a person competent as lead auditor, employed as `employment`, holding the body roles `roles`
    record = CompetenceRecordFactory(
        membership__body=world.a.body,
        membership__employment=employment,
        membership__roles=roles,
        role=Role.LEAD_AUDITOR,
    )

    # when they are proposed to lead the team alone
    result = team_check_coverage(
        body=world.a.body, team=[TeamMember(record.person, Role.LEAD_AUDITOR)], **DAYS, **scope
    )

    # then a technical expert neither leads nor counts as the team's auditor
    expected = ["technical_expert_cannot_lead", "technical_expert_only"] if expert else []
    assert gap_codes(result) == expected


def test_a_technical_expert_proposed_as_auditor_does_not_count_as_the_team_s_auditor(world, scope):
    lead = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR)
    expert = CompetenceRecordFactory(
        membership__body=world.a.body, membership__roles=[Role.TECHNICAL_EXPERT], role=Role.AUDITOR
    )
    with_expert = team_check_coverage(
        body=world.a.body,
        team=[TeamMember(lead.person, Role.LEAD_AUDITOR), TeamMember(expert.person, Role.AUDITOR)],
        **DAYS,
        **scope,
    )
    assert gap_codes(with_expert) == []  # the lead auditor is the team's auditor; the expert adds knowledge
