"""Bodies API: list envelope, apply, profile, registry decisions, agreement, members."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bodies.models import Body, BodyStatusChange, Membership, Role
from core.models import AuditEvent
from reference.models import Activity
from tests.factories import AccreditationFactory, BodyFactory, sector, today
from tests.helpers import bearer, code_refs, make_token, signed_in, url

pytestmark = pytest.mark.django_db

BODY_KEYS = {
    "id",
    "legalName",
    "shortName",
    "country",
    "kind",
    "registrationNumber",
    "address",
    "website",
    "contactName",
    "contactEmail",
    "contactPhone",
    "timeZone",
    "logo",
    "agreementReference",
    "agreementSignedOn",
    "activities",
    "sectors",
    "status",
    "statusReason",
    "statusChangedAt",
    "appliedAt",
    "approvedAt",
    "updatedAt",
}


def test_list_uses_the_icr_envelope_with_limit_and_page(world):
    # given five bodies, seen by registry staff
    for label in ("C", "D", "E"):
        BodyFactory(legal_name=f"Body {label} Verification ehf.")
    client = signed_in(world.staff)

    # when the second page of two is asked for
    response = client.get(url("body-list"), {"limit": 2, "page": 2})

    # then the envelope names the plural and the pagination
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"bodies", "pagination"}
    assert [b["legalName"] for b in data["bodies"]] == [
        "Body C Verification ehf.",
        "Body D Verification ehf.",
    ]
    assert data["pagination"] == {"total": 5, "currentPage": 2, "pageCount": 3, "nextPage": 3, "prevPage": 1}


def test_last_and_first_pages_have_no_next_or_previous(world):
    # given two bodies
    client = signed_in(world.staff)

    # when the only page is read, and a page beyond it
    first = client.get(url("body-list"), {"limit": 5})
    beyond = client.get(url("body-list"), {"limit": 5, "page": 2})

    # then
    assert first.json()["pagination"] == {
        "total": 2,
        "currentPage": 1,
        "pageCount": 1,
        "nextPage": None,
        "prevPage": None,
    }
    # a page beyond the last is a parameter out of range, as the schema states it (`core.api.pagination`)
    assert beyond.status_code == 400
    assert beyond.json()["fieldErrors"] == {"page": ["Choose a page from 1 to 1."]}
    assert beyond.json()["code"] == "invalid"


def test_body_json_is_camel_case(world):
    # given body A's administrator
    client = signed_in(world.a.admin)

    # when they read their body
    response = client.get(url("body-detail", world.a.body.pk))

    # then every key is camelCase and the values are ISO/UUID strings
    assert response.status_code == 200
    data = response.json()
    assert set(data) == BODY_KEYS
    assert data["id"] == str(world.a.body.pk)
    assert data["country"] == "IS"
    assert data["activities"] == code_refs(Activity, "validation", "verification")
    assert data["appliedAt"].endswith("Z")


def test_people_see_their_own_bodies_and_staff_see_all(world):
    # given bodies A and B
    # when A's member and registry staff list bodies
    member = signed_in(world.a.member).get(url("body-list"))
    staff = signed_in(world.staff).get(url("body-list"))

    # then
    assert [b["id"] for b in member.json()["bodies"]] == [str(world.a.body.pk)]
    assert [b["id"] for b in staff.json()["bodies"]] == [str(world.a.body.pk), str(world.b.body.pk)]


def test_another_tenants_body_is_not_found(world):
    # given B's administrator
    client = signed_in(world.b.admin)

    # when they ask for body A, or for an id that is not a UUID
    response = client.get(url("body-detail", world.a.body.pk))
    malformed = client.get("/api/v1/bodies/not-a-uuid/")

    # then both answer 404 in the error shape
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "fieldErrors": {}}
    assert malformed.status_code == 404


def test_list_filters_search_and_ordering(world):
    # given an applicant product CB in Norway beside A and B
    BodyFactory(
        legal_name="Fjord Product Cert AS",
        short_name="FPC",
        country="NO",
        kind=Body.Kind.PRODUCT_CB,
        status=Body.Status.APPLICANT,
    )
    client = signed_in(world.staff)

    def names(**params: str) -> list[str]:
        response = client.get(url("body-list"), params)
        assert response.status_code == 200
        return [b["legalName"] for b in response.json()["bodies"]]

    # then each filter narrows the list
    assert names(status="applicant") == ["Fjord Product Cert AS"]
    assert names(kind="vvb") == ["Body A Verification ehf.", "Body B Verification ehf."]
    assert names(country="no") == ["Fjord Product Cert AS"]
    assert names(q="fpc") == ["Fjord Product Cert AS"]
    assert names(q="body b") == ["Body B Verification ehf."]
    assert names(ordering="-legalName") == [
        "Fjord Product Cert AS",
        "Body B Verification ehf.",
        "Body A Verification ehf.",
    ]
    assert names(ordering="-appliedAt")[0] == "Fjord Product Cert AS"


def test_an_invalid_filter_value_is_a_400_with_field_errors(world):
    response = signed_in(world.staff).get(url("body-list"), {"status": "dormant"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fieldErrors"]) == ["status"]


# --- apply --------------------------------------------------------------------------------------------------


def apply_payload() -> dict:
    return {
        "legalName": "Arctic Assurance hf.",
        "shortName": "Arctic",
        "country": "IS",
        "kind": "vvb",
        "contactName": "Jón Jónsson",
        "contactEmail": "jon@arctic.example",
        "timeZone": "Atlantic/Reykjavik",
        "activities": ["verification"],
        "sectors": [{"scheme": "ghg", "code": "1"}],
    }


def test_a_signed_in_person_applies_and_becomes_the_body_admin(world):
    # given someone signed in who belongs to no body
    from tests.factories import UserFactory

    applicant = UserFactory(email="jon@arctic.example")
    client = signed_in(applicant)

    # when they apply
    response = client.post(url("body-list"), apply_payload(), format="json")

    # then the body is an applicant and they administer it
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "applicant"
    assert data["activities"] == code_refs(Activity, "verification")
    assert data["sectors"] == [
        {"scheme": "ghg", "code": "1", "name": sector("ghg", "1").name, "version": sector("ghg", "1").version}
    ]
    body = Body.objects.get(pk=data["id"])
    membership = Membership.objects.get(body=body)
    assert (membership.user, membership.roles) == (applicant, [Role.BODY_ADMIN])
    assert list(AuditEvent.objects.filter(body=body).values_list("action", flat=True)) == [
        "bodies.body.applied"
    ]


def test_apply_with_missing_and_invalid_fields_is_refused(world):
    # given
    client = signed_in(world.a.member)
    before = Body.objects.count()

    # when required fields are missing and the country is unknown
    response = client.post(url("body-list"), {"country": "XX", "kind": "vvb"}, format="json")

    # then each field is named, camelCased, and nothing is created
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert data["message"] == "Some fields are not valid."
    assert data["fieldErrors"] == {
        "legalName": ["This field is required."],
        "country": ['"XX" is not a valid choice.'],
        "contactName": ["This field is required."],
        "contactEmail": ["This field is required."],
    }
    assert Body.objects.count() == before


def test_apply_rules_of_the_model_come_back_as_field_errors(world):
    # given a time zone that does not exist
    payload = {**apply_payload(), "timeZone": "Mars/Olympus"}
    before = Body.objects.count()

    # when
    response = signed_in(world.a.member).post(url("body-list"), payload, format="json")

    # then the service's validation is the 400
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"timeZone": ["Value 'Mars/Olympus' is not a valid choice."]}
    assert Body.objects.count() == before


def test_a_token_cannot_apply(world):
    # given a write token for body A
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "write"})
    before = Body.objects.count()

    # when it tries to apply
    response = bearer(secret).post(url("body-list"), apply_payload(), format="json")

    # then
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Body.objects.count() == before


# --- profile ------------------------------------------------------------------------------------------------


def test_body_admin_updates_the_profile_with_codes_and_ids(world):
    # given
    client = signed_in(world.a.admin)

    # when
    response = client.patch(
        url("body-detail", world.a.body.pk),
        {
            "shortName": "AVE",
            "activities": ["verification", "certification"],
            "sectors": [{"scheme": "ghg", "code": "3"}, {"scheme": "ghg", "code": "1"}],
        },
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["shortName"] == "AVE"
    assert data["activities"] == code_refs(Activity, "certification", "verification")
    assert data["sectors"] == [
        {
            "scheme": "ghg",
            "code": "1",
            "name": sector("ghg", "1").name,
            "version": sector("ghg", "1").version,
        },
        {
            "scheme": "ghg",
            "code": "3",
            "name": sector("ghg", "3").name,
            "version": sector("ghg", "3").version,
        },
    ]
    body = Body.objects.get(pk=world.a.body.pk)
    assert body.short_name == "AVE"
    assert AuditEvent.objects.filter(body=body, action="bodies.body.profile_updated").count() == 1


def test_unknown_codes_are_field_errors_and_change_nothing(world):
    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk),
        {"shortName": "X", "activities": ["verification", "juggling"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"activities": ["Unknown value(s): juggling."]}
    assert Body.objects.get(pk=world.a.body.pk).short_name == "Body A"


def test_an_ordinary_member_cannot_change_the_profile(world):
    # given A's member (an auditor)
    client = signed_in(world.a.member)

    # when they patch the body
    response = client.patch(url("body-detail", world.a.body.pk), {"shortName": "Hacked"}, format="json")

    # then 403 and nothing changed
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "You do not have permission to do this for Body A.",
        "fieldErrors": {},
    }
    assert Body.objects.get(pk=world.a.body.pk).short_name == "Body A"


def test_another_tenant_cannot_change_the_profile(world):
    response = signed_in(world.b.admin).patch(
        url("body-detail", world.a.body.pk), {"shortName": "X"}, format="json"
    )

    assert response.status_code == 404
    assert Body.objects.get(pk=world.a.body.pk).short_name == "Body A"


def test_put_and_delete_are_not_offered(world):
    client = signed_in(world.staff)

    assert client.put(url("body-detail", world.a.body.pk), {}, format="json").status_code == 405
    assert client.delete(url("body-detail", world.a.body.pk)).status_code == 405
    assert Body.objects.filter(pk=world.a.body.pk).exists()


# --- registry decisions -------------------------------------------------------------------------------------


def test_staff_take_an_applicant_through_review_to_approval(world):
    # given an applicant with a signed agreement
    body = BodyFactory(status=Body.Status.APPLICANT, approved_at=None)
    AccreditationFactory(body=body)
    client = signed_in(world.staff)

    # when staff start the review and approve
    review = client.post(
        url("body-decisions", body.pk), {"action": "start_review", "reason": "Complete file"}, format="json"
    )
    approve = client.post(
        url("body-decisions", body.pk), {"action": "approve", "reason": "Criteria met"}, format="json"
    )

    # then
    assert review.status_code == 200, review.content
    assert review.json()["status"] == "under_review"
    assert approve.status_code == 200, approve.content
    assert approve.json()["status"] == "approved"
    assert approve.json()["statusReason"] == "Criteria met"
    history = client.get(url("body-decisions", body.pk)).json()
    assert history["pagination"]["total"] == 2
    assert [(d["fromStatus"], d["toStatus"], d["reason"]) for d in history["decisions"]] == [
        ("under_review", "approved", "Criteria met"),
        ("applicant", "under_review", "Complete file"),
    ]
    assert history["decisions"][0]["decidedBy"] == {"id": str(world.staff.pk), "fullName": "Registry Staff"}
    assert set(history["decisions"][0]) == {
        "id",
        "fromStatus",
        "toStatus",
        "reason",
        "decidedBy",
        "decidedAt",
    }


def test_approving_an_applicant_is_a_conflict(world):
    # given an applicant that has not been reviewed
    body = BodyFactory(status=Body.Status.APPLICANT, approved_at=None)
    AccreditationFactory(body=body)

    # when staff approve it directly
    response = signed_in(world.staff).post(
        url("body-decisions", body.pk), {"action": "approve", "reason": "Looks fine"}, format="json"
    )

    # then 409 and nothing changed
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "message": "A body that is Applicant cannot become Approved.",
        "fieldErrors": {},
    }
    body.refresh_from_db()
    assert body.status == Body.Status.APPLICANT
    assert not BodyStatusChange.objects.filter(body=body).exists()
    assert not AuditEvent.objects.filter(body=body, action="bodies.body.approved").exists()


def test_of_two_approvals_one_wins_and_the_other_conflicts(world):
    # given a body under review, and two staff members deciding at once (simulated one after the other)
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, approved_at=None)
    AccreditationFactory(body=body)
    first_client = signed_in(world.staff)
    from tests.factories import StaffFactory

    second_client = signed_in(StaffFactory())

    # when both approve
    first = first_client.post(
        url("body-decisions", body.pk), {"action": "approve", "reason": "OK"}, format="json"
    )
    second = second_client.post(
        url("body-decisions", body.pk), {"action": "approve", "reason": "OK too"}, format="json"
    )

    # then exactly one decision is recorded
    assert (first.status_code, second.status_code) == (200, 409)
    assert BodyStatusChange.objects.filter(body=body).count() == 1
    assert AuditEvent.objects.filter(body=body, action="bodies.body.approved").count() == 1
    body.refresh_from_db()
    assert (body.status, body.status_reason) == (Body.Status.APPROVED, "OK")


def test_decisions_are_for_staff_only(world):
    # given body A's administrator (who can see the body) and B's (who cannot)
    payload = {"action": "suspend", "reason": "Self-suspension"}

    # when they try to decide on body A
    own = signed_in(world.a.admin).post(url("body-decisions", world.a.body.pk), payload, format="json")
    other = signed_in(world.b.admin).post(url("body-decisions", world.a.body.pk), payload, format="json")

    # then 403 for the one who can see it, 404 for the other, and nothing changed
    assert own.status_code == 403
    assert own.json()["message"] == "Only registry staff can make this decision."
    assert other.status_code == 404
    assert Body.objects.get(pk=world.a.body.pk).status == Body.Status.APPROVED
    assert not BodyStatusChange.objects.exists()


def test_a_token_cannot_make_registry_decisions_even_a_staff_created_one(world):
    # given a write token a registry staff member created for body A
    _, secret = make_token(body=world.a.body, creator=world.staff, scopes={"bodies": "write"})

    # when it suspends the body
    response = bearer(secret).post(
        url("body-decisions", world.a.body.pk), {"action": "suspend", "reason": "x"}, format="json"
    )

    # then
    assert response.status_code == 403
    assert response.json()["message"] == "This action needs a signed-in person; an API token cannot do it."
    assert Body.objects.get(pk=world.a.body.pk).status == Body.Status.APPROVED


def test_a_decision_needs_a_known_action_and_a_reason(world):
    client = signed_in(world.staff)

    blank = client.post(
        url("body-decisions", world.a.body.pk), {"action": "suspend", "reason": " "}, format="json"
    )
    unknown = client.post(
        url("body-decisions", world.a.body.pk), {"action": "explode", "reason": "x"}, format="json"
    )

    assert blank.status_code == 400
    assert blank.json()["fieldErrors"] == {"reason": ["A registry decision needs a reason."]}
    assert unknown.status_code == 400
    assert unknown.json()["fieldErrors"] == {"action": ['"explode" is not a valid choice.']}
    assert Body.objects.get(pk=world.a.body.pk).status == Body.Status.APPROVED


def test_decision_history_of_another_tenant_is_not_found(world):
    assert signed_in(world.b.member).get(url("body-decisions", world.a.body.pk)).status_code == 404


# --- agreement ----------------------------------------------------------------------------------------------


def test_staff_record_the_agreement(world):
    # given an applicant without an agreement
    body = BodyFactory(status=Body.Status.APPLICANT, agreement_reference="", agreement_signed_on=None)
    signed_on = today() - timedelta(days=3)

    # when
    response = signed_in(world.staff).post(
        url("body-agreement", body.pk),
        {"reference": "ICR-AGR-0999", "signedOn": signed_on.isoformat()},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["agreementReference"], response.json()["agreementSignedOn"]) == (
        "ICR-AGR-0999",
        signed_on.isoformat(),
    )


def test_only_staff_record_the_agreement_and_never_in_the_future(world):
    body = world.a.body
    payload = {"reference": "ICR-AGR-X", "signedOn": today().isoformat()}

    by_admin = signed_in(world.a.admin).post(url("body-agreement", body.pk), payload, format="json")
    future = signed_in(world.staff).post(
        url("body-agreement", body.pk),
        {"reference": "ICR-AGR-X", "signedOn": (today() + timedelta(days=1)).isoformat()},
        format="json",
    )

    assert by_admin.status_code == 403
    assert future.status_code == 400
    assert future.json()["fieldErrors"] == {"signedOn": ["The agreement cannot be signed in the future."]}
    body.refresh_from_db()
    assert body.agreement_reference != "ICR-AGR-X"


# --- members ------------------------------------------------------------------------------------------------


def test_members_are_listed_with_their_roles(world):
    response = signed_in(world.a.member).get(url("body-members", world.a.body.pk))

    assert response.status_code == 200
    data = response.json()
    assert data["pagination"]["total"] == 2
    assert [(m["user"]["email"], m["roles"], m["status"]) for m in data["members"]] == [
        ("admin.a@example.org", ["body_admin"], "active"),
        ("member.a@example.org", ["auditor"], "active"),
    ]
    assert set(data["members"][0]) == {
        "id",
        "user",
        "roles",
        "status",
        "employment",
        "undertakingSignedOn",
        "createdAt",
    }
    assert set(data["members"][0]["user"]) == {"id", "email", "fullName"}


def test_members_of_another_tenant_are_not_found(world):
    assert signed_in(world.b.admin).get(url("body-members", world.a.body.pk)).status_code == 404


def test_body_admin_uploads_a_logo_and_a_fake_one_is_refused(world):
    import io

    from PIL import Image
    from rest_framework.test import APIClient

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(buffer, format="PNG")
    client = APIClient()
    client.force_authenticate(world.a.admin)
    url = f"/api/v1/bodies/{world.a.body.pk}/"
    fake = client.patch(url, {"logo": io.BytesIO(b"<svg/>")}, format="multipart")
    assert fake.status_code == 400
    assert "logo" in fake.json()["fieldErrors"]
    world.a.body.refresh_from_db()
    assert not world.a.body.logo
    buffer.name = "logo.png"
    buffer.seek(0)
    response = client.patch(url, {"logo": buffer}, format="multipart")
    assert response.status_code == 200, response.json()
    world.a.body.refresh_from_db()
    assert world.a.body.logo.name.startswith("logos/")
