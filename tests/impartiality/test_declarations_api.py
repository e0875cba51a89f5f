"""Declarations of interest API: confidentiality field by field and role by role, drafts and relationships,
submission, correction and review, filters, 404 across bodies, query counts and the schema."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from accounts.services import TOKEN_RESOURCES
from bodies.models import Membership, Role
from core.models import AuditEvent
from impartiality.models import Declaration, Relationship
from tests.factories import (
    ClientFactory,
    ClientUserFactory,
    DeclarationFactory,
    MembershipFactory,
    RelationshipFactory,
    UserFactory,
)
from tests.helpers import assert_flat_queries, assert_hidden, bearer, listed_ids, make_token, signed_in, url

pytestmark = pytest.mark.django_db

DETAIL_FIELDS = {
    "id",
    "body",
    "person",
    "declarant",
    "kind",
    "client",
    "project",
    "version",
    "previous",
    "status",
    "attestedAt",
    "submittedAt",
    "submittedOn",
    "validUntil",
    "reviewOutcome",
    "reviewMeasures",
    "reviewNotes",
    "reviewedBy",
    "reviewedAt",
    "relationships",
    "createdAt",
    "updatedAt",
}
RELATIONSHIP_FIELDS = {
    "id",
    "kind",
    "counterpartyKind",
    "client",
    "project",
    "counterpartyName",
    "startedOn",
    "endedOn",
    "description",
}


def _membership(user, body) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user=user, body=body)


@pytest.fixture
def reviewed(world):  # type: ignore[no-untyped-def]
    """Member A's reviewed annual declaration (mitigated) with one relationship."""
    declaration = DeclarationFactory(
        membership=_membership(world.a.member, world.a.body),
        status="reviewed",
        review_outcome="mitigated",
        review_measures="Not on GP's audits until 2026",
        review_notes="Consultancy ended 2024",
        reviewed_by=world.a.admin,
    )
    RelationshipFactory(declaration=declaration)
    return declaration


def _state(declaration: Declaration):  # type: ignore[no-untyped-def]
    return (
        model_to_dict(Declaration.objects.get(pk=declaration.pk)),
        sorted(Relationship.objects.filter(declaration=declaration).values_list("description", flat=True)),
        AuditEvent.objects.count(),
    )


# --- confidentiality, role by role ------------------------------------------------------------------------------


def test_declarant_reads_every_field_of_their_own(world, reviewed):
    response = signed_in(world.a.member).get(url("declaration-detail", reviewed.pk))

    assert response.status_code == 200
    data = response.json()
    assert set(data) == DETAIL_FIELDS
    assert data["reviewMeasures"] == "Not on GP's audits until 2026"
    assert data["reviewNotes"] == "Consultancy ended 2024"
    assert data["reviewedBy"]["email"] == world.a.admin.email
    assert [set(row) for row in data["relationships"]] == [RELATIONSHIP_FIELDS]
    assert data["relationships"][0]["description"] == "Advised on the GHG inventory"
    assert listed_ids(signed_in(world.a.member).get(url("declaration-list")), "declarations") == {
        str(reviewed.pk)
    }


@pytest.mark.parametrize("role", ["admin", "committee", "staff"])
def test_reviewers_administrators_and_staff_read_every_field(world, reviewed, role):
    if role == "admin":
        user = world.a.admin
    elif role == "committee":
        user = UserFactory()
        MembershipFactory(user=user, body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    else:
        user = world.staff

    response = signed_in(user).get(url("declaration-detail", reviewed.pk))

    assert response.status_code == 200
    assert set(response.json()) == DETAIL_FIELDS
    assert response.json()["relationships"][0]["description"] == "Advised on the GHG inventory"
    assert response.json()["reviewMeasures"] == "Not on GP's audits until 2026"
    assert str(reviewed.pk) in listed_ids(signed_in(user).get(url("declaration-list")), "declarations")


def test_body_token_with_the_declarations_scope_reads_its_body(world, reviewed):
    _token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"declarations": "read"})
    client = bearer(secret)

    assert listed_ids(client.get(url("declaration-list")), "declarations") == {str(reviewed.pk)}
    response = client.get(url("declaration-detail", reviewed.pk))
    assert response.status_code == 200
    assert response.json()["relationships"][0]["description"] == "Advised on the GHG inventory"
    # but a token never drafts, attests or reviews
    assert client.post(url("declaration-review", reviewed.pk), {"outcome": "barring"}).status_code == 403
    # and a token without the scope is refused
    _other, no_scope = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "read"})
    assert bearer(no_scope).get(url("declaration-list")).status_code == 403


def test_other_member_sees_nothing_of_a_colleagues_declaration(world, reviewed):
    # given a colleague of member A in body A without review_declarations
    colleague = UserFactory()
    MembershipFactory(user=colleague, body=world.a.body, roles=[Role.AUDITOR])
    client = signed_in(colleague)

    # then the list leaves it out and every URL of it answers 404, nothing changed
    assert listed_ids(client.get(url("declaration-list")), "declarations") == set()
    relationship = reviewed.relationships.get()
    assert_hidden(
        client,
        [
            url("declaration-detail", reviewed.pk),
            url("declaration-relationships", reviewed.pk),
            url("declaration-relationship-detail", reviewed.pk, relationship.pk),
        ],
        lambda: _state(reviewed),
    )
    for action in ("declaration-submit", "declaration-correct", "declaration-review", "declaration-pdf"):
        assert client.post(url(action, reviewed.pk), {}).status_code == 404


