"""The limits on guessing (`accounts.login_limits`): failed logins on the portal and in the back office (one
counter, django-axes, per account and client address, plus a looser one per address), password reset requests,
bearer tokens; the owner told once of a lockout."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.login_limits import lockout_message
from tests.helpers import bearer, make_token

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
WRONG = "guess"
LIMIT = 10  # LOGIN_MAX_FAILURES, the default
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def portal(client: Client, email: str, password: str = WRONG, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def admin(client: Client, email: str, password: str = WRONG, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"}, **extra)


def error_codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [error.code for error in response.context["form"].errors.as_data().get("__all__", [])]


# --- the portal ---


def test_the_last_allowed_attempt_still_logs_in(client, world):
    # given one failure short of the limit
    for _ in range(LIMIT - 1):
        assert error_codes(portal(client, "admin.a@example.org")) == ["invalid_login"]
    # when the right password comes
    response = portal(client, "admin.a@example.org", PASSWORD)
    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.a.admin.pk)


def test_the_portal_refuses_after_the_limit_even_with_the_right_password(client, world):
    # given: the tenth failure is the one that locks
    for _ in range(LIMIT - 1):
        assert portal(client, "admin.a@example.org").status_code == 200
    locking = portal(client, "Admin.A@Example.org ")  # the same account, however typed
    assert locking.status_code == 429
    # when
    response = portal(client, "admin.a@example.org", PASSWORD)
    # then the login form again, with the friendly error, and nobody logged in
    assert response.status_code == 429
    assert error_codes(response) == ["too_many_attempts"]
    assert (
        "Too many failed attempts to log in with this email address. Wait 15 minutes"
        in response.content.decode()
    )
    assert response["Retry-After"] == "900"
    assert 'type="email"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_refusal_is_in_the_persons_language(client, world):
    for _ in range(LIMIT):
        portal(client, "admin.a@example.org", HTTP_ACCEPT_LANGUAGE="is")
    response = portal(client, "admin.a@example.org", PASSWORD, HTTP_ACCEPT_LANGUAGE="is")
    with translation.override("is"):
        icelandic = lockout_message()
    with translation.override("en"):
        assert icelandic != lockout_message()
    assert icelandic in response.content.decode()


def test_failures_of_one_account_do_not_lock_out_another(client, world):
    for _ in range(LIMIT):
        portal(client, "admin.a@example.org")
    response = portal(client, "member.a@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.a.member.pk)


def test_failures_from_another_address_cannot_lock_a_person_out(client, world):
    # given an attacker at one address locked the account out there
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(LIMIT):
        portal(attacker, "admin.a@example.org")
    assert portal(attacker, "admin.a@example.org", PASSWORD).status_code == 429
    # when the person logs in from their own address
    response = portal(client, "admin.a@example.org", PASSWORD)
    # then
    assert response.status_code == 302


def test_nine_failures_here_and_one_elsewhere_do_not_add_up(client, world):
    for _ in range(LIMIT - 1):
        portal(client, "admin.a@example.org")
    portal(client, "admin.a@example.org", REMOTE_ADDR="10.9.8.7")
    assert portal(client, "admin.a@example.org", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures(client, world):
    for _ in range(LIMIT - 1):
        portal(client, "admin.a@example.org")
    assert portal(client, "admin.a@example.org", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(LIMIT - 1):
        portal(client, "admin.a@example.org")
    assert portal(client, "admin.a@example.org", PASSWORD).status_code == 302


def test_the_right_password_works_again_once_the_window_passed(client, world, settings):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 1
    for _ in range(LIMIT):
        portal(client, "admin.a@example.org")
    assert portal(client, "admin.a@example.org", PASSWORD).status_code == 429
    time.sleep(2.1)  # the refused attempt restarted the one-second window
    assert portal(client, "admin.a@example.org", PASSWORD).status_code == 302


def test_a_changing_forwarded_for_buys_nothing_without_trusted_proxies(client, world):
    for number in range(LIMIT):
        portal(client, "admin.a@example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    response = portal(client, "admin.a@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, world, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    for _ in range(LIMIT):
        portal(client, "admin.a@example.org", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (
        portal(client, "admin.a@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    )
    # another client behind the same proxy (the same peer) is not locked out
    assert (
        portal(client, "admin.a@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code
        == 302
    )


# --- one address spraying many accounts ---


def test_one_address_trying_many_accounts_is_refused_past_its_own_limit(client, world, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 5
    # given four failures, each on another account (none near the per-account limit)
    for number in range(4):
        portal(client, f"nobody{number}@example.org")
    # the last allowed: a right password still logs in (and does not forget the address's failures)
    assert portal(client, "member.a@example.org", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # when the fifth failure comes, the address is refused, whichever account it tries
    assert portal(client, "nobody9@example.org").status_code == 429
    response = portal(client, "admin.a@example.org", PASSWORD)
    # then
    assert response.status_code == 429
    assert error_codes(response) == ["too_many_attempts"]
    # and another address is not affected
    assert portal(Client(REMOTE_ADDR="10.1.2.3"), "admin.a@example.org", PASSWORD).status_code == 302


# --- the back office: the same limit, the same counter ---


def test_the_admin_login_refuses_after_the_limit_even_with_the_right_password(client, world):
    for _ in range(LIMIT - 1):
        assert admin(client, "staff@icr.example").status_code == 200
    assert admin(client, "staff@icr.example").status_code == 429
    response = admin(client, "staff@icr.example", PASSWORD)
    assert response.status_code == 429
    assert error_codes(response) == ["too_many_attempts"]
    assert lockout_message() in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_allows_the_last_attempt(client, world):
    for _ in range(LIMIT - 1):
        admin(client, "staff@icr.example")
    response = admin(client, "staff@icr.example", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.staff.pk)


def test_the_portal_and_the_admin_share_one_counter(client, world):
    for _ in range(LIMIT // 2):
        portal(client, "staff@icr.example")
    for _ in range(LIMIT - LIMIT // 2):
        admin(client, "staff@icr.example")
    assert portal(client, "staff@icr.example", PASSWORD).status_code == 429
    assert admin(client, "staff@icr.example", PASSWORD).status_code == 429


def test_the_api_has_no_login_of_its_own():
    # the API is reached with the portal's session or a bearer token; DRF's browsable login is not routed
    with pytest.raises(NoReverseMatch):
        reverse("rest_framework:login")


# --- the owner is told ---


def test_the_owner_is_told_once_per_window_with_the_address(world):
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(LIMIT + 3):
        portal(attacker, "member.a@example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member.a@example.org"]
    assert message.subject == "Someone tried to log in to your ICR Conformity account"
    assert "198.51.100.66" in message.body
    assert "/accounts/password-reset/" in message.body


def test_nobody_is_told_about_an_address_without_an_account(db):
    for _ in range(LIMIT + 1):
        portal(Client(), "nobody@example.org")
    assert mail.outbox == []


# --- password reset ---


def reset(client: Client, email: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


def test_password_reset_is_limited_per_account_and_address_and_says_the_same(client, world, settings):
    settings.PASSWORD_RESET_MAX_PER_ACCOUNT = 3
    for _ in range(3):
        assert reset(client, "member.a@example.org")["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 3
    # the first refused: the same answer, no email
    refused = reset(client, "member.a@example.org")
    assert refused.status_code == 302
    assert refused["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 3
    # another address may still ask for that account
    reset(client, "member.a@example.org", REMOTE_ADDR="10.4.4.4")
    assert len(mail.outbox) == 4


def test_password_reset_is_limited_per_address_across_accounts(client, world, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 2
    reset(client, "member.a@example.org")
    reset(client, "admin.a@example.org")
    assert len(mail.outbox) == 2
    assert reset(client, "member.b@example.org")["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 2


# --- bearer tokens ---


def test_wrong_bearer_tokens_are_limited_per_address(world, settings):
    settings.BEARER_MAX_FAILURES = 3
    _token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    guesser = bearer("abcdefgh.wrong-secret")
    for _ in range(3):
        assert guesser.get("/api/v1/bodies/").status_code == 401
    # the first refused: even the right token, from that address
    right_here = bearer(secret)
    refused = right_here.get("/api/v1/bodies/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    # from elsewhere the token works
    elsewhere = bearer(secret)
    assert elsewhere.get("/api/v1/bodies/", REMOTE_ADDR="10.7.7.7").status_code == 200
