"""The client users API: a client's users (list; POST invites), re-send and revoke — through the services, with
field errors, 403 for members without manage_clients, 404 across bodies with nothing changed, bearer tokens
with the `clients` write scope, constant query counts, and client users themselves reading nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from clients.models import ClientUser
from core.models import AuditEvent
from tests.factories import ClientFactory, ClientUserFactory, ProjectFactory
from tests.helpers import assert_flat_queries, assert_hidden, bearer, listed_ids, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def users_state() -> list[tuple[object, ...]]:
    return [
        *ClientUser.objects.order_by("id").values_list("id", "status", "token_hash", "invited_at", "email"),
        ("events", AuditEvent.objects.filter(action__startswith="clients.client_user").count()),
    ]


def pending(client, email="p@client.example"):  # type: ignore[no-untyped-def]
    return ClientUserFactory(
        client=client, user=None, email=email, status="invited", accepted_at=None, token_hash=None
    )


def test_a_client_manager_invites_through_the_api(world, django_capture_on_commit_callbacks):
    client = ClientFactory(body=world.a.body)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.a.admin).post(
            url("client-users", client.pk),
            {"fullName": "Sigrún", "email": "sigrun@hekla.example"},
            format="json",
        )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["email"], data["fullName"], data["client"]) == (
        "invited",
        "sigrun@hekla.example",
        "Sigrún",
        str(client.pk),
    )
    assert data["expiresAt"] and data["invitedBy"] == str(world.a.admin.pk)
    assert "tokenHash" not in data and "token" not in data
    assert len(mail.outbox) == 1
    # every member of the body reads the list
    listed = signed_in(world.a.member).get(url("client-users", client.pk))
    assert listed_ids(listed, "clientUsers") == {data["id"]}


def test_invite_field_errors(world):
    client = ClientFactory(body=world.a.body)
    response = signed_in(world.a.admin).post(url("client-users", client.pk), {"email": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"email", "fullName"}
    pending(client, email="dup@client.example")
    duplicate = signed_in(world.a.admin).post(
        url("client-users", client.pk), {"fullName": "D", "email": "dup@client.example"}, format="json"
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "duplicate_client_user"
    assert ClientUser.objects.count() == 1


def test_a_member_without_manage_clients_gets_403_and_nothing_changes(world):
    client = ClientFactory(body=world.a.body)
    invitation = pending(client)
    before = users_state()
    api = signed_in(world.a.member)
    assert (
        api.post(
            url("client-users", client.pk), {"fullName": "X", "email": "x@client.example"}, format="json"
        ).status_code
        == 403
    )
    assert api.post(url("client-user-resend", invitation.pk)).status_code == 403
    assert api.post(url("client-user-revoke", invitation.pk), {}, format="json").status_code == 403
    assert users_state() == before
    assert mail.outbox == []


def test_another_body_gets_404_everywhere_and_nothing_changes(world):
    client = ClientFactory(body=world.a.body)
    invitation = pending(client)
    assert_hidden(
        signed_in(world.b.admin),
        [
            url("client-users", client.pk),
            url("client-user-resend", invitation.pk),
            url("client-user-revoke", invitation.pk),
        ],
        users_state,
    )


def test_resend_and_revoke(world, django_capture_on_commit_callbacks):
    client = ClientFactory(body=world.a.body)
    invitation = pending(client)
    api = signed_in(world.a.admin)
    with django_capture_on_commit_callbacks(execute=True):
        resent = api.post(url("client-user-resend", invitation.pk))
    assert resent.status_code == 200
    assert len(mail.outbox) == 1
    revoked = api.post(url("client-user-revoke", invitation.pk), {"reason": "Wrong address"}, format="json")
    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["statusReason"]) == ("revoked", "Wrong address")
    before = users_state()
    again = api.post(url("client-user-revoke", invitation.pk), {}, format="json")
    assert again.status_code == 409
    assert api.post(url("client-user-resend", invitation.pk)).status_code == 409
    assert users_state() == before


def test_a_token_with_the_clients_write_scope_invites_and_a_read_token_does_not(world):
    client = ClientFactory(body=world.a.body)
    _token, write = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "write"})
    _token, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "read"})
    body = {"fullName": "Sigrún", "email": "sigrun@hekla.example"}
    refused = bearer(read).post(url("client-users", client.pk), body, format="json")
    assert refused.status_code == 403
    assert not ClientUser.objects.exists()
    assert bearer(read).get(url("client-users", client.pk)).status_code == 200
    created = bearer(write).post(url("client-users", client.pk), body, format="json")
    assert created.status_code == 201, created.content


def test_client_users_read_nothing_through_the_api(world, client_user):
    ProjectFactory(body=world.a.body, proponent=client_user.client)
    api = signed_in(client_user.user)
    for name in ("client-list", "project-list"):
        response = api.get(url(name))
        assert response.status_code == 200
        assert response.json()[name.split("-")[0] + "s"] == []
    assert api.get(url("client-detail", client_user.client_id)).status_code == 404
    assert api.get(url("client-users", client_user.client_id)).status_code == 404
    assert api.post(url("client-user-revoke", client_user.pk), {}, format="json").status_code == 404
    assert ClientUser.objects.get(pk=client_user.pk).status == "active"


def test_the_client_users_list_keeps_a_constant_number_of_queries(world):
    client = ClientFactory(body=world.a.body)
    assert_flat_queries(
        signed_in(world.a.admin),
        url("client-users", client.pk),
        lambda n: [ClientUserFactory(client=client, invited_by=world.a.admin) for _ in range(n)],
    )


def test_the_schema_describes_the_client_users_endpoints(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/clients/{client_id}/users/"]) - {"parameters"} == {"get", "post"}
    assert set(paths["/api/v1/client-users/{id}/resend/"]) - {"parameters"} == {"post"}
    assert set(paths["/api/v1/client-users/{id}/revoke/"]) - {"parameters"} == {"post"}
    components = schema["components"]["schemas"]
    assert components["PaginatedClientUserOutputList"]["required"] == ["clientUsers", "pagination"]


def test_the_client_users_list_is_strict_about_its_parameters(world):
    client = ClientFactory(body=world.a.body)
    response = signed_in(world.a.admin).get(url("client-users", client.pk), {"status": "active"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_filter"