@pytest.mark.parametrize("role", ["member_b", "admin_b"])
def test_another_body_sees_nothing(world, reviewed, role):
    user = world.b.member if role == "member_b" else world.b.admin
    client = signed_in(user)

    assert listed_ids(client.get(url("declaration-list")), "declarations") == set()
    assert_hidden(
        client,
        [url("declaration-detail", reviewed.pk), url("declaration-relationships", reviewed.pk)],
        lambda: _state(reviewed),
    )
    assert client.post(url("declaration-review", reviewed.pk), {"outcome": "barring"}).status_code == 404


def test_client_user_and_anonymous_see_nothing(world, reviewed, anon):
    client_user = ClientUserFactory(client=ClientFactory(body=world.a.body)).user
    client = signed_in(client_user)

    assert listed_ids(client.get(url("declaration-list")), "declarations") == set()
    assert client.get(url("declaration-detail", reviewed.pk)).status_code == 404
    assert anon.get(url("declaration-list")).status_code == 401
    assert anon.get(url("declaration-detail", reviewed.pk)).status_code == 401


# --- drafts and relationships ---------------------------------------------------------------------------------


def test_member_starts_fills_and_submits_a_draft(world):
    client = signed_in(world.a.member)
    customer = ClientFactory(body=world.a.body)

    # when they start an annual draft
    created = client.post(
        url("declaration-list"), {"body": str(world.a.body.pk), "kind": "annual"}, format="json"
    )
    assert created.status_code == 201, created.content
    declaration_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["declarant"]["email"] == world.a.member.email

    # and add, change and remove relationships
    relationships = url("declaration-relationships", declaration_id)
    added = client.post(
        relationships,
        {
            "kind": "consultancy",
            "counterpartyKind": "client",
            "client": str(customer.pk),
            "startedOn": "2024-01-01",
            "endedOn": "2024-12-31",
            "description": "GHG inventory advice",
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["client"] == {"id": str(customer.pk), "legalName": customer.legal_name}
    detail = url("declaration-relationship-detail", declaration_id, added.json()["id"])
    changed = client.patch(detail, {"description": "GHG inventory and verification advice"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["description"] == "GHG inventory and verification advice"
    named = client.post(
        relationships,
        {
            "kind": "family",
            "counterpartyKind": "consultant",
            "counterpartyName": "Carbon Advisers ehf.",
            "startedOn": "2020-01-01",
            "description": "Spouse works there",
        },
        format="json",
    )
    assert named.status_code == 201
    assert (
        client.delete(url("declaration-relationship-detail", declaration_id, named.json()["id"])).status_code
        == 204
    )
    assert [row["description"] for row in client.get(relationships).json()["relationships"]] == [
        "GHG inventory and verification advice"
    ]

    # when they submit without attesting: a field error
    refused = client.post(url("declaration-submit", declaration_id), {"attest": False}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "attestation_required"
    assert set(refused.json()["fieldErrors"]) == {"attest"}

    # when they attest
    submitted = client.post(url("declaration-submit", declaration_id), {"attest": True}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["validUntil"] is not None

    # then the relationships never change again (409)
    late = client.post(
        relationships,
        {
            "kind": "other",
            "counterpartyKind": "client",
            "counterpartyName": "X",
            "startedOn": "2024-01-01",
            "description": "late",
        },
        format="json",
    )
    assert late.status_code == 409
    assert late.json()["code"] == "declaration_not_draft"
    assert client.patch(detail, {"description": "x"}, format="json").status_code == 409
    assert client.delete(detail).status_code == 409
    assert Relationship.objects.get().description == "GHG inventory and verification advice"


def test_relationship_field_errors(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    client = signed_in(world.a.member)

    response = client.post(
        url("declaration-relationships", declaration.pk),
        {
            "kind": "consultancy",
            "counterpartyKind": "consultant",
            "counterpartyName": "Carbon Advisers",
            "startedOn": "2025-03-02",
            "endedOn": "2025-03-01",
            "description": "Advice",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "relationship_ends_before_start"
    assert set(response.json()["fieldErrors"]) == {"endedOn"}
    assert not Relationship.objects.exists()


def test_nobody_drafts_in_a_body_they_are_not_in(world):
    response = signed_in(world.b.member).post(
        url("declaration-list"), {"body": str(world.a.body.pk), "kind": "annual"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"body"}
    assert not Declaration.objects.exists()


def test_a_reviewer_cannot_touch_someone_elses_draft(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    relationship = RelationshipFactory(declaration=declaration)
    before = _state(declaration)
    client = signed_in(world.a.admin)

    assert (
        client.patch(
            url("declaration-relationship-detail", declaration.pk, relationship.pk),
            {"description": "x"},
            format="json",
        ).status_code
        == 403
    )
    response = client.post(url("declaration-submit", declaration.pk), {"attest": True}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_declarant"
    assert _state(declaration) == before


# --- review and correction --------------------------------------------------------------------------------------


def test_review_by_a_reviewer(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")

    missing = signed_in(world.a.admin).post(
        url("declaration-review", declaration.pk), {"outcome": "mitigated"}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json()["code"] == "measures_required"
    response = signed_in(world.a.admin).post(
        url("declaration-review", declaration.pk),
        {"outcome": "mitigated", "measures": "Not on the client's audits"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "reviewed"
    assert response.json()["reviewOutcome"] == "mitigated"
    again = signed_in(world.a.admin).post(
        url("declaration-review", declaration.pk), {"outcome": "barring"}, format="json"
    )
    assert again.status_code == 409
    assert Declaration.objects.get(pk=declaration.pk).review_outcome == "mitigated"


def test_self_review_is_refused_in_the_api(world):
    declaration = DeclarationFactory(membership=_membership(world.a.admin, world.a.body), status="submitted")
    before = _state(declaration)

    response = signed_in(world.a.admin).post(
        url("declaration-review", declaration.pk), {"outcome": "no_conflict"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "self_review"
    assert _state(declaration) == before


def test_review_without_the_permission_is_403(world):
    # given member A's declaration, readable by a committee member of A only through review_declarations;
    # the declarant themselves can read it but holds no review permission
    other = UserFactory()
    MembershipFactory(user=other, body=world.a.body, roles=[Role.AUDITOR])
    declaration = DeclarationFactory(membership=_membership(other, world.a.body), status="submitted")
    before = _state(declaration)

    response = signed_in(other).post(
        url("declaration-review", declaration.pk), {"outcome": "no_conflict"}, format="json"
    )

    # the declarant without the permission is refused as a self-review first
    assert response.status_code == 403
    assert _state(declaration) == before


def test_correction_through_the_api(world, reviewed):
    response = signed_in(world.a.member).post(url("declaration-correct", reviewed.pk), format="json")

    assert response.status_code == 201
    assert response.json()["version"] == 2
    assert response.json()["previous"] == str(reviewed.pk)
    assert response.json()["status"] == "draft"
    assert len(response.json()["relationships"]) == 1
    assert signed_in(world.a.member).post(url("declaration-correct", reviewed.pk)).status_code == 400


def test_pdf_request(world, reviewed):
    response = signed_in(world.a.member).post(url("declaration-pdf", reviewed.pk))
    assert response.status_code == 202
    draft = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    assert signed_in(world.a.member).post(url("declaration-pdf", draft.pk)).status_code == 403


# --- filters, counts, schema --------------------------------------------------------------------------------------


def test_filters_are_strict(world, reviewed):
    DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    client = signed_in(world.a.admin)

    assert listed_ids(client.get(url("declaration-list"), {"status": "reviewed"}), "declarations") == {
        str(reviewed.pk)
    }
    assert listed_ids(client.get(url("declaration-list"), {"outcome": "mitigated"}), "declarations") == {
        str(reviewed.pk)
    }
    assert len(listed_ids(client.get(url("declaration-list"), {"kind": "annual"}), "declarations")) == 2
    assert client.get(url("declaration-list"), {"person": str(reviewed.membership_id)}).status_code == 200
    assert client.get(url("declaration-list"), {"colour": "red"}).status_code == 400
    assert client.get(url("declaration-list"), {"status": "lost"}).status_code == 400


def test_list_costs_a_constant_number_of_queries(world):
    membership = _membership(world.a.member, world.a.body)

    def grow(n: int) -> None:
        for _ in range(n):
            RelationshipFactory(declaration=DeclarationFactory(membership=membership, status="draft"))

    assert_flat_queries(signed_in(world.a.admin), url("declaration-list"), grow)


def test_schema_and_token_scope(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    paths = {
        "/api/v1/declarations/": {"get", "post"},
        "/api/v1/declarations/{id}/": {"get"},
        "/api/v1/declarations/{id}/submit/": {"post"},
        "/api/v1/declarations/{id}/correct/": {"post"},
        "/api/v1/declarations/{id}/review/": {"post"},
        "/api/v1/declarations/{id}/pdf/": {"post"},
        "/api/v1/declarations/{declaration_id}/relationships/": {"get", "post"},
        "/api/v1/declarations/{declaration_id}/relationships/{id}/": {"get", "patch", "delete"},
    }
    assert {path: set(schema["paths"].get(path, {})) - {"parameters"} for path in paths} == paths
    assert schema["components"]["schemas"]["PaginatedDeclarationOutputList"]["required"] == [
        "declarations",
        "pagination",
    ]
    assert "declarations" in TOKEN_RESOURCES
    # the choice sets are named once (no enum collision warning)
    assert {
        "DeclarationKindEnum",
        "DeclarationStatusEnum",
        "ReviewOutcomeEnum",
        "RelationshipKindEnum",
    } <= set(schema["components"]["schemas"])
