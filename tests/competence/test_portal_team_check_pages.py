"""The team check page: a proposed team against an engagement's standard, sector and dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bodies.models import Role
from reference.models import Sector
from tests.helpers import membership_of, record_for

pytestmark = pytest.mark.django_db


def engagement(**team: str) -> dict[str, object]:
    data: dict[str, object] = {
        "standard": "iso-14064-3",
        "sector": str(Sector.objects.get(scheme="ghg", code="1", is_current=True).pk),
        "start": "2026-05-04",
        "end": "2026-05-08",
    }
    data.update(team)
    return data


def sign_undertaking(user, body) -> None:  # type: ignore[no-untyped-def]
    membership = membership_of(user, body)
    membership.undertaking_signed_on = date(2025, 1, 1)
    membership.save(update_fields=["undertaking_signed_on"])


def test_a_competent_team_is_covered(login, world):
    # given
    sign_undertaking(world.a.member, world.a.body)
    record_for(world.a.member, world.a.body, role=Role.LEAD_AUDITOR)
    client = login(world.a.member)
    assert client.get(reverse("competence:team-check")).status_code == 200
    # when
    response = client.post(
        reverse("competence:team-check"),
        engagement(person_0=str(world.a.member.pk), role_0="lead_auditor"),
        headers={"HX-Request": "true"},
    )
    # then
    assert response.status_code == 200
    assert response.templates[0].name == "competence/partials/_team_check.html"
    assert response.context["result"].covered is True
    html = response.content.decode()
    assert "The team covers the engagement on every planned day." in html
    assert "Competence valid until 31 Dec 2027" in html


def test_every_gap_is_listed_per_member_and_for_the_team(login, world):
    # when the admin (no competence, no undertaking) is the only member, as an auditor
    response = login(world.a.admin).post(
        reverse("competence:team-check"), engagement(person_0=str(world.a.admin.pk), role_0="auditor")
    )
    # then
    assert response.status_code == 200
    result = response.context["result"]
    assert result.covered is False
    [member] = response.context["members"]
    assert [gap.code for gap in member["result"].gaps] == ["undertaking_not_signed", "no_competence"]
    assert member["role"] == "Auditor"
    assert [gap.code for gap in response.context["team_gaps"]] == ["no_lead_auditor"]
    html = response.content.decode()
    assert 'data-code="no_lead_auditor"' in html
    assert "Admin A has no competence as Auditor" in html


def test_team_check_form_errors(login, world):
    # when a role without a person, a person without a role, and the end before the start
    response = login(world.a.admin).post(
        reverse("competence:team-check"),
        engagement(
            start="2026-05-08",
            end="2026-05-04",
            person_0=str(world.a.member.pk),
            role_1="auditor",
        ),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role_0": ["Choose the person's role on the team."],
        "person_1": ["Choose who takes this role."],
    }
    assert "result" not in response.context


def test_end_before_start_is_shown_on_the_end(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("competence:team-check"),
        engagement(start="2026-05-08", end="2026-05-04", person_0=str(world.a.member.pk), role_0="auditor"),
    )
    # then
    assert response.context["form"].errors == {"end": ["The planned end cannot be before the planned start."]}


def test_only_the_active_bodys_people_can_be_chosen(login, world):
    # when body A's admin names body B's member
    response = login(world.a.admin).post(
        reverse("competence:team-check"), engagement(person_0=str(world.b.member.pk), role_0="lead_auditor")
    )
    # then
    assert list(response.context["form"].errors) == ["person_0"]
    assert "result" not in response.context
