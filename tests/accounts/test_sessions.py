"""The session policy (`accounts.middleware.SessionPolicyMiddleware`, `accounts.sessions`): idle and absolute
time-outs, every session ended when the account is disabled or the last active membership ends, and "log out my
other sessions"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import sessions
from accounts.models import User
from bodies.models import Membership, Role
from bodies.services import membership_set_status
from core.models import AuditEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
T0 = 1_800_000_000


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """The policy's clock, set by the test (seconds since the epoch)."""

    class Clock:
        now = T0

    monkeypatch.setattr(sessions, "now_seconds", lambda: Clock.now)
    return Clock


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_in(client: Client) -> bool:
    response = client.get(PROFILE)
    assert response.status_code in (200, 302)
    return response.status_code == 200


# --- time-outs ---


def test_idle_exactly_the_limit_is_still_in(world, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client = signed_in(world.a.member)
    clock.now = T0 + 30 * 60
    assert is_in(client)


def test_idle_one_second_past_the_limit_is_logged_out_and_told(world, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client = signed_in(world.a.member)
    clock.now = T0 + 30 * 60 + 1
    # when
    response = client.get(PROFILE)
    # then sent to log in, coming back here after
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE}"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"])
    assert "Your session timed out. Log in again." in login_page.content.decode()


def test_activity_keeps_the_session_and_is_written_at_most_once_a_minute(world, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client = signed_in(world.a.member)
    clock.now = T0 + 59
    assert is_in(client)
    assert client.session[sessions.SEEN_AT] == T0  # less than a minute: not written
    clock.now = T0 + 60
    assert is_in(client)
    assert client.session[sessions.SEEN_AT] == T0 + 60
    # twenty minutes later, and twenty more: still in, as each request counts as activity
    clock.now = T0 + 60 + 20 * 60
    assert is_in(client)
    clock.now = T0 + 60 + 40 * 60
    assert is_in(client)


def test_absolute_limit_boundary(world, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    settings.SESSION_ABSOLUTE_TIMEOUT_HOURS = 12
    client = signed_in(world.a.member)
    # active all along (the last request a minute ago), exactly twelve hours after logging in: still in
    session = client.session
    session[sessions.SEEN_AT] = T0 + 12 * 3600 - 60
    session.save()
    clock.now = T0 + 12 * 3600
    assert is_in(client)
    # one second later: out, however active
    clock.now = T0 + 12 * 3600 + 1
    assert not is_in(client)


def test_an_api_request_after_the_time_out_is_unauthenticated(world, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client = signed_in(world.a.member)
    assert client.get("/api/v1/me/").status_code == 200
    clock.now = T0 + 31 * 60
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


# --- every session ends ---


def test_disabling_the_account_ends_its_sessions_for_good(world):
    # given the person logged in on two computers
    laptop, phone = signed_in(world.a.member), signed_in(world.a.member)
    # when staff disable the account and enable it again
    user = User.objects.get(pk=world.a.member.pk)
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    # then neither old session works: the person logs in again
    assert not is_in(laptop)
    assert not is_in(phone)
    assert User.objects.get(pk=world.a.member.pk).session_epoch == 1
    assert is_in(signed_in(User.objects.get(pk=world.a.member.pk)))


def test_the_end_of_the_last_active_membership_ends_the_sessions(world):
    client = signed_in(world.a.member)
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)
    # when
    membership_set_status(membership=membership, status=Membership.Status.LEFT, actor=world.a.admin)
    # then
    assert not is_in(client)
    event = AuditEvent.objects.get(action="accounts.user.sessions_ended")
    assert event.before == {"session_epoch": 0}
    assert event.after == {"session_epoch": 1, "reason": "membership_ended"}


def test_ending_one_of_two_memberships_keeps_the_sessions(world):
    # given the member also works for body B
    in_a = Membership.objects.get(user=world.a.member, body=world.a.body)
    in_b = MembershipFactory(user=world.a.member, body=world.b.body, roles=[Role.AUDITOR])
    client = signed_in(world.a.member)
    # when the membership in body A ends, the one in body B still holds
    membership_set_status(membership=in_a, status=Membership.Status.SUSPENDED, actor=world.a.admin)
    # then
    assert is_in(client)
    assert not AuditEvent.objects.filter(action="accounts.user.sessions_ended").exists()
    # and when the last one ends, the sessions end
    membership_set_status(membership=in_b, status=Membership.Status.LEFT, actor=world.b.admin)
    assert not is_in(client)


# --- log out my other sessions ---


def test_log_out_my_other_sessions_keeps_mine(world):
    mine, other = signed_in(world.a.member), signed_in(world.a.member)
    # the profile offers it
    assert reverse("accounts:sessions-end-others") in mine.get(PROFILE).content.decode()
    # when
    response = mine.post(reverse("accounts:sessions-end-others"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert is_in(mine)
    assert not is_in(other)
    event = AuditEvent.objects.get(action="accounts.user.sessions_ended")
    assert event.actor_id == world.a.member.pk
    assert event.before == {"session_epoch": 0}
    assert event.after == {"session_epoch": 1, "reason": "requested"}
    # another person's sessions are untouched
    assert User.objects.get(pk=world.a.admin.pk).session_epoch == 0


def test_log_out_my_other_sessions_is_post_only_and_needs_a_login(client, world):
    assert client.post(reverse("accounts:sessions-end-others")).status_code == 302
    assert signed_in(world.a.member).get(reverse("accounts:sessions-end-others")).status_code == 405
    assert User.objects.get(pk=world.a.member.pk).session_epoch == 0
