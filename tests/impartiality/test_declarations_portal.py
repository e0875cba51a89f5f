"""The declarations portal: my declarations with the annual state, the draft with relationships changed in
place (htmx), the attestation, corrections and their history, the review queue and the review page (no
self-review), the body's list with filters, confidentiality role by role, constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from bodies.models import Membership, Role
from core.dates import today_in
from core.models import AuditEvent
from impartiality.models import Declaration, Relationship
from tests.factories import (
    ClientFactory,
    DeclarationFactory,
    MembershipFactory,
    RelationshipFactory,
    UserFactory,
)
from tests.helpers import assert_flat_queries

pytestmark = pytest.mark.django_db


def _membership(user, body) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user=user, body=body)


def _state(declaration: Declaration):  # type: ignore[no-untyped-def]
    return (
        model_to_dict(Declaration.objects.get(pk=declaration.pk)),
        sorted(Relationship.objects.filter(declaration=declaration).values_list("description", flat=True)),
        AuditEvent.objects.count(),
    )


def _relationship_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "consultancy",
        "counterparty_kind": "consultant",
        "counterparty_name": "Carbon Advisers ehf.",
        "started_on": "2024-01-01",
        "ended_on": "2024-12-31",
        "description": "Advised on a validation report",
    }
    data.update(changes)
    return data


# --- my declarations --------------------------------------------------------------------------------------------


def test_my_declarations_shows_the_annual_state_and_only_my_own(login, world):
    today = today_in(world.a.body.time_zone)
    mine = DeclarationFactory(
        membership=_membership(world.a.member, world.a.body),
        submitted_on=today - timedelta(days=350),
        valid_until=today + timedelta(days=15),
    )
    DeclarationFactory(membership=_membership(world.a.admin, world.a.body))

    response = login(world.a.member).get(reverse("impartiality:declarations-mine"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Expiring soon" in text
    assert reverse("impartiality:declaration-detail", args=[mine.pk]) in text
    assert list(response.context["declarations"]) == [mine]
    assert response.context["annual"].state == "expiring"


def test_missing_annual_declaration_is_said(login, world):
    response = login(world.a.member).get(reverse("impartiality:declarations-mine"))
    assert response.context["annual"].state == "missing"
    assert "You have no submitted annual declaration" in response.content.decode()


def test_start_a_draft_then_fill_it_in_place_and_submit(login, world):
    client = login(world.a.member)
    customer = ClientFactory(body=world.a.body, legal_name="Hellisheidi Power hf.")

    # when the member starts an annual draft
    response = client.post(reverse("impartiality:declaration-start"), {"kind": "annual"})
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("impartiality:declaration-detail", args=[declaration.pk])

    # and adds a relationship in place (htmx): the section comes back with the new row, no reload
    added = client.post(
        reverse("impartiality:declaration-relationship-add", args=[declaration.pk]),
        _relationship_form(counterparty_kind="client", client=str(customer.pk), counterparty_name=""),
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert added.templates[0].name == "impartiality/declarations/partials/_relationships.html"
    rows = added.content.decode().split('id="relationship-rows"')[1].split("</tbody>")[0]
    assert "Hellisheidi Power hf." in rows  # the new row itself, not only the form's choice of clients
    assert "No relationship declared." not in rows
    relationship = Relationship.objects.get()

    # and a bad one shows its errors in the same place, nothing added
    bad = client.post(
        reverse("impartiality:declaration-relationship-add", args=[declaration.pk]),
        _relationship_form(started_on="2025-03-02", ended_on="2025-03-01"),
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200
    assert "A relationship cannot end before it starts." in bad.content.decode()
    assert Relationship.objects.count() == 1

    # and removes one in place
    second = client.post(
        reverse("impartiality:declaration-relationship-add", args=[declaration.pk]),
        _relationship_form(),
        HTTP_HX_REQUEST="true",
    )
    assert second.status_code == 200
    extra = Relationship.objects.exclude(pk=relationship.pk).get()
    removed = client.post(
        reverse("impartiality:declaration-relationship-remove", args=[extra.pk]), HTTP_HX_REQUEST="true"
    )
    assert removed.status_code == 200
    assert list(Relationship.objects.all()) == [relationship]

    # when they submit without ticking the attestation: refused, nothing changed
    refused = client.post(reverse("impartiality:declaration-submit", args=[declaration.pk]), {}, follow=True)
    assert "Confirm that the declaration is complete and true." in refused.content.decode()
    assert Declaration.objects.get().status == "draft"

    # when they attest
    client.post(reverse("impartiality:declaration-submit", args=[declaration.pk]), {"attest": "on"})
    declaration.refresh_from_db()
    assert declaration.status == "submitted"
    assert declaration.attested_at is not None

    # then the page shows no form any more
    page = client.get(reverse("impartiality:declaration-detail", args=[declaration.pk]))
    assert page.context["editable"] is False
    assert "relationship-form" not in page.content.decode()


def test_correction_keeps_the_old_version_readable(login, world):
    original = DeclarationFactory(
        membership=_membership(world.a.member, world.a.body),
        status="reviewed",
        review_outcome="no_conflict",
        reviewed_by=world.a.admin,
    )
    client = login(world.a.member)

    response = client.post(reverse("impartiality:declaration-correct", args=[original.pk]))

    correction = Declaration.objects.get(previous=original)
    assert response["Location"] == reverse("impartiality:declaration-detail", args=[correction.pk])
    page = client.get(reverse("impartiality:declaration-detail", args=[original.pk]))
    assert page.status_code == 200
    assert [v.version for v in page.context["versions"]] == [1, 2]
    assert reverse("impartiality:declaration-detail", args=[correction.pk]) in page.content.decode()


# --- confidentiality, role by role ------------------------------------------------------------------------------


def test_detail_role_by_role(login, world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body))
    RelationshipFactory(declaration=declaration, description="Secret consultancy")
    colleague = UserFactory()
    MembershipFactory(user=colleague, body=world.a.body, roles=[Role.AUDITOR])
    committee = UserFactory()
    MembershipFactory(user=committee, body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    path = reverse("impartiality:declaration-detail", args=[declaration.pk])
    before = _state(declaration)

    for user, expected in (
        (world.a.member, 200),
        (world.a.admin, 200),
        (committee, 200),
        (colleague, 404),
        (world.b.member, 404),
        (world.b.admin, 404),
    ):
        response = login(user).get(path)
        assert response.status_code == expected, user
        assert ("Secret consultancy" in response.content.decode()) is (expected == 200)
    for name in ("declaration-submit", "declaration-correct", "declaration-pdf", "declaration-review"):
        assert (
            login(colleague).post(reverse(f"impartiality:{name}", args=[declaration.pk])).status_code == 404
        )
    relationship = declaration.relationships.get()
    remove = reverse("impartiality:declaration-relationship-remove", args=[relationship.pk])
    assert login(colleague).post(remove).status_code == 404
    assert login(world.b.admin).post(remove).status_code == 404
    assert _state(declaration) == before


def test_reviewer_cannot_change_someone_elses_draft(login, world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    relationship = RelationshipFactory(declaration=declaration)
    before = _state(declaration)
    client = login(world.a.admin)

    assert (
        client.post(
            reverse("impartiality:declaration-relationship-remove", args=[relationship.pk])
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("impartiality:declaration-relationship-add", args=[declaration.pk]), _relationship_form()
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("impartiality:declaration-submit", args=[declaration.pk]), {"attest": "on"}
        ).status_code
        == 403
    )
    assert _state(declaration) == before


# --- reviewing --------------------------------------------------------------------------------------------------


def test_review_queue_for_reviewers_only(login, world):
    older = DeclarationFactory(membership=_membership(world.a.member, world.a.body))
    Declaration.objects.filter(pk=older.pk).update(submitted_at=older.submitted_at - timedelta(days=3))
    newer = DeclarationFactory(membership=_membership(world.a.member, world.a.body))

    response = login(world.a.admin).get(reverse("impartiality:declaration-review-queue"))

    assert response.status_code == 200
    assert list(response.context["declarations"]) == [older, newer]
    assert login(world.a.member).get(reverse("impartiality:declaration-review-queue")).status_code == 403


def test_review_through_the_portal(login, world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body))
    client = login(world.a.admin)
    path = reverse("impartiality:declaration-review", args=[declaration.pk])

    assert client.get(path).status_code == 200
    missing = client.post(path, {"outcome": "mitigated", "measures": ""})
    assert missing.status_code == 400
    assert "Describe the measures that mitigate the conflict." in missing.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"

    done = client.post(path, {"outcome": "mitigated", "measures": "Not on the client's audits", "notes": ""})

    assert done.status_code == 302
    row = Declaration.objects.get(pk=declaration.pk)
    assert (row.status, row.review_outcome, row.reviewed_by) == ("reviewed", "mitigated", world.a.admin)


def test_self_review_is_refused_with_a_clear_message(login, world):
    declaration = DeclarationFactory(membership=_membership(world.a.admin, world.a.body))
    before = _state(declaration)
    client = login(world.a.admin)
    path = reverse("impartiality:declaration-review", args=[declaration.pk])

    page = client.get(path)
    assert page.status_code == 200
    assert "This is your own declaration: you cannot review it." in page.content.decode()
    assert "review-form" not in page.content.decode()

    refused = client.post(path, {"outcome": "no_conflict"})
    assert refused.status_code == 403
    assert "You cannot review your own declaration" in refused.content.decode()
    assert _state(declaration) == before


def test_review_page_needs_the_permission(login, world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body))
    before = _state(declaration)
    path = reverse("impartiality:declaration-review", args=[declaration.pk])

    assert login(world.a.member).get(path).status_code == 403
    assert login(world.a.member).post(path, {"outcome": "no_conflict"}).status_code == 403
    assert login(world.b.admin).post(path, {"outcome": "no_conflict"}).status_code == 404
    assert _state(declaration) == before


# --- the body's list --------------------------------------------------------------------------------------------


def test_body_list_filters_and_words_not_codes(login, world):
    reviewed = DeclarationFactory(
        membership=_membership(world.a.member, world.a.body),
        status="reviewed",
        review_outcome="barring",
        reviewed_by=world.a.admin,
    )
    draft = DeclarationFactory(membership=_membership(world.a.admin, world.a.body), status="draft")
    DeclarationFactory(membership=_membership(world.b.member, world.b.body))
    client = login(world.a.admin)
    path = reverse("impartiality:declaration-list")

    everything = client.get(path)
    assert set(everything.context["declarations"]) == {reviewed, draft}
    assert "Conflict barring" in everything.content.decode()
    assert ">barring<" not in everything.content.decode()
    assert list(client.get(path, {"status": "draft"}).context["declarations"]) == [draft]
    assert list(
        client.get(path, {"kind": "annual", "person": str(reviewed.membership_id)}).context["declarations"]
    ) == [reviewed]
    assert client.get(path, {"status": "lost"}).status_code == 400
    assert login(world.a.member).get(path).status_code == 403


def test_lists_cost_a_constant_number_of_queries(login, world):
    client = login(world.a.admin)
    member = _membership(world.a.member, world.a.body)

    def grow(n: int) -> None:
        for _ in range(n):
            DeclarationFactory(membership=member, kind="engagement", client=ClientFactory(body=world.a.body))

    assert_flat_queries(client, reverse("impartiality:declaration-list"), grow)
    assert_flat_queries(client, reverse("impartiality:declaration-review-queue"), grow)
    assert_flat_queries(login(world.a.member), reverse("impartiality:declarations-mine"), grow)


def test_pdf_request_from_the_portal(login, world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body))

    response = login(world.a.member).post(
        reverse("impartiality:declaration-pdf", args=[declaration.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.templates[0].name == "documents/partials/_status.html"


def test_start_form_errors_change_nothing(login, world):
    client = login(world.a.member)

    page = client.get(reverse("impartiality:declaration-start"), {"kind": "engagement"})
    refused = client.post(reverse("impartiality:declaration-start"), {"kind": "engagement"})

    assert page.status_code == 200
    assert page.context["form"].initial["kind"] == "engagement"
    assert refused.status_code == 200
    assert "Name the client or the project of the engagement." in refused.content.decode()
    assert not Declaration.objects.exists()
    client.post(reverse("impartiality:declaration-start"), {"kind": "annual"})
    again = client.post(reverse("impartiality:declaration-start"), {"kind": "annual"})
    assert "You already have a draft of this declaration" in again.content.decode()
    assert Declaration.objects.count() == 1
