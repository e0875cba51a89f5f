"""Client users: a body's client managers invite a person at a client by email; the one-time link expires,
works once, dies when a new one is sent; accepting makes (or uses) an account; revoking ends access at once.
Every move is audited and the people concerned are told."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from clients.error_codes import ClientsErrorCode
from clients.models import ClientUser
from clients.permissions import can_view_as_client, client_ids_for_user
from clients.selectors import client_view_clients
from clients.services import (
    client_user_accept,
    client_user_accept_new_account,
    client_user_invite,
    client_user_resend,
    client_user_revoke,
    invitation_state,
)
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from reminders.models import Notification
from tests.factories import ClientFactory, ClientUserFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/clients/invitation/([A-Za-z0-9_\-]+)/")


def token_in(message: mail.EmailMessage) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture(autouse=True)
def _mail_after_commit(django_capture_on_commit_callbacks, monkeypatch):  # type: ignore[no-untyped-def]
    """The invitation is mailed after commit: run those callbacks as each service returns."""
    import clients.services as services

    def sending(service):  # type: ignore[no-untyped-def]
        def call(**kwargs):  # type: ignore[no-untyped-def]
            with django_capture_on_commit_callbacks(execute=True):
                return service(**kwargs)

        return call

    for name in ("client_user_invite", "client_user_resend"):
        monkeypatch.setitem(globals(), name, sending(getattr(services, name)))


def invite(world, client=None, email="sigrun@hekla.example", name="Sigrún Jónsdóttir"):  # type: ignore[no-untyped-def]
    client = client or ClientFactory(body=world.a.body)
    with_mail = len(mail.outbox)
    invitation = client_user_invite(client=client, actor=world.a.admin, email=email, full_name=name)
    assert len(mail.outbox) == with_mail + 1
    return invitation, token_in(mail.outbox[-1])


def state(client_user: ClientUser) -> tuple[object, ...]:
    client_user.refresh_from_db()
    return (client_user.status, client_user.token_hash, client_user.invited_at, client_user.user_id)


# --- invite ---------------------------------------------------------------------------------------------------


def test_a_client_manager_invites_a_person_and_only_the_hash_of_the_link_is_kept(world):
    client = ClientFactory(body=world.a.body, legal_name="Hekla hf.")
    invitation = client_user_invite(
        client=client, actor=world.a.admin, email=" Sigrun@Hekla.example ", full_name=" Sigrún "
    )
    assert (invitation.status, invitation.email, invitation.full_name) == (
        "invited",
        "sigrun@hekla.example",
        "Sigrún",
    )
    assert invitation.body == world.a.body
    assert invitation.invited_by == world.a.admin
    assert invitation.user is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sigrun@hekla.example"]
    assert "Hekla hf." in message.subject
    token = token_in(message)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ClientUser.objects.filter(pk=invitation.pk).values().get())
    event = AuditEvent.objects.get(action="clients.client_user.invited")
    assert event.actor == world.a.admin
    assert event.after["email"] == "sigrun@hekla.example"
    assert token not in str(event.after) and invitation.token_hash not in str(event.after)


def test_a_member_without_manage_clients_cannot_invite(world):
    client = ClientFactory(body=world.a.body)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        client_user_invite(client=client, actor=world.a.member, email="x@client.example", full_name="X")
    with pytest.raises(PermissionDenied):
        client_user_invite(client=client, actor=world.b.admin, email="x@client.example", full_name="X")
    assert not ClientUser.objects.exists()
    assert mail.outbox == []
    assert AuditEvent.objects.count() == events


def test_the_same_email_is_invited_once_per_client_until_revoked(world):
    invitation, _token = invite(world)
    with pytest.raises(ValidationError) as refused:
        client_user_invite(
            client=invitation.client, actor=world.a.admin, email="SIGRUN@hekla.example", full_name="S"
        )
    assert refused.value.error_dict["email"][0].code == ClientsErrorCode.DUPLICATE_CLIENT_USER
    assert ClientUser.objects.count() == 1
    # another client of the body may invite the same person
    client_user_invite(
        client=ClientFactory(body=world.a.body),
        actor=world.a.admin,
        email="sigrun@hekla.example",
        full_name="S",
    )
    # once revoked, the person may be invited again
    client_user_revoke(client_user=invitation, actor=world.a.admin)
    again = client_user_invite(
        client=invitation.client, actor=world.a.admin, email="sigrun@hekla.example", full_name="S"
    )
    assert again.status == "invited"


def test_invite_refuses_a_bad_email_and_a_missing_name(world):
    client = ClientFactory(body=world.a.body)
    with pytest.raises(ValidationError) as refused:
        client_user_invite(client=client, actor=world.a.admin, email="not-an-email", full_name="  ")
    assert set(refused.value.error_dict) == {"email", "full_name"}
    assert not ClientUser.objects.exists()
    assert mail.outbox == []


# --- the link's life: expiry at its boundary, once, re-send -------------------------------------------------


def test_the_link_works_until_its_last_moment_and_not_one_microsecond_after(world, settings, monkeypatch):
    settings.CLIENT_INVITATION_MAX_AGE_DAYS = 14
    invitation, token = invite(world)
    sent = invitation.invited_at
    last_valid = sent + timedelta(days=14)
    assert invitation.expires_at == last_valid
    assert invitation_state(token, now=sent + timedelta(days=13)).is_open  # the day before
    assert invitation_state(token, now=last_valid).is_open  # the last valid moment
    expired = invitation_state(token, now=last_valid + timedelta(microseconds=1))  # the first refused one
    assert expired.code == ClientsErrorCode.INVITATION_EXPIRED
    assert "expired" in expired.message
    # accepting at the first refused moment is refused, nothing changes
    before = state(invitation)
    monkeypatch.setattr("django.utils.timezone.now", lambda: last_valid + timedelta(microseconds=1))
    with pytest.raises(ValidationError) as refused:
        client_user_accept_new_account(token=token, full_name="Sigrún", password="a-long-Passphrase-9")
    assert refused.value.error_list[0].code == ClientsErrorCode.INVITATION_EXPIRED
    assert state(invitation) == before
    assert not User.objects.filter(email="sigrun@hekla.example").exists()
    # at the last valid moment it is accepted
    monkeypatch.setattr("django.utils.timezone.now", lambda: last_valid)
    accepted = client_user_accept_new_account(token=token, full_name="Sigrún", password="a-long-Passphrase-9")
    assert accepted.status == "active"


def test_the_max_age_is_a_setting(world, settings):
    settings.CLIENT_INVITATION_MAX_AGE_DAYS = 3
    invitation, token = invite(world)
    assert invitation.expires_at == invitation.invited_at + timedelta(days=3)
    assert not invitation_state(token, now=invitation.invited_at + timedelta(days=3, seconds=1)).is_open


def test_the_link_works_once_and_the_new_account_is_confirmed(world):
    invitation, token = invite(world)
    accepted = client_user_accept_new_account(
        token=token, full_name="Sigrún J.", password="a-long-Passphrase-9"
    )
    user = User.objects.get(email="sigrun@hekla.example")
    assert (accepted.status, accepted.user, accepted.accepted_at is not None) == ("active", user, True)
    assert user.email_confirmed is True
    assert user.full_name == "Sigrún J."
    assert user.check_password("a-long-Passphrase-9")
    assert list(client_view_clients(user)) == [invitation.client]
    # used: the second opening says so and changes nothing
    used = invitation_state(token)
    assert used.code == ClientsErrorCode.INVITATION_USED
    before = state(invitation)
    with pytest.raises(ValidationError) as refused:
        client_user_accept_new_account(token=token, full_name="Other", password="a-long-Passphrase-9")
    assert refused.value.error_list[0].code == ClientsErrorCode.INVITATION_USED
    with pytest.raises(ValidationError):
        client_user_accept(token=token, user=user)
    assert state(invitation) == before
    assert User.objects.filter(email="sigrun@hekla.example").count() == 1
    assert AuditEvent.objects.filter(action="clients.client_user.accepted", actor=user).count() == 1
    # the body's administrators are told
    told = Notification.objects.filter(kind="clients.client_user.accepted")
    assert sorted(told.values_list("user__email", flat=True)) == ["admin.a@example.org"]


def test_a_weak_password_is_a_field_error_and_nothing_is_made(world):
    invitation, token = invite(world)
    with pytest.raises(ValidationError) as refused:
        client_user_accept_new_account(token=token, full_name="Sigrún", password="123")
    assert "password" in refused.value.error_dict
    assert state(invitation)[0] == "invited"
    assert not User.objects.filter(email="sigrun@hekla.example").exists()


def test_resending_kills_the_old_link(world):
    invitation, old = invite(world)
    first_sent = invitation.invited_at
    resent = client_user_resend(client_user=invitation, actor=world.a.admin)
    new = token_in(mail.outbox[-1])
    assert new != old
    assert resent.invited_at > first_sent
    assert invitation_state(old).code == ClientsErrorCode.INVITATION_UNKNOWN
    assert invitation_state(new).is_open
    with pytest.raises(ValidationError):
        client_user_accept_new_account(token=old, full_name="S", password="a-long-Passphrase-9")
    event = AuditEvent.objects.get(action="clients.client_user.reinvited")
    assert (event.before["status"], event.after["status"]) == ("invited", "invited")
    assert (
        client_user_accept_new_account(token=new, full_name="S", password="a-long-Passphrase-9").status
        == "active"
    )


def test_only_an_open_invitation_is_resent_and_only_by_a_client_manager(world):
    invitation, _token = invite(world)
    before = state(invitation)
    with pytest.raises(PermissionDenied):
        client_user_resend(client_user=invitation, actor=world.a.member)
    assert state(invitation) == before
    active = ClientUserFactory(client=invitation.client)
    with pytest.raises(TransitionNotAllowed):
        client_user_resend(client_user=active, actor=world.a.admin)
    assert ClientUser.objects.get(pk=active.pk).status == "active"


# --- accepting with an account ------------------------------------------------------------------------------


def test_a_person_with_an_account_logs_in_as_the_invited_address_to_accept(world):
    existing = UserFactory(email="sigrun@hekla.example")
    invitation, token = invite(world)
    with pytest.raises(ValidationError) as exists:
        client_user_accept_new_account(token=token, full_name="S", password="a-long-Passphrase-9")
    assert exists.value.error_list[0].code == ClientsErrorCode.INVITATION_ACCOUNT_EXISTS
    with pytest.raises(ValidationError) as other:
        client_user_accept(token=token, user=world.a.member)
    assert other.value.error_list[0].code == ClientsErrorCode.INVITATION_OTHER_ACCOUNT
    assert state(invitation)[0] == "invited"
    accepted = client_user_accept(token=token, user=existing)
    assert (accepted.status, accepted.user) == ("active", existing)


# --- revoke -------------------------------------------------------------------------------------------------


def test_revoking_ends_access_at_once_and_tells_the_person(world):
    client_user = ClientUserFactory(client__body=world.a.body)
    user = client_user.user
    assert can_view_as_client(user, client_user.client)
    revoked = client_user_revoke(client_user=client_user, actor=world.a.admin, reason="Left the company")
    assert (revoked.status, revoked.status_reason) == ("revoked", "Left the company")
    assert revoked.revoked_at is not None
    assert not can_view_as_client(user, client_user.client)
    assert list(client_ids_for_user(user)) == []
    assert list(client_view_clients(user)) == []
    event = AuditEvent.objects.get(action="clients.client_user.revoked")
    assert (event.actor, event.before["status"], event.after["status"]) == (
        world.a.admin,
        "active",
        "revoked",
    )
    assert event.after["status_reason"] == "Left the company"
    notice = Notification.objects.get(kind="clients.client_user.revoked")
    assert notice.user == user
    assert client_user.client.legal_name in notice.title
    # twice is refused, nothing changes
    with pytest.raises(TransitionNotAllowed):
        client_user_revoke(client_user=revoked, actor=world.a.admin)


def test_a_revoked_invitation_link_says_so(world):
    invitation, token = invite(world)
    client_user_revoke(client_user=invitation, actor=world.a.admin)
    refused = invitation_state(token)
    assert refused.code == ClientsErrorCode.INVITATION_REVOKED
    assert "withdrawn" in refused.message
    assert Notification.objects.filter(kind="clients.client_user.revoked").count() == 0  # nobody to tell yet


def test_only_a_client_manager_of_the_body_revokes(world):
    client_user = ClientUserFactory(client__body=world.a.body)
    before = state(client_user)
    for actor in (world.a.member, world.b.admin):
        with pytest.raises(PermissionDenied):
            client_user_revoke(client_user=client_user, actor=actor)
    assert state(client_user) == before


# --- the access rule ----------------------------------------------------------------------------------------


def test_the_access_rule_sees_only_accepted_not_revoked_accesses_of_active_accounts(world):
    client_x = ClientFactory(body=world.a.body)
    client_y = ClientFactory(body=world.a.body)
    active = ClientUserFactory(client=client_x)
    user = active.user
    assert list(client_view_clients(user)) == [client_x]
    assert not can_view_as_client(user, client_y)
    pending = ClientUserFactory(
        client=client_y, user=None, email="p@client.example", status="invited", accepted_at=None
    )
    assert pending.user is None
    assert list(client_view_clients(world.a.admin)) == []  # body people are not client users
    user.is_active = False
    user.save()
    assert list(client_view_clients(user)) == []
    from django.contrib.auth.models import AnonymousUser

    assert list(client_ids_for_user(AnonymousUser())) == []
    assert timezone.now()  # the rule is read at each request: nothing cached
