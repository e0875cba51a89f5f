"""Portal pages of the conflict service: the check (who may check whom, details only for readers, the override
form), overrides (who may, what is recorded, the list), the body's impartiality policy; constant queries."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from bodies.models import Membership, Role
from core.models import AuditEvent
from impartiality.models import ConflictOverride, ImpartialityPolicy
from impartiality.services import conflict_check
from impartiality.views.conflicts import conflict_rows
from tests.factories import (
    ClientFactory,
    ConflictOverrideFactory,
    DeclarationFactory,
    MembershipFactory,
    RelationshipFactory,
)
from tests.helpers import assert_flat_queries

pytestmark = pytest.mark.usefixtures("english")

START = date(2026, 6, 1)
END = date(2026, 6, 5)


def declare(person: Membership, client: Any, kind: str, ended: date | None = None, **more: Any) -> Any:
    declaration = DeclarationFactory(membership=person)
    RelationshipFactory(
        declaration=declaration,
        kind=kind,
        client=client,
        started_on=date(2023, 1, 1),
        ended_on=ended,
        description="Advised on the geothermal plant's GHG inventory",
        **more,
    )
    return declaration


def check_url(person: Membership, client: Any = None, **more: Any) -> str:
    query = {
        "person": person.pk,
        "client": getattr(client, "pk", ""),
        "project": "",
        "starts_on": START.isoformat(),
        "ends_on": END.isoformat(),
        **more,
    }
    return f"{reverse('impartiality:conflict-check')}?{urlencode(query)}"


def test_the_administrator_checks_a_member_and_sees_every_conflict_with_its_details(
    world, login, person, hekla
):
    declare(person, hekla, "consultancy", ended=date(2025, 1, 31))
    response = login(world.a.admin).get(check_url(person, hekla))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-verdict="bars"' in page
    assert 'data-rule="cooling_off"' in page
    assert 'data-rule="engagement_declaration_missing"' in page
    assert "they may take part from 31 Jan 2027" in page
    assert "Advised on the geothermal plant&#x27;s GHG inventory" in page
    # the override form offers only the conflicts that may be overridden
    form = response.context["override_form"]
    assert [value for value, _label in form.fields["rule"].choices] == ["engagement_declaration_missing"]


def test_the_answer_is_swapped_in_place_for_htmx(world, login, person, hekla):
    response = login(world.a.admin).get(check_url(person, hekla), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "impartiality/conflicts/partials/_check_result.html"
    assert response["Vary"].count("HX-Request") == 1


def test_a_member_checks_themselves_and_reads_their_own_details(world, login, person, hekla):
    declare(person, hekla, "financial_interest")
    response = login(world.a.member).get(check_url(person, hekla))
    assert response.status_code == 200
    assert (
        "has a financial interest in Hekla Geothermal hf. (since 1 Jan 2023, ongoing)"
        in response.content.decode()
    )
    assert response.context["override_form"] is None  # not theirs to override
    assert [m.pk for m in response.context["form"].fields["person"].queryset] == [person.pk]


def test_a_member_cannot_check_a_colleague(world, login, hekla):
    admin = Membership.objects.get(user=world.a.admin, body=world.a.body)
    declare(admin, hekla, "financial_interest")
    response = login(world.a.member).get(check_url(admin, hekla))
    assert response.status_code == 400
    assert response.context["report"] is None
    assert "financial interest" not in response.content.decode()


def test_invalid_questions_answer_400_with_the_services_messages(world, login, person, hekla):
    client = login(world.a.admin)
    response = client.get(check_url(person))
    assert response.status_code == 400
    assert response.context["form"].errors["client"] == ["Name a client or a project."]
    response = client.get(check_url(person, hekla, starts_on="2026-06-05", ends_on="2026-06-01"))
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "The planned end cannot be before the planned start."
    ]
    # another body's client is not a choice
    response = client.get(check_url(person, ClientFactory(body=world.b.body)))
    assert response.status_code == 400
    assert "client" in response.context["form"].errors


def test_without_the_right_to_read_the_declaration_the_page_says_a_declared_relationship(
    world, person, hekla
):
    declare(person, hekla, "financial_interest")
    report = conflict_check(membership=person, client=hekla, starts_on=START, ends_on=END)
    colleague = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR]).user
    rows = {row["conflict"].rule: row for row in conflict_rows(colleague, world.a.body, report)}
    assert rows["financial_interest"]["details"] is False
    assert rows["financial_interest"]["text"] == (
        "Member A has a declared relationship with Hekla Geothermal hf. (Financial interest)."
    )
    # the declarant and a reviewer read the details
    for reader in (world.a.member, world.a.admin):
        rows = {row["conflict"].rule: row for row in conflict_rows(reader, world.a.body, report)}
        assert rows["financial_interest"]["details"] is True
        assert "since 1 Jan 2023" in rows["financial_interest"]["text"]


def test_the_administrator_overrides_from_the_check_page(world, login, person, hekla):
    declare(person, hekla, "financial_interest")
    client = login(world.a.admin)
    data = {
        "person": person.pk,
        "client": hekla.pk,
        "project": "",
        "starts_on": START.isoformat(),
        "ends_on": END.isoformat(),
        "rule": "financial_interest",
        "justification": "Shares in a blind trust.",
    }
    response = client.post(reverse("impartiality:conflict-override-create"), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("impartiality:conflict-check") + "?person=")
    made = ConflictOverride.objects.get()
    assert (made.rule, made.membership, made.client, made.overridden_by) == (
        "financial_interest",
        person,
        hekla,
        world.a.admin,
    )
    page = client.get(response["Location"]).content.decode()
    assert f'data-override="{made.pk}"' in page
    assert "Overridden by Admin A" in page
    assert "Justification: Shares in a blind trust." in page


def test_an_override_without_justification_or_by_a_member_changes_nothing(world, login, person, hekla):
    declare(person, hekla, "financial_interest")
    data = {
        "person": person.pk,
        "client": hekla.pk,
        "starts_on": START.isoformat(),
        "ends_on": END.isoformat(),
        "rule": "financial_interest",
        "justification": "",
    }
    events = AuditEvent.objects.count()
    response = login(world.a.admin).post(reverse("impartiality:conflict-override-create"), data)
    assert response.status_code == 302
    assert not ConflictOverride.objects.exists()
    colleague = MembershipFactory(body=world.a.body, roles=[Role.LEAD_AUDITOR]).user
    response = login(colleague).post(
        reverse("impartiality:conflict-override-create"), {**data, "justification": "Because."}
    )
    assert response.status_code == 403
    # cooling-off is not even a choice of the form
    response = login(world.a.admin).post(
        reverse("impartiality:conflict-override-create"),
        {**data, "rule": "cooling_off", "justification": "x"},
    )
    assert response.status_code == 302
    assert not ConflictOverride.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_override_list_planners_see_all_a_member_their_own(world, login, person, hekla):
    mine = ConflictOverrideFactory(membership=person, client=hekla, overridden_by=world.a.admin)
    other = ConflictOverrideFactory(
        membership=MembershipFactory(body=world.a.body), overridden_by=world.a.admin
    )
    b_override = ConflictOverrideFactory(
        membership=MembershipFactory(body=world.b.body), overridden_by=world.b.admin
    )

    def listed(user: Any) -> set[Any]:
        response = login(user).get(reverse("impartiality:conflict-overrides"))
        assert response.status_code == 200
        return {o.pk for o in response.context["overrides"]}

    assert listed(world.a.admin) == {mine.pk, other.pk}
    assert listed(world.a.member) == {mine.pk}
    assert listed(world.b.admin) == {b_override.pk}
    page = login(world.a.member).get(reverse("impartiality:conflict-overrides")).content.decode()
    assert "Financial interest" in page
    assert "The shares are held in a blind trust managed independently." in page


def test_the_policy_page_for_the_administrators(world, login):
    committee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE]).user
    assert login(world.a.member).get(reverse("impartiality:policy")).status_code == 403
    assert (
        login(committee).post(reverse("impartiality:policy"), {"override_role": "auditor"}).status_code == 403
    )
    assert not ImpartialityPolicy.objects.exists()
    client = login(world.a.admin)
    page = client.get(reverse("impartiality:policy"))
    assert page.status_code == 200
    assert "In force: Body administrator." in page.content.decode()
    response = client.post(reverse("impartiality:policy"), {"override_role": Role.IMPARTIALITY_COMMITTEE})
    assert response.status_code == 302
    assert ImpartialityPolicy.objects.get(body=world.a.body).override_role == Role.IMPARTIALITY_COMMITTEE
    assert (
        client.post(reverse("impartiality:policy"), {"override_role": "king"}).status_code == 200
    )  # form errors
    assert ImpartialityPolicy.objects.get(body=world.a.body).override_role == Role.IMPARTIALITY_COMMITTEE


def test_the_check_page_keeps_a_constant_number_of_queries(world, login, person, hekla):
    client = login(world.a.admin)

    def grow(n: int) -> None:
        for _ in range(n):
            declaration = declare(person, hekla, "financial_interest")
            RelationshipFactory(
                declaration=declaration,
                kind="family",
                client=hekla,
                started_on=date(2020, 1, 1),
                ended_on=None,
            )
            ConflictOverrideFactory(
                membership=person,
                client=hekla,
                rule="family",
                starts_on=START,
                ends_on=END,
                overridden_by=world.a.admin,
            )
            ClientFactory(body=world.a.body)
            MembershipFactory(body=world.a.body)

    assert_flat_queries(client, check_url(person, hekla), grow)


def test_the_override_list_keeps_a_constant_number_of_queries(world, login, person, hekla):
    client = login(world.a.admin)

    def grow(n: int) -> None:
        for _ in range(n):
            ConflictOverrideFactory(
                membership=MembershipFactory(body=world.a.body), overridden_by=world.a.admin
            )

    assert_flat_queries(client, reverse("impartiality:conflict-overrides"), grow)
