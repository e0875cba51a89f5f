"""Registry tokens: made by registry staff in the back office, acting for the registry (every body), read or
write per resource; the registry's decisions accept them with the write scope, body tokens stay refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import api_token_revoke, registry_token_create
from bodies.models import Body, BodyStatusChange
from core.errors import PermissionDenied
from core.models import AuditEvent
from tests.helpers import bearer, listed_ids, make_token, url

pytestmark = pytest.mark.django_db


def make_registry_token(creator: User, scopes: dict[str, str], days: int = 30) -> tuple[ApiToken, str]:
    return registry_token_create(
        actor=creator,
        name="Registry reporting",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
    )


def suspend(client, body: Body):  # type: ignore[no-untyped-def]
    return client.post(
        url("body-decisions", body.pk), {"action": "suspend", "reason": "Complaint upheld"}, format="json"
    )


def test_a_registry_token_reads_every_body(world):
    # given a registry token that may read bodies
    _, secret = make_registry_token(world.staff, {"bodies": "read"})
    client = bearer(secret)

    # when it lists bodies and reads B's
    listed = client.get(url("body-list"))
    one = client.get(url("body-detail", world.b.body.pk))

    # then it sees both bodies, like registry staff
    assert listed.status_code == 200
    assert set(listed_ids(listed, "bodies")) == {str(world.a.body.pk), str(world.b.body.pk)}
    assert one.status_code == 200
    assert one.json()["legalName"] == world.b.body.legal_name


def test_a_registry_token_is_read_only_without_the_write_scope(world):
    _, secret = make_registry_token(world.staff, {"bodies": "read"})

    response = suspend(bearer(secret), world.b.body)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    world.b.body.refresh_from_db()
    assert world.b.body.status == Body.Status.APPROVED
    assert not BodyStatusChange.objects.exists()


def test_a_registry_token_with_write_scope_takes_body_decisions_as_its_creator(world):
    # given a registry token that may write bodies
    _, secret = make_registry_token(world.staff, {"bodies": "write"})

    # when it suspends body B
    response = suspend(bearer(secret), world.b.body)

    # then B is suspended, decided and recorded in the name of the staff member who created the token
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Body.Status.SUSPENDED
    world.b.body.refresh_from_db()
    assert world.b.body.status == Body.Status.SUSPENDED
    change = BodyStatusChange.objects.get()
    assert (change.body_id, change.decided_by_id, change.reason) == (
        world.b.body.pk,
        world.staff.pk,
        "Complaint upheld",
    )
    event = AuditEvent.objects.filter(body=world.b.body).order_by("-sequence").first()
    assert event is not None
    assert event.actor_id == world.staff.pk


def test_a_registry_token_records_the_agreement(world):
    _, secret = make_registry_token(world.staff, {"bodies": "write"})

    response = bearer(secret).post(
        url("body-agreement", world.b.body.pk),
        {"reference": "ICR-AGR-REG", "signedOn": timezone.localdate().isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    world.b.body.refresh_from_db()
    assert world.b.body.agreement_reference == "ICR-AGR-REG"


def test_a_body_token_is_refused_the_registry_decisions_whoever_made_it(world):
    # given a body token with every write scope, made by the body's administrator and by registry staff
    _, by_admin = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "write"})
    _, by_staff = make_token(body=world.a.body, creator=world.staff, scopes={"bodies": "write"})

    # when each tries to suspend its own body
    answers = [suspend(bearer(secret), world.a.body) for secret in (by_admin, by_staff)]

    # then both are refused (403), and nothing changed
    assert [answer.status_code for answer in answers] == [403, 403]
    assert answers[0].json()["message"] == "This action needs a signed-in person; an API token cannot do it."
    world.a.body.refresh_from_db()
    assert world.a.body.status == Body.Status.APPROVED
    assert not BodyStatusChange.objects.exists()


def test_a_registry_token_cannot_apply_or_mint_tokens(world):
    _, secret = make_registry_token(world.staff, {"bodies": "write"})
    client = bearer(secret)

    apply = client.post(url("body-list"), {"legalName": "New body"}, format="json")
    tokens = client.get(url("token-list"))

    assert (apply.status_code, tokens.status_code) == (403, 403)
    assert Body.objects.count() == 2


@pytest.mark.parametrize("state", ["revoked", "expired", "creator no longer staff", "creator inactive"])
def test_a_registry_token_stops_working(world, state):
    token, secret = make_registry_token(world.staff, {"bodies": "write"})
    if state == "revoked":
        api_token_revoke(token=token, actor=world.staff)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expiry_date=timezone.now() - timedelta(minutes=1))
    elif state == "creator no longer staff":
        User.objects.filter(pk=world.staff.pk).update(is_staff=False)
    else:
        User.objects.filter(pk=world.staff.pk).update(is_active=False)

    read = bearer(secret).get(url("body-list"))
    decide = suspend(bearer(secret), world.b.body)

    assert (read.status_code, decide.status_code) == (401, 401)
    world.b.body.refresh_from_db()
    assert world.b.body.status == Body.Status.APPROVED


def test_me_with_a_registry_token(world):
    _, secret = make_registry_token(world.staff, {"bodies": "read"})

    me = bearer(secret).get(url("me")).json()

    assert me["isRegistryStaff"] is True
    assert me["memberships"] == []
    assert me["token"]["body"] is None
    assert me["token"]["forRegistry"] is True


# --- the service and the model ------------------------------------------------------------------------------


def test_only_registry_staff_create_registry_tokens_and_it_is_audited_on_the_registry_chain(world):
    with pytest.raises(PermissionDenied):
        make_registry_token(world.a.admin, {"bodies": "read"})
    assert not ApiToken.objects.exists()

    token, secret = make_registry_token(world.staff, {"bodies": "read", "accreditations": "write"})

    assert (token.body_id, token.for_registry, token.created_by_id) == (None, True, world.staff.pk)
    assert ApiToken.objects.get_from_key(secret) == token
    assert secret not in token.hashed_key
    created = AuditEvent.objects.get(action="accounts.api_token.created")
    assert (created.body_id, created.actor_id, created.object_id) == (None, world.staff.pk, str(token.uuid))
    assert created.after["for_registry"] is True


def test_a_registry_token_is_revoked_by_registry_staff_only(world):
    token, _ = make_registry_token(world.staff, {"bodies": "read"})

    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=world.a.admin)
    token.refresh_from_db()
    assert token.revoked is False

    api_token_revoke(token=token, actor=world.staff)

    token.refresh_from_db()
    assert token.revoked is True
    revoked = AuditEvent.objects.get(action="accounts.api_token.revoked")
    assert (revoked.body_id, revoked.actor_id) == (None, world.staff.pk)


def test_a_token_acts_for_exactly_one_body_or_the_registry(world):
    token, _ = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})

    for body, for_registry in ((world.a.body, True), (None, False)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(body=body, for_registry=for_registry)


# --- the back office ----------------------------------------------------------------------------------------


def test_staff_create_a_registry_token_in_the_admin_and_see_its_secret_once(world, login):
    client = login(world.staff)
    add = "/admin/accounts/apitoken/add/"

    form = client.get(add)
    response = client.post(
        add,
        {
            "name": "Registry reporting",
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "scope_bodies": "write",
            "scope_accreditations": "read",
        },
    )

    assert form.status_code == 200
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.for_registry, token.body_id, token.created_by_id) == (True, None, world.staff.pk)
    assert token.scopes == {"bodies": "write", "accreditations": "read"}
    secret = re.search(r'id="token-secret" value="([^"]+)"', response.content.decode()).group(1)
    assert ApiToken.objects.get_from_key(secret) == token
    # the secret is not shown again
    assert secret not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert secret not in client.get("/admin/accounts/apitoken/").content.decode()


def test_the_admin_token_form_reports_the_service_errors(world, login):
    client = login(world.staff)

    response = client.post(
        "/admin/accounts/apitoken/add/",
        {"name": "No scope", "expires_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert "Give the token at least one scope." in response.content.decode()
    assert "The expiry must be in the future." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_body_administrator_cannot_add_registry_tokens(world, login):
    client = login(world.a.admin)

    response = client.get("/admin/accounts/apitoken/add/")

    assert response.status_code in (302, 403)
    assert not ApiToken.objects.exists()


def test_revoking_in_the_admin_asks_for_confirmation(world, login):
    token, _ = make_registry_token(world.staff, {"bodies": "read"})
    client = login(world.staff)
    changelist = "/admin/accounts/apitoken/"
    chosen = {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [str(token.pk)]}

    asked = client.post(changelist, chosen)
    token.refresh_from_db()
    assert asked.status_code == 200
    assert "Revoke 1 token?" in asked.content.decode()
    assert token.revoked is False

    unconfirmed = client.post(changelist, {**chosen, "apply": "1"})
    token.refresh_from_db()
    assert unconfirmed.status_code == 200
    assert token.revoked is False

    confirmed = client.post(changelist, {**chosen, "apply": "1", "confirm": "on"})
    token.refresh_from_db()
    assert confirmed.status_code == 302
    assert token.revoked is True


# --- accreditation verification -----------------------------------------------------------------------------


def test_a_registry_token_with_write_scope_verifies_and_refuses_accreditations(world):
    from bodies.models import Accreditation
    from tests.factories import AccreditationFactory

    pending = AccreditationFactory(body=world.a.body, verification=Accreditation.Verification.PENDING)
    other = AccreditationFactory(body=world.b.body, verification=Accreditation.Verification.PENDING)
    _, read_only = make_registry_token(world.staff, {"accreditations": "read"})
    _, writer = make_registry_token(world.staff, {"accreditations": "write"})
    _, body_token = make_token(body=world.a.body, creator=world.staff, scopes={"accreditations": "write"})

    refused_read = bearer(read_only).post(url("accreditation-verify", pending.pk), {}, format="json")
    refused_body = bearer(body_token).post(url("accreditation-verify", pending.pk), {}, format="json")
    pending.refresh_from_db()
    assert (refused_read.status_code, refused_body.status_code) == (403, 403)
    assert pending.verification == Accreditation.Verification.PENDING

    verified = bearer(writer).post(url("accreditation-verify", pending.pk), {}, format="json")
    refused = bearer(writer).post(
        url("accreditation-refuse", other.pk), {"reason": "The certificate is unreadable."}, format="json"
    )

    assert (verified.status_code, refused.status_code) == (200, 200), (verified.content, refused.content)
    pending.refresh_from_db()
    other.refresh_from_db()
    assert (pending.verification, pending.verified_by_id) == (
        Accreditation.Verification.VERIFIED,
        world.staff.pk,
    )
    assert (other.verification, other.verification_reason) == (
        Accreditation.Verification.REFUSED,
        "The certificate is unreadable.",
    )
