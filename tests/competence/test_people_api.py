"""People API: a body's people and their roles, adding people, changing roles and details, tenancy, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import User
from bodies.models import Membership
from core.models import AuditEvent
from documents.models import Document
from tests.factories import today
from tests.helpers import bearer, make_token, membership_of, signed_in, url

pytestmark = pytest.mark.django_db

PERSON_KEYS = {"id", "person", "body", "roles", "employment", "status", "undertakingSignedOn", "createdAt"}


def emails(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry["person"]["email"] for entry in response.json()["people"]]


def test_a_member_lists_the_people_of_their_own_body_only(world, freelancer):
    # when A's plain member lists people
    response = signed_in(world.a.member).get(url("person-list"))

    # then A's three people, each once, named and with roles, and nobody of B
    assert response.status_code == 200
    data = response.json()
    assert data["pagination"]["total"] == 3
    assert emails(response) == ["admin.a@example.org", "freelance@auditors.example", "member.a@example.org"]
    assert {entry["body"]["id"] for entry in data["people"]} == {str(world.a.body.pk)}
    assert data["people"][1]["roles"] == ["auditor"]


def test_staff_list_everyone_and_filter(world, freelancer):
    client = signed_in(world.staff)

    everyone = client.get(url("person-list"))
    in_b = client.get(url("person-list"), {"body": str(world.b.body.pk)})
    leads = client.get(url("person-list"), {"role": "lead_auditor"})
    by_name = client.get(url("person-list"), {"q": "FREYA"})
    left = client.get(url("person-list"), {"status": "left"})

    assert everyone.json()["pagination"]["total"] == 6
    assert emails(in_b) == ["admin.b@example.org", "freelance@auditors.example", "member.b@example.org"]
    assert [e["id"] for e in leads.json()["people"]] == [str(freelancer.in_b.pk)]
    assert [e["id"] for e in by_name.json()["people"]] == [str(freelancer.in_a.pk), str(freelancer.in_b.pk)]
    assert left.json()["people"] == []


def test_one_person_in_a_body(world, freelancer):
    # given the freelancer's profile
    User.objects.filter(pk=freelancer.user.pk).update(
        phone="+354 555 0101", languages=["is", "en"], countries=["IS"]
    )

    # when A's administrator reads their membership in A
    response = signed_in(world.a.admin).get(url("person-detail", freelancer.in_a.pk))

    # then
    assert response.status_code == 200
    data = response.json()
    assert set(data) == PERSON_KEYS
    assert data["person"] == {
        "email": "freelance@auditors.example",
        "fullName": "Freya Freelance",
        "phone": "+354 555 0101",
        "languages": ["is", "en"],
        "countries": ["IS"],
    }
    assert data["body"] == {"id": str(world.a.body.pk), "legalName": "Body A Verification ehf."}
    assert (data["roles"], data["employment"], data["status"]) == (["auditor"], "employee", "active")
    assert data["undertakingSignedOn"] == freelancer.in_a.undertaking_signed_on.isoformat()


def test_the_freelancers_membership_in_b_is_not_found_for_body_a(world, freelancer):
    # when A's administrator asks for the freelancer's membership in B
    client = signed_in(world.a.admin)
    responses = [
        client.get(url("person-detail", freelancer.in_b.pk)),
        client.patch(url("person-detail", freelancer.in_b.pk), {"roles": []}, format="json"),
        client.post(url("person-competence-record-pdf", freelancer.in_b.pk)),
        client.get(url("person-training", freelancer.in_b.pk)),
        client.get(url("person-witnessed-audits", freelancer.in_b.pk)),
        client.get(url("person-evaluations", freelancer.in_b.pk)),
    ]

    # then every one answers 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * 6
    freelancer.in_b.refresh_from_db()
    assert freelancer.in_b.roles == ["lead_auditor"]
    assert Document.objects.count() == 0


def test_body_admin_adds_someone_new_to_the_platform(world):
    # when A's administrator adds a new person
    response = signed_in(world.a.admin).post(
        url("person-list"),
        {
            "body": str(world.a.body.pk),
            "email": "Tomas@Auditors.example",
            "fullName": "Tómas Berg",
            "roles": ["technical_expert"],
            "employment": "technical_expert",
            "undertakingSignedOn": (today() - timedelta(days=3)).isoformat(),
        },
        format="json",
    )

    # then the account exists without a password and the membership carries the details
    assert response.status_code == 201, response.content
    data = response.json()
    user = User.objects.get(email="tomas@auditors.example")
    assert user.full_name == "Tómas Berg"
    assert not user.has_usable_password()
    membership = Membership.objects.get(pk=data["id"])
    assert (membership.user, membership.body, membership.roles) == (user, world.a.body, ["technical_expert"])
    assert (data["employment"], data["undertakingSignedOn"]) == (
        "technical_expert",
        (today() - timedelta(days=3)).isoformat(),
    )
    assert (
        AuditEvent.objects.filter(action="bodies.membership.added", object_id=str(membership.pk)).count() == 1
    )


def test_adding_someone_already_on_the_platform_keeps_their_account(world):
    # given B's member, already on the platform
    before = User.objects.count()

    # when A's administrator adds B's member to A
    response = signed_in(world.a.admin).post(
        url("person-list"),
        {
            "body": str(world.a.body.pk),
            "email": "member.b@example.org",
            "fullName": "Other Name",
            "roles": [],
        },
        format="json",
    )

    # then the existing account is reused, its name untouched
    assert response.status_code == 201, response.content
    assert User.objects.count() == before
    assert User.objects.get(email="member.b@example.org").full_name == "Member B"
    assert response.json()["employment"] == "employee"


def test_adding_an_existing_member_again_is_refused(world):
    before = Membership.objects.count()

    response = signed_in(world.a.admin).post(
        url("person-list"),
        {"body": str(world.a.body.pk), "email": "member.a@example.org", "fullName": "Member A", "roles": []},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"user": ["This person already belongs to the body."]}
    assert Membership.objects.count() == before


def test_a_plain_member_cannot_add_people_and_no_account_is_left_behind(world):
    # given
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())

    # when A's plain member tries
    response = signed_in(world.a.member).post(
        url("person-list"),
        {
            "body": str(world.a.body.pk),
            "email": "new@auditors.example",
            "fullName": "New",
            "roles": ["auditor"],
        },
        format="json",
    )

    # then refused and nothing changed, not even a new account
    assert response.status_code == 403
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == before


def test_another_tenants_body_is_a_field_error(world):
    before = (User.objects.count(), Membership.objects.count())

    response = signed_in(world.b.admin).post(
        url("person-list"),
        {"body": str(world.a.body.pk), "email": "new@auditors.example", "fullName": "New", "roles": []},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["Not found."]}
    assert (User.objects.count(), Membership.objects.count()) == before


def test_body_admin_changes_roles_employment_and_undertaking(world):
    # given
    member = membership_of(world.a.member, world.a.body)
    signed = today() - timedelta(days=1)

    # when
    response = signed_in(world.a.admin).patch(
        url("person-detail", member.pk),
        {
            "roles": ["lead_auditor", "auditor"],
            "employment": "external_auditor",
            "undertakingSignedOn": signed,
        },
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.roles, member.employment, member.undertaking_signed_on) == (
        ["auditor", "lead_auditor"],
        "external_auditor",
        signed,
    )
    assert response.json()["roles"] == ["auditor", "lead_auditor"]
    actions = set(AuditEvent.objects.filter(object_id=str(member.pk)).values_list("action", flat=True))
    assert {"bodies.membership.roles_changed", "bodies.membership.details_changed"} <= actions


def test_a_refused_detail_rolls_back_the_roles_of_the_same_request(world):
    # given
    member = membership_of(world.a.member, world.a.body)

    # when the roles are fine but the undertaking date lies in the future
    response = signed_in(world.a.admin).patch(
        url("person-detail", member.pk),
        {"roles": ["lead_auditor"], "undertakingSignedOn": (today() + timedelta(days=1)).isoformat()},
        format="json",
    )

    # then nothing changed
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "undertakingSignedOn": ["The undertaking cannot be signed in the future."]
    }
    member.refresh_from_db()
    assert (member.roles, member.undertaking_signed_on) == (["auditor"], None)


def test_the_last_body_administrator_keeps_the_role(world):
    admin = membership_of(world.a.admin, world.a.body)

    response = signed_in(world.a.admin).patch(
        url("person-detail", admin.pk), {"roles": ["auditor"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "roles": ["A body must keep at least one active body administrator."]
    }
    admin.refresh_from_db()
    assert admin.roles == ["body_admin"]


def test_a_plain_member_cannot_change_roles(world):
    member = membership_of(world.a.member, world.a.body)

    response = signed_in(world.a.member).patch(
        url("person-detail", member.pk), {"roles": ["body_admin"]}, format="json"
    )
    empty = signed_in(world.a.admin).patch(url("person-detail", member.pk), {}, format="json")

    assert response.status_code == 403
    assert empty.status_code == 400
    member.refresh_from_db()
    assert member.roles == ["auditor"]


def test_a_read_token_reads_people_but_cannot_add_them(world):
    # given tokens of body A
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "read"})
    _, other = make_token(body=world.a.body, creator=world.a.admin, scopes={"competence": "write"})
    before = (User.objects.count(), Membership.objects.count())

    # when
    listed = bearer(read).get(url("person-list"))
    added = bearer(read).post(
        url("person-list"),
        {"body": str(world.a.body.pk), "email": "new@auditors.example", "fullName": "New", "roles": []},
        format="json",
    )
    unscoped = bearer(other).get(url("person-list"))

    # then
    assert listed.status_code == 200
    assert listed.json()["pagination"]["total"] == 2
    assert added.status_code == 403
    assert unscoped.status_code == 403
    assert (User.objects.count(), Membership.objects.count()) == before


def test_a_write_token_adds_a_person_to_its_own_body_only(world):
    _, write = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "write"})

    own = bearer(write).post(
        url("person-list"),
        {"body": str(world.a.body.pk), "email": "new@auditors.example", "fullName": "New", "roles": []},
        format="json",
    )
    other = bearer(write).post(
        url("person-list"),
        {"body": str(world.b.body.pk), "email": "new2@auditors.example", "fullName": "New", "roles": []},
        format="json",
    )

    assert own.status_code == 201
    assert other.status_code == 400
    assert other.json()["fieldErrors"] == {"body": ["Not found."]}
    assert not User.objects.filter(email="new2@auditors.example").exists()


# --- the competence-record PDF --------------------------------------------------------------------------------


def test_the_competence_record_pdf_is_requested(world, freelancer):
    # when A's administrator asks for the freelancer's record in A
    response = signed_in(world.a.admin).post(url("person-competence-record-pdf", freelancer.in_a.pk))

    # then a pending document about that membership
    assert response.status_code == 202, response.content
    document = Document.objects.get()
    assert response.json() == {"id": str(document.pk), "number": document.number, "status": "pending"}
    assert (document.kind, document.subject_id, document.body) == (
        "competence.person_record",
        str(freelancer.in_a.pk),
        world.a.body,
    )


def test_the_person_may_request_their_own_record_but_a_colleague_may_not(world, freelancer):
    own = signed_in(freelancer.user).post(url("person-competence-record-pdf", freelancer.in_a.pk))
    colleague = signed_in(world.a.member).post(url("person-competence-record-pdf", freelancer.in_a.pk))

    assert own.status_code == 202
    assert colleague.status_code == 403
    assert Document.objects.count() == 1
