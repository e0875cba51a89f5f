"""Bearer tokens: scopes, expiry, revocation, tenancy; token management and `/me/`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from bodies.models import Accreditation, Body
from core.models import AuditEvent
from tests.factories import AccreditationBodyFactory, AccreditationFactory, today
from tests.helpers import bearer, make_token, pdf_upload, signed_in, url

pytestmark = pytest.mark.django_db

TOKEN_KEYS = {
    "id",
    "name",
    "prefix",
    "body",
    "forRegistry",
    "scopes",
    "createdBy",
    "createdAt",
    "expiresAt",
    "revoked",
    "lapsedAt",
    "lastUsedAt",
}


def accreditation_payload(body: Body) -> dict:
    return {
        "body": str(body.pk),
        "accreditationBody": AccreditationBodyFactory().pk,
        "certificate": pdf_upload(),
        "standard": "iso_14065",
        "certificateNumber": "TOKEN-1",
        "validFrom": (today() - timedelta(days=1)).isoformat(),
        "validTo": (today() + timedelta(days=300)).isoformat(),
        "scopeActivities": ["verification"],
        "scopeStandards": ["iso-14064-3"],
        "scopeSectors": ["ghg:1"],
    }


def test_a_read_token_can_read_but_not_write(world):
    # given a read-only token for A's accreditations
    accreditation = AccreditationFactory(body=world.a.body)
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"accreditations": "read"})
    client = bearer(secret)

    # when it reads, then writes
    read = client.get(url("accreditation-detail", accreditation.pk))
    write = client.post(url("accreditation-list"), accreditation_payload(world.a.body), format="multipart")
    suspend = client.post(
        url("accreditation-status", accreditation.pk), {"action": "suspend", "reason": "x"}, format="json"
    )

    # then reading works and writing is refused with nothing changed
    assert read.status_code == 200
    assert (write.status_code, suspend.status_code) == (403, 403)
    assert write.json() == {
        "code": "permission_denied",
        "message": "Your token's scope does not cover this resource.",
        "fieldErrors": {},
    }
    assert list(Accreditation.objects.values_list("pk", "status")) == [(accreditation.pk, "active")]


def test_a_write_token_can_write(world):
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"accreditations": "write"})

    response = bearer(secret).post(
        url("accreditation-list"), accreditation_payload(world.a.body), format="multipart"
    )

    assert response.status_code == 201, response.content
    created = Accreditation.objects.get(certificate_number="TOKEN-1")
    assert created.body == world.a.body
    assert (
        AuditEvent.objects.get(object_id=str(created.pk), action="bodies.accreditation.created").actor
        == world.a.admin
    )


def test_a_token_outside_its_scopes_is_refused(world):
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"accreditations": "write"})

    assert bearer(secret).get(url("body-list")).status_code == 403
    assert bearer(secret).get(url("audit-event-list")).status_code == 403


def test_expired_and_revoked_tokens_are_unauthenticated(world):
    # given an expired token and a revoked one
    expired, expired_secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    ApiToken.objects.filter(pk=expired.pk).update(expiry_date=timezone.now() - timedelta(seconds=1))
    revoked, revoked_secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    ApiToken.objects.filter(pk=revoked.pk).update(revoked=True)

    # when they are used
    responses = [bearer(s).get(url("body-list")) for s in (expired_secret, revoked_secret, "not.a-token")]

    # then 401 with the bearer challenge
    assert [r.status_code for r in responses] == [401, 401, 401]
    assert responses[0].json() == {
        "code": "authentication_failed",
        "message": "Invalid, expired or revoked token.",
        "fieldErrors": {},
    }
    assert responses[0].headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_token_sees_only_its_own_body(world):
    # given a token of body A, created by A's admin, and records in both bodies
    mine = AccreditationFactory(body=world.a.body)
    theirs = AccreditationFactory(body=world.b.body)
    _, secret = make_token(
        body=world.a.body, creator=world.a.admin, scopes={"accreditations": "write", "bodies": "read"}
    )
    client = bearer(secret)

    # then B's records are not found and lists hold only A's
    assert client.get(url("accreditation-detail", theirs.pk)).status_code == 404
    assert (
        client.patch(
            url("accreditation-detail", theirs.pk), {"certificateNumber": "X"}, format="json"
        ).status_code
        == 404
    )
    assert client.get(url("body-detail", world.b.body.pk)).status_code == 404
    assert [a["id"] for a in client.get(url("accreditation-list")).json()["accreditations"]] == [str(mine.pk)]
    assert [b["id"] for b in client.get(url("body-list")).json()["bodies"]] == [str(world.a.body.pk)]
    assert Accreditation.objects.get(pk=theirs.pk).certificate_number == theirs.certificate_number


def test_a_staff_created_token_is_still_confined_to_its_body(world):
    _, secret = make_token(body=world.a.body, creator=world.staff, scopes={"bodies": "read"})

    response = bearer(secret).get(url("body-list"))

    assert [b["id"] for b in response.json()["bodies"]] == [str(world.a.body.pk)]


# --- token management ---------------------------------------------------------------------------------------


def test_body_admin_creates_a_token_and_sees_the_secret_once(world):
    # given
    client = signed_in(world.a.admin)
    expires = (timezone.now() + timedelta(days=90)).replace(microsecond=0)

    # when
    response = client.post(
        url("token-list"),
        {
            "body": str(world.a.body.pk),
            "name": "Registry sync",
            "scopes": {"bodies": "read", "auditEvents": "read"},
            "expiresAt": expires.isoformat(),
        },
        format="json",
    )

    # then the key is returned once and works; listing never shows it again
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {*TOKEN_KEYS, "key"}
    assert data["scopes"] == {"bodies": "read", "auditEvents": "read"}
    token = ApiToken.objects.get(uuid=data["id"])
    assert token.scopes == {"bodies": "read", "audit_events": "read"}
    assert data["key"].startswith(token.prefix + ".")
    assert bearer(data["key"]).get(url("body-list")).status_code == 200
    listed = client.get(url("token-list")).json()["tokens"]
    assert [t["id"] for t in listed] == [data["id"]]
    assert set(listed[0]) == TOKEN_KEYS
    assert token.hashed_key not in str(client.get(url("token-list")).content)
    assert AuditEvent.objects.get(action="accounts.api_token.created").object_id == str(token.uuid)


def test_token_creation_is_validated_by_the_service(world):
    before = ApiToken.objects.count()

    response = signed_in(world.a.admin).post(
        url("token-list"),
        {
            "body": str(world.a.body.pk),
            "name": " ",
            "scopes": {"payments": "write"},
            "expiresAt": (timezone.now() - timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "name": ["Name the integration that will use this token."],
        "scopes": ["Unknown scope(s): payments:write"],
        "expiresAt": ["The expiry must be in the future."],
    }
    assert ApiToken.objects.count() == before


def test_only_body_admins_create_tokens_and_only_for_bodies_they_see(world):
    before = ApiToken.objects.count()
    payload = {
        "name": "x",
        "scopes": {"bodies": "read"},
        "expiresAt": (timezone.now() + timedelta(days=9)).isoformat(),
    }

    member = signed_in(world.a.member).post(
        url("token-list"), {**payload, "body": str(world.a.body.pk)}, format="json"
    )
    other = signed_in(world.b.admin).post(
        url("token-list"), {**payload, "body": str(world.a.body.pk)}, format="json"
    )

    assert member.status_code == 403
    assert other.status_code == 400
    assert other.json()["fieldErrors"] == {"body": ["Not found."]}
    assert ApiToken.objects.count() == before


def test_a_token_cannot_mint_or_list_tokens(world):
    _, secret = make_token(
        body=world.a.body, creator=world.a.admin, scopes={"bodies": "write", "audit_events": "write"}
    )
    before = ApiToken.objects.count()
    payload = {
        "body": str(world.a.body.pk),
        "name": "x",
        "scopes": {"bodies": "write"},
        "expiresAt": (timezone.now() + timedelta(days=9)).isoformat(),
    }

    minted = bearer(secret).post(url("token-list"), payload, format="json")
    listed = bearer(secret).get(url("token-list"))

    assert (minted.status_code, listed.status_code) == (403, 403)
    assert minted.json()["message"] == "This action needs a signed-in person; an API token cannot do it."
    assert ApiToken.objects.count() == before


def test_token_list_is_limited_to_bodies_the_caller_administers(world):
    # given tokens of A and of B
    token_a, _ = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    token_b, _ = make_token(body=world.b.body, creator=world.b.admin, scopes={"bodies": "read"})

    def listed(user) -> list[str]:  # type: ignore[no-untyped-def]
        return [t["id"] for t in signed_in(user).get(url("token-list")).json()["tokens"]]

    # then
    assert listed(world.a.admin) == [str(token_a.uuid)]
    assert listed(world.a.member) == []
    assert listed(world.staff) == [str(token_b.uuid), str(token_a.uuid)]
    assert (
        signed_in(world.a.admin).get(url("token-list"), {"body": str(world.b.body.pk)}).json()["tokens"] == []
    )


def test_revoking_a_token(world):
    # given A's token
    token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})

    # when B's admin and A's member try, then A's admin revokes it twice
    other = signed_in(world.b.admin).post(url("token-revoke", token.uuid))
    member = signed_in(world.a.member).post(url("token-revoke", token.uuid))
    assert ApiToken.objects.get(pk=token.pk).revoked is False
    first = signed_in(world.a.admin).post(url("token-revoke", token.uuid))
    second = signed_in(world.a.admin).post(url("token-revoke", token.uuid))

    # then
    assert (other.status_code, member.status_code) == (404, 404)
    assert first.status_code == 200
    assert first.json()["revoked"] is True
    assert second.status_code == 409
    assert bearer(secret).get(url("body-list")).status_code == 401


# --- me -----------------------------------------------------------------------------------------------------


def test_me_for_a_signed_in_person(world):
    # given A's admin also works for B as an auditor
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.a.admin, body=world.b.body, roles=["auditor"])

    # when
    response = signed_in(world.a.admin).get(url("me"))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": str(world.a.admin.pk),
        "email": "admin.a@example.org",
        "fullName": "Admin A",
        "language": "en",
        "isRegistryStaff": False,
        "memberships": [
            {
                "body": {"id": str(world.a.body.pk), "legalName": "Body A Verification ehf."},
                "roles": ["body_admin"],
            },
            {
                "body": {"id": str(world.b.body.pk), "legalName": "Body B Verification ehf."},
                "roles": ["auditor"],
            },
        ],
        "token": None,
    }


def test_me_for_staff_and_for_anonymous(world, anon):
    assert signed_in(world.staff).get(url("me")).json()["isRegistryStaff"] is True
    assert anon.get(url("me")).status_code == 401


def test_me_for_a_token_names_its_body_and_scopes(world):
    # given A's admin also belongs to B, and a token for A
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.a.admin, body=world.b.body, roles=["auditor"])
    token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"accreditations": "read"})

    # when
    data = bearer(secret).get(url("me")).json()

    # then only the token's body shows
    assert data["memberships"] == [
        {
            "body": {"id": str(world.a.body.pk), "legalName": "Body A Verification ehf."},
            "roles": ["body_admin"],
        }
    ]
    assert data["token"] == {
        "id": str(token.uuid),
        "name": "Registry sync",
        "body": {"id": str(world.a.body.pk), "legalName": "Body A Verification ehf."},
        "forRegistry": False,
        "scopes": {"accreditations": "read"},
        "expiresAt": token.expiry_date.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
