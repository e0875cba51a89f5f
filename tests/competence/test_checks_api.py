"""Competence checks over the API: a person on every planned day, a team as a whole, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from bodies.models import Membership, Role
from competence.models import CompetenceRecord
from core.models import AuditEvent
from reference.models import Standard
from tests.factories import CompetenceRecordFactory, MembershipFactory, UserFactory, sector
from tests.helpers import bearer, make_token, membership_of, signed_in, url

pytestmark = pytest.mark.django_db

UNTIL = date(2027, 12, 31)  # the factory's valid_until; evaluated on 2025-01-01


def person_check(body: object, person: object, *, start: str, end: str, role: str = "auditor") -> dict:
    return {
        "body": str(body),
        "person": str(person),
        "role": role,
        "standard": "iso-14064-3",
        "sector": {"scheme": "ghg", "code": "1"},
        "start": start,
        "end": end,
    }


@pytest.mark.parametrize(
    ("end", "competent"),
    [("2027-12-31", True), ("2028-01-01", False)],
)
def test_competent_up_to_the_last_valid_day_and_not_a_day_longer(world, end, competent):
    # given an auditor of A whose competence ends on 2027-12-31
    record = CompetenceRecordFactory(membership__body=world.a.body)

    # when
    response = signed_in(world.a.member).post(
        url("competence-check-person"),
        person_check(world.a.body.pk, record.membership.pk, start="2027-12-20", end=end),
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    if competent:
        assert response.json() == {"competent": True, "gaps": []}
    else:
        name, standard = record.person.full_name, Standard.objects.get(code="iso-14064-3")
        assert response.json() == {
            "competent": False,
            "gaps": [
                {
                    "code": "competence_not_valid_on_dates",
                    "message": f"{name}'s competence as Auditor for {standard} in {sector('ghg', '1')} does not "
                    "cover 2028-01-01 (valid 2025-01-01 to 2027-12-31).",
                    "personId": str(record.membership.pk),
                    "role": "auditor",
                }
            ],
        }


def test_a_lead_auditors_competence_also_makes_an_auditor(world):
    record = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR)

    response = signed_in(world.a.member).post(
        url("competence-check-person"),
        person_check(world.a.body.pk, record.membership.pk, start="2026-01-01", end="2026-01-05"),
        format="json",
    )

    assert response.json()["competent"] is True


def test_bad_input_is_a_400_naming_the_fields(world, freelancer):
    client = signed_in(world.a.admin)
    member = membership_of(world.a.member, world.a.body)

    reversed_dates = client.post(
        url("competence-check-person"),
        person_check(world.a.body.pk, member.pk, start="2026-02-01", end="2026-01-01"),
        format="json",
    )
    other_body = client.post(
        url("competence-check-person"),
        person_check(world.a.body.pk, freelancer.in_b.pk, start="2026-01-01", end="2026-01-02"),
        format="json",
    )
    not_in_that_body = signed_in(freelancer.user).post(
        url("competence-check-person"),
        person_check(world.b.body.pk, freelancer.in_a.pk, start="2026-01-01", end="2026-01-02"),
        format="json",
    )
    garbage = client.post(
        url("competence-check-person"),
        {
            "body": "nope",
            "person": str(member.pk),
            "role": "cook",
            "standard": "x",
            "sector": {"scheme": "ghg", "code": "0"},
            "start": "soon",
        },
        format="json",
    )

    assert reversed_dates.status_code == 400
    assert reversed_dates.json()["fieldErrors"] == {
        "end": ["The planned end cannot be before the planned start."]
    }
    assert other_body.status_code == 400
    assert other_body.json()["fieldErrors"] == {"person": ["Not found."]}
    assert not_in_that_body.status_code == 400
    assert not_in_that_body.json()["fieldErrors"] == {"person": ["Not a person of this body."]}
    assert garbage.status_code == 400
    assert set(garbage.json()["fieldErrors"]) == {"body", "role", "standard", "sector", "start", "end"}


def test_a_team_is_checked_as_a_whole(world):
    # given a competent lead, an auditor without competence, and a technical expert
    lead = CompetenceRecordFactory(membership__body=world.a.body, role=Role.LEAD_AUDITOR).membership
    auditor = MembershipFactory(body=world.a.body, undertaking_signed_on=date(2024, 1, 1))
    expert = MembershipFactory(
        body=world.a.body,
        roles=[Role.TECHNICAL_EXPERT],
        employment=Membership.Employment.TECHNICAL_EXPERT,
        undertaking_signed_on=date(2024, 1, 1),
    )

    # when
    response = signed_in(world.a.member).post(
        url("competence-check-team"),
        {
            "body": str(world.a.body.pk),
            "team": [
                {"person": str(lead.pk), "role": "lead_auditor"},
                {"person": str(auditor.pk), "role": "auditor"},
                {"person": str(expert.pk), "role": "technical_expert"},
            ],
            "standard": "iso-14064-3",
            "sector": {"scheme": "ghg", "code": "1"},
            "start": "2026-03-01",
            "end": "2026-03-05",
        },
        format="json",
    )

    # then the gaps of each member and of the team
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["covered"] is False
    assert [(m["person"], m["role"], m["competent"]) for m in data["members"]] == [
        (str(lead.pk), "lead_auditor", True),
        (str(auditor.pk), "auditor", False),
        (str(expert.pk), "technical_expert", False),
    ]
    assert [(g["code"], g["personId"]) for g in data["gaps"]] == [
        ("no_competence", str(auditor.pk)),
        ("no_competence", str(expert.pk)),
    ]
    assert [g["code"] for g in data["members"][1]["gaps"]] == ["no_competence"]


def test_an_empty_team_and_an_unknown_member(world):
    client = signed_in(world.a.admin)
    scope = {
        "body": str(world.a.body.pk),
        "standard": "iso-14064-3",
        "sector": {"scheme": "ghg", "code": "1"},
        "start": "2026-03-01",
        "end": "2026-03-05",
    }
    b_member = membership_of(world.b.member, world.b.body)

    empty = client.post(url("competence-check-team"), {**scope, "team": []}, format="json")
    unknown = client.post(
        url("competence-check-team"),
        {
            **scope,
            "team": [
                {"person": str(membership_of(world.a.member, world.a.body).pk), "role": "auditor"},
                {"person": str(b_member.pk), "role": "lead_auditor"},
            ],
        },
        format="json",
    )

    assert empty.json() == {
        "covered": False,
        "gaps": [{"code": "empty_team", "message": "The team has no members.", "personId": None, "role": ""}],
        "members": [],
    }
    assert unknown.status_code == 400
    assert unknown.json()["fieldErrors"] == {"team[1].person": ["Not found."]}


def test_checks_change_nothing_and_a_read_token_may_ask(world):
    record = CompetenceRecordFactory(membership__body=world.a.body)
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"competence": "read"})
    _, people = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "write"})
    before = (CompetenceRecord.objects.count(), AuditEvent.objects.count())
    body = person_check(world.a.body.pk, record.membership.pk, start="2026-01-01", end="2026-01-02")

    allowed = bearer(read).post(url("competence-check-person"), body, format="json")
    refused = bearer(people).post(url("competence-check-person"), body, format="json")

    assert allowed.status_code == 200
    assert allowed.json()["competent"] is True
    assert refused.status_code == 403
    assert (CompetenceRecord.objects.count(), AuditEvent.objects.count()) == before


def test_anonymous_and_another_body_cannot_ask(world, anon):
    record = CompetenceRecordFactory(membership__body=world.a.body)
    body = person_check(world.a.body.pk, record.membership.pk, start="2026-01-01", end="2026-01-02")

    assert anon.post(url("competence-check-person"), body, format="json").status_code == 401
    other = signed_in(UserFactory()).post(url("competence-check-person"), body, format="json")
    assert other.status_code == 400
    assert other.json()["fieldErrors"] == {"body": ["Not found."], "person": ["Not found."]}
