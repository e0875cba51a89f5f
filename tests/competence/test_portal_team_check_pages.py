"""The team check page: a proposed team against an engagement's standard, sector and dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bodies.models import Role
from reference.models import Sector
from tests.helpers import membership_of, record_for

pytestmark = pytest.mark.django_db


def engagement(*rows: tuple[object, str], **fields: str) -> dict[str, object]:
    """The posted form: the engagement and the team formset's rows (person, role); blank rows are blank."""
    data: dict[str, object] = {
        "standard": "iso-14064-3",
        "sector": str(Sector.objects.get(scheme="ghg", code="1", is_current=True).pk),
        "start": "2026-05-04",
        "end": "2026-05-08",
        "team-TOTAL_FORMS": str(len(rows)),
        "team-INITIAL_FORMS": "0",
    }
    for index, (person, role) in enumerate(rows):
        data[f"team-{index}-person"] = str(person.pk) if person else ""  # type: ignore[attr-defined]
        data[f"team-{index}-role"] = role
    data.update(fields)
    return data


def row_errors(response) -> list[dict[str, list[str]]]:  # type: ignore[no-untyped-def]
    return [dict(form.errors) for form in response.context["form"].team.forms]


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
        engagement((world.a.member, "lead_auditor")),
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
        reverse("competence:team-check"), engagement((world.a.admin, "auditor"))
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
        engagement((world.a.member, ""), (None, "auditor"), start="2026-05-08", end="2026-05-04"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    assert row_errors(response) == [
        {"role": ["Choose the person's role on the team."]},
        {"person": ["Choose who takes this role."]},
    ]
    assert "result" not in response.context


def test_end_before_start_is_shown_on_the_end(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("competence:team-check"),
        engagement((world.a.member, "auditor"), start="2026-05-08", end="2026-05-04"),
    )
    # then
    assert response.context["form"].errors == {"end": ["The planned end cannot be before the planned start."]}


def test_only_the_active_bodys_people_can_be_chosen(login, world):
    # when body A's admin names body B's member
    response = login(world.a.admin).post(
        reverse("competence:team-check"), engagement((world.b.member, "lead_auditor"))
    )
    # then
    assert row_errors(response) == [{"person": ["Choose one of the body's active people."]}]
    assert "result" not in response.context


# --- the form: visible labels, rows added as needed ----------------------------------------------------------


def test_the_page_labels_every_field_visibly_and_offers_to_add_a_person(login, world):
    # when
    response = login(world.a.admin).get(reverse("competence:team-check"))
    # then two blank rows, each field with a visible label, the row count in the management form
    html = response.content.decode()
    assert response.context["form"].team.total_form_count() == 2
    for name in ("id_team-0-person", "id_team-0-role", "id_team-1-person", "id_team-1-role"):
        assert f'<label class="form-label small mb-0" for="{name}">' in html
    assert 'class="visually-hidden" for=' not in html
    assert '<input type="hidden" name="team-TOTAL_FORMS" value="2" id="id_team-TOTAL_FORMS">' in html
    assert f'hx-get="{reverse("competence:team-check-row")}" hx-include="#id_team-TOTAL_FORMS"' in html
    assert "<script" not in html.split('<div id="team-check-panel">')[1].split("</main>")[0]


def test_add_a_person_returns_the_next_row_with_the_formset_prefix(login, world):
    # when the form holds two rows
    response = login(world.a.admin).get(
        reverse("competence:team-check-row"), {"team-TOTAL_FORMS": "2"}, headers={"HX-Request": "true"}
    )
    # then row number three (index 2), labelled, and the row count raised out of band
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="team-2-person" id="id_team-2-person"' in html
    assert 'name="team-2-role" id="id_team-2-role"' in html
    assert (
        '<label class="form-label small mb-0" for="id_team-2-person">Person<span class="visually-hidden"> 3</span>'
        in html
    )
    assert (
        '<input type="hidden" name="team-TOTAL_FORMS" value="3" id="id_team-TOTAL_FORMS" hx-swap-oob="true">'
        in html
    )
    assert 'id="team-add"' not in html
    # only the active body's people are offered
    assert str(world.a.member) in html
    assert f'value="{world.b.member.pk}"' not in html


def test_the_last_allowed_row_replaces_the_button_and_no_more_are_given(login, world):
    client = login(world.a.admin)
    # when the nineteenth row is there, the twentieth is the last
    last = client.get(reverse("competence:team-check-row"), {"team-TOTAL_FORMS": "19"})
    # then
    assert 'name="team-19-person"' in last.content.decode()
    assert '<div id="team-add" hx-swap-oob="true">' in last.content.decode()
    assert "A team check takes at most 20 people." in last.content.decode()
    # and past it, or with a count that is not one, the answer is 400 with a message
    for count in ("20", "-1", "two", ""):
        refused = client.get(reverse("competence:team-check-row"), {"team-TOTAL_FORMS": count})
        assert refused.status_code == 400
        assert refused.content.decode() == "A team check takes at most 20 people."


def test_a_posted_team_with_an_added_row_is_checked(login, world):
    # given the lead auditor on an added third row, the second row left blank
    sign_undertaking(world.a.member, world.a.body)
    record_for(world.a.member, world.a.body, role=Role.LEAD_AUDITOR)
    # when
    response = login(world.a.admin).post(
        reverse("competence:team-check"),
        engagement((world.a.admin, "auditor"), (None, ""), (world.a.member, "lead_auditor")),
        headers={"HX-Request": "true"},
    )
    # then both people are checked, each in their role
    assert response.status_code == 200
    members = response.context["members"]
    assert [(str(m["person"]), m["role"]) for m in members] == [
        ("Admin A", "Auditor"),
        ("Member A", "Lead auditor"),
    ]
    assert [m["result"].competent for m in members] == [False, True]
    assert '<input type="hidden" name="team-TOTAL_FORMS" value="3"' in response.content.decode()


def test_a_person_twice_or_an_empty_team_is_refused(login, world):
    client = login(world.a.admin)
    # when the same person is on two rows
    twice = client.post(
        reverse("competence:team-check"),
        engagement((world.a.member, "auditor"), (world.a.member, "lead_auditor")),
    )
    # then the second row says so
    assert row_errors(twice) == [{}, {"person": ["This person is already on the team."]}]
    assert "result" not in twice.context
    # when nobody is on the team
    empty = client.post(reverse("competence:team-check"), engagement((None, ""), (None, "")))
    # then
    assert list(empty.context["form"].team.non_form_errors()) == ["Put at least one person on the team."]
    assert "Put at least one person on the team." in empty.content.decode()
    assert "result" not in empty.context


def test_more_rows_than_allowed_are_refused(login, world):
    # when 21 rows are posted
    rows = [(None, "")] * 20 + [(world.a.member, "auditor")]
    response = login(world.a.admin).post(reverse("competence:team-check"), engagement(*rows))
    # then
    assert "result" not in response.context
    assert list(response.context["form"].team.non_form_errors()) == ["A team check takes at most 20 people."]
