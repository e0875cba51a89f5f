"""The conflict service's API: the check (who may ask, every conflict in camelCase, details only for readers),
overrides (list, detail, create with codes, nothing changed when refused), the policy; tenancy, token scopes,
constant query counts, the OpenAPI schema."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bodies.models import Membership, Role
from core.models import AuditEvent
from impartiality.models import ConflictOverride, ImpartialityPolicy
from tests.factories import (
    ClientFactory,
    ConflictOverrideFactory,
    DeclarationFactory,
    MembershipFactory,
    ProjectFactory,
    RelationshipFactory,
)
from tests.helpers import assert_flat_queries, bearer, listed_ids, make_token, signed_in, url

START = "2026-06-01"
END = "2026-06-05"


pytestmark = pytest.mark.usefixtures("english")


def declare(person: Membership, client: Any, kind: str, ended: date | None = None) -> Any:
    declaration = DeclarationFactory(membership=person)
    RelationshipFactory(
        declaration=declaration, kind=kind, client=client, started_on=date(2023, 1, 1), ended_on=ended
    )
    return declaration


def question(person: Membership, client: Any = None, **more: Any) -> dict[str, Any]:
    return {
        "person": str(person.pk),
        "client": str(client.pk) if client is not None else None,
        "startsOn": START,
        "endsOn": END,
        **more,
    }


def test_the_check_answers_every_conflict_in_camel_case(world, person, hekla):
    declaration = declare(person, hekla, "consultancy", ended=date(2025, 1, 31))
    response = signed_in(world.a.admin).post(url("conflict-check"), question(person, hekla), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["person"] == str(person.pk)
    assert body["client"] == str(hekla.pk)
    assert body["project"] is None
    assert (body["startsOn"], body["endsOn"]) == (START, END)
    assert (body["clear"], body["barred"], body["needsMitigation"]) == (False, True, False)
    assert [c["rule"] for c in body["conflicts"]] == ["cooling_off", "engagement_declaration_missing"]
    cooling = body["conflicts"][0]
    assert cooling == {
        "rule": "cooling_off",
        "ruleLabel": "Cooling-off after consultancy or advice",
        "severity": "bars",
        "severityLabel": "Bars the assignment",
        "absolute": True,
        "overridden": False,
        "bars": True,
        "message": "Member A's consultancy or advice for Hekla Geothermal hf. ended on 31 Jan 2025: after a "
        "cooling-off of 2 years they may take part from 31 Jan 2027, not from the planned start on 1 Jun 2026.",
        "detailsHidden": False,
        "declaration": str(declaration.pk),
        "relationship": str(declaration.relationships.get().pk),
        "measures": "",
        "override": None,
    }


def test_a_member_asks_about_themselves_only(world, person, hekla):
    admin = Membership.objects.get(user=world.a.admin, body=world.a.body)
    client = signed_in(world.a.member)
    assert client.post(url("conflict-check"), question(person, hekla), format="json").status_code == 200
    response = client.post(url("conflict-check"), question(admin, hekla), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_another_bodys_person_or_client_is_not_found(world, person, hekla):
    client = signed_in(world.b.admin)
    response = client.post(
        url("conflict-check"), question(person, ClientFactory(body=world.b.body)), format="json"
    )
    assert response.status_code == 400
    assert response.json()["fieldErrors"]["person"] == ["Not found."]
    b_person = Membership.objects.get(user=world.b.member, body=world.b.body)
    response = client.post(url("conflict-check"), question(b_person, hekla), format="json")
    assert response.status_code == 400
    assert response.json()["fieldErrors"]["client"] == ["Not found."]


def test_the_services_validation_answers_400_with_codes(world, person, hekla):
    client = signed_in(world.a.admin)
    response = client.post(url("conflict-check"), question(person), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "counterparty_required"
    project = ProjectFactory(body=world.a.body, proponent=hekla)
    response = client.post(
        url("conflict-check"), question(person, hekla, project=str(project.pk)), format="json"
    )
    assert response.json()["code"] == "two_counterparties"
    response = client.post(
        url("conflict-check"), question(person, hekla, startsOn=END, endsOn=START), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "planned_end_before_start"
    assert "endsOn" in response.json()["fieldErrors"]


def test_a_token_needs_the_conflicts_scope_and_reads_details_only_with_declarations(world, person, hekla):
    declare(person, hekla, "financial_interest")
    _token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"conflicts": "read"})
    response = bearer(secret).post(url("conflict-check"), question(person, hekla), format="json")
    assert response.status_code == 200
    financial = next(c for c in response.json()["conflicts"] if c["rule"] == "financial_interest")
    assert financial["detailsHidden"] is True
    assert financial["relationship"] is None
    assert (
        financial["message"]
        == "Member A has a declared relationship with Hekla Geothermal hf. (Financial interest)."
    )

    _token, secret = make_token(
        body=world.a.body, creator=world.a.admin, scopes={"conflicts": "read", "declarations": "read"}
    )
    response = bearer(secret).post(url("conflict-check"), question(person, hekla), format="json")
    financial = next(c for c in response.json()["conflicts"] if c["rule"] == "financial_interest")
    assert financial["detailsHidden"] is False
    assert "(since 1 Jan 2023, ongoing)" in financial["message"]

    _token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "read"})
    assert (
        bearer(secret).post(url("conflict-check"), question(person, hekla), format="json").status_code == 403
    )


def test_the_administrator_overrides_through_the_api(world, person, hekla):
    declare(person, hekla, "financial_interest")
    data = {**question(person, hekla), "rule": "financial_interest", "justification": "Blind trust."}
    response = signed_in(world.a.admin).post(url("conflict-override-list"), data, format="json")
    assert response.status_code == 201, response.content
    made = ConflictOverride.objects.get()
    assert response.json() == {
        "id": str(made.pk),
        "body": str(world.a.body.pk),
        "person": str(person.pk),
        "client": str(hekla.pk),
        "project": None,
        "rule": "financial_interest",
        "ruleLabel": "Financial interest",
        "startsOn": START,
        "endsOn": END,
        "justification": "Blind trust.",
        "overriddenBy": {"id": str(world.a.admin.pk), "fullName": "Admin A"},
        "createdAt": response.json()["createdAt"],
    }
    # the check now shows it
    check = (
        signed_in(world.a.admin).post(url("conflict-check"), question(person, hekla), format="json").json()
    )
    financial = next(c for c in check["conflicts"] if c["rule"] == "financial_interest")
    assert (financial["overridden"], financial["bars"]) == (True, False)
    assert financial["override"]["id"] == str(made.pk)


@pytest.mark.parametrize(
    ("who", "rule", "justification", "status", "code"),
    [
        ("member", "financial_interest", "x", 403, "override_not_allowed"),
        ("admin", "cooling_off", "x", 400, "conflict_absolute"),
        ("admin", "financial_interest", "", 400, "justification_required"),
        ("admin", "family", "x", 400, "conflict_not_found"),
    ],
)
def test_refused_overrides_change_nothing(world, person, hekla, who, rule, justification, status, code):
    declare(person, hekla, "financial_interest")
    declare(person, hekla, "consultancy")
    user = {
        "member": MembershipFactory(body=world.a.body, roles=[Role.AUDITOR]).user,
        "admin": world.a.admin,
    }[who]
    events = AuditEvent.objects.count()
    data = {**question(person, hekla), "rule": rule, "justification": justification}
    response = signed_in(user).post(url("conflict-override-list"), data, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not ConflictOverride.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_administrator_cannot_override_their_own_conflict(world, hekla):
    admin = Membership.objects.get(user=world.a.admin, body=world.a.body)
    declare(admin, hekla, "financial_interest")
    data = {**question(admin, hekla), "rule": "financial_interest", "justification": "x"}
    response = signed_in(world.a.admin).post(url("conflict-override-list"), data, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "override_own_conflict")
    assert not ConflictOverride.objects.exists()


def test_the_override_list_planners_all_a_member_their_own_other_bodies_nothing(world, person, hekla):
    mine = ConflictOverrideFactory(membership=person, client=hekla, overridden_by=world.a.admin)
    other = ConflictOverrideFactory(
        membership=MembershipFactory(body=world.a.body), overridden_by=world.a.admin
    )
    assert listed_ids(signed_in(world.a.admin).get(url("conflict-override-list")), "overrides") == {
        str(mine.pk),
        str(other.pk),
    }
    assert listed_ids(signed_in(world.a.member).get(url("conflict-override-list")), "overrides") == {
        str(mine.pk)
    }
    assert listed_ids(signed_in(world.b.admin).get(url("conflict-override-list")), "overrides") == set()
    assert signed_in(world.a.member).get(url("conflict-override-detail", other.pk)).status_code == 404
    assert signed_in(world.b.admin).get(url("conflict-override-detail", mine.pk)).status_code == 404
    # filters are strict
    response = signed_in(world.a.admin).get(url("conflict-override-list"), {"person": str(person.pk)})
    assert listed_ids(response, "overrides") == {str(mine.pk)}
    assert signed_in(world.a.admin).get(url("conflict-override-list"), {"who": "x"}).status_code == 400


def test_the_override_list_keeps_a_constant_number_of_queries(world):
    client = signed_in(world.a.admin)

    def grow(n: int) -> None:
        for _ in range(n):
            ConflictOverrideFactory(
                membership=MembershipFactory(body=world.a.body), overridden_by=world.a.admin
            )

    assert_flat_queries(client, url("conflict-override-list"), grow)


def test_the_policy_read_by_members_changed_by_administrators(world):
    path = url("impartiality-policy", world.a.body.pk)
    response = signed_in(world.a.member).get(path)
    assert response.json() == {"body": str(world.a.body.pk), "overrideRole": "body_admin", "updatedAt": None}
    assert signed_in(world.b.admin).get(path).status_code == 404
    committee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE]).user
    for user in (world.a.member, committee):
        response = signed_in(user).patch(
            path, {"overrideRole": "impartiality_committee_member"}, format="json"
        )
        assert response.status_code == 403
    assert not ImpartialityPolicy.objects.exists()
    response = signed_in(world.a.admin).patch(path, {"overrideRole": "king"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_choice")
    response = signed_in(world.a.admin).patch(
        path, {"overrideRole": "impartiality_committee_member"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["overrideRole"] == "impartiality_committee_member"
    assert response.json()["updatedAt"] is not None
    assert ImpartialityPolicy.objects.get().override_role == "impartiality_committee_member"


def test_the_schema_describes_the_conflict_endpoints(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    paths = {
        "/api/v1/conflict-checks/": {"post"},
        "/api/v1/conflict-overrides/": {"get", "post"},
        "/api/v1/conflict-overrides/{id}/": {"get"},
        "/api/v1/bodies/{body_id}/impartiality-policy/": {"get", "patch"},
    }
    assert {path: set(schema["paths"].get(path, {})) - {"parameters"} for path in paths} == paths
    components = schema["components"]["schemas"]
    assert components["PaginatedOverrideOutputList"]["required"] == ["overrides", "pagination"]
    conflict = components["ConflictOutput"]["properties"]
    assert {"rule", "ruleLabel", "severity", "absolute", "overridden", "override", "detailsHidden"} <= set(
        conflict
    )


def test_a_project_check_names_the_project_and_reads_its_proponents_relationships(world, person, hekla):
    project = ProjectFactory(body=world.a.body, proponent=hekla, consultant_name="GreenPath Consulting")
    declare(person, hekla, "family")
    data = {"person": str(person.pk), "project": str(project.pk), "startsOn": START, "endsOn": END}
    body = signed_in(world.a.admin).post(url("conflict-check"), data, format="json").json()
    assert (body["client"], body["project"]) == (None, str(project.pk))
    assert [c["rule"] for c in body["conflicts"]] == ["engagement_declaration_missing", "family"]
    assert body["conflicts"][1]["severity"] == "mitigate"
    assert (body["barred"], body["needsMitigation"], body["clear"]) == (True, True, False)
