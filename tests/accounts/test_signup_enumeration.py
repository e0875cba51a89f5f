"""Sign-up and password reset do not tell whether an email address has an account (issue 11 §1).

Signing up answers the same page, status and words for a new address and for one that has an account; a new
address gets the confirmation link, the owner of an existing account an email saying someone tried to sign up
with their address (with links to log in and to reset the password), and their account is left as it was. Both
ways hash the password once, so the answer takes about as long.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.confirmation import user_signup
from accounts.models import User
from bodies.models import Membership
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase"


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how many passwords it hashes."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


@pytest.fixture
def owner() -> User:
    return UserFactory(email="owner@example.org", full_name="Olafur Owner", language="en")


def _sign_up(
    email: str, *, captured: Any, next_url: str = "", password: str = PASSWORD, full_name: str = "Someone"
) -> tuple[Client, Any]:
    """Signs up from a fresh browser, following the redirect; answers the browser and both responses."""
    browser = Client()
    path = reverse("accounts:signup") + (f"?next={next_url}" if next_url else "")
    data = {"full_name": full_name, "email": email, "password": password}
    if next_url:
        data["next"] = next_url
    with captured(execute=True):  # the emails leave after the commit
        posted = browser.post(path, data)
    followed = browser.get(posted["Location"]) if posted.status_code == 302 else None
    return browser, (posted, followed)


def _page_text(response: Any, email: str) -> str:
    """The page as a visitor reads it, without what differs between any two requests (the CSRF token) and
    the address they typed (shown back to them either way)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    text = re.sub(r'nonce="[^"]+"', "", text)
    return text.replace(email, "EMAIL")


def _account_state(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "email": user.email,
        "full_name": user.full_name,
        "password": user.password,
        "language": user.language,
        "is_active": user.is_active,
        "email_confirmed": user.email_confirmed,
        "last_login": user.last_login,
    }


def test_sign_up_answers_the_same_for_a_new_address_and_a_taken_one(
    owner, django_capture_on_commit_callbacks
):
    # given an account with owner@example.org
    # when one visitor signs up with a new address and another with the owner's
    new_browser, (new_post, new_page) = _sign_up(
        "newcomer@example.org", captured=django_capture_on_commit_callbacks
    )
    taken_browser, (taken_post, taken_page) = _sign_up(
        "owner@example.org", captured=django_capture_on_commit_callbacks
    )
    # then both are sent to the same "check your email" page, which reads the same
    assert new_post.status_code == taken_post.status_code == 302
    assert new_post["Location"] == taken_post["Location"] == reverse("accounts:signup-done")
    assert new_page.status_code == taken_page.status_code == 200
    assert _page_text(new_page, "newcomer@example.org") == _page_text(taken_page, "owner@example.org")
    assert "Check your email" in new_page.content.decode()
    # and neither visitor is logged in
    assert "_auth_user_id" not in new_browser.session
    assert "_auth_user_id" not in taken_browser.session
    # and the same cookies are set either way
    assert sorted(new_post.cookies) == sorted(taken_post.cookies)


def test_a_weak_password_is_refused_the_same_way_for_a_new_and_a_taken_address(owner):
    # the validators run before anything is known about the address
    answers = []
    for email in ("newcomer@example.org", "owner@example.org"):
        response = Client().post(
            reverse("accounts:signup"), {"full_name": "Someone", "email": email, "password": "123"}
        )
        answers.append((response.status_code, response.context["form"].errors))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and set(answers[0][1]) == {"password"}
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_the_owner_is_told_and_their_account_is_left_as_it_was(owner, django_capture_on_commit_callbacks):
    # given the owner's account with a membership, and its state now
    membership_count = Membership.objects.count()
    before = _account_state(owner)
    events = AuditEvent.objects.count()
    # when someone signs up with the owner's address, another name and another password
    _sign_up(
        "Owner@Example.org",
        captured=django_capture_on_commit_callbacks,
        next_url=reverse("bodies:apply"),
        password="another sturdy passphrase",
        full_name="Mallory",
    )
    # then nothing of the account changes, nothing is created or recorded
    assert _account_state(owner) == before
    assert User.objects.filter(email__iexact="owner@example.org").count() == 1
    assert User.objects.count() == 1
    assert Membership.objects.count() == membership_count
    assert AuditEvent.objects.count() == events
    # and the owner gets one email saying so, with links to log in and to reset the password
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert message.subject == "Someone tried to create an ICR Conformity account with your address"
    assert "Hello Olafur," in message.body
    login_link = f"/accounts/login/?next={reverse('bodies:apply').replace('/', '%2F')}"
    assert login_link in message.body
    assert "/accounts/password-reset/" in message.body
    assert "/accounts/confirm-email/" not in message.body  # no link that would confirm anything


def test_a_new_address_gets_the_confirmation_link_and_goes_on_after_logging_in(
    django_capture_on_commit_callbacks,
):
    # when a visitor signs up from "Apply as a body" with a new address
    browser, _responses = _sign_up(
        "newcomer@example.org", captured=django_capture_on_commit_callbacks, next_url=reverse("bodies:apply")
    )
    # then an unconfirmed account exists, and the confirmation link is emailed to it
    user = User.objects.get(email="newcomer@example.org")
    assert user.email_confirmed is False
    assert AuditEvent.objects.filter(action="accounts.user.registered", object_id=str(user.pk)).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.org"]
    found = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    # and confirming it leads through the login page to the application
    confirmed = browser.post(found.group(1))
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"{reverse('accounts:login')}?next=%2Fbodies%2Fapply%2F"
    logged_in = browser.post(
        confirmed["Location"], {"username": "newcomer@example.org", "password": PASSWORD}
    )
    assert logged_in["Location"] == reverse("bodies:apply")
    assert browser.get(reverse("bodies:apply")).status_code == 200


def test_both_ways_hash_the_password_once(owner, counting_hasher, django_capture_on_commit_callbacks):
    # the answer takes about as long either way: the work that costs (hashing) is done in both
    _sign_up("newcomer@example.org", captured=django_capture_on_commit_callbacks)
    assert counting_hasher.calls == 1
    counting_hasher.calls = 0
    _sign_up("owner@example.org", captured=django_capture_on_commit_callbacks)
    assert counting_hasher.calls == 1


def test_signing_up_again_with_an_unconfirmed_address_does_not_send_a_confirmation_link(
    django_capture_on_commit_callbacks,
):
    # given an unconfirmed account (made by whoever first typed the address)
    user_signup(email="early@example.org", full_name="Early", password=PASSWORD)
    mail.outbox.clear()
    hijacker = User.objects.get(email="early@example.org")
    before = _account_state(hijacker)
    # when someone signs up with it again
    _sign_up(
        "early@example.org", captured=django_capture_on_commit_callbacks, password="the owner's own phrase"
    )
    # then the address is told to log in or reset the password: a link confirming the account as it is
    # would hand it to whoever made it
    assert _account_state(hijacker) == before
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" not in mail.outbox[0].body
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_the_owner_is_told_at_most_a_few_times_an_hour(owner, django_capture_on_commit_callbacks):
    # the answer stays the same; only the owner's mailbox is spared
    from accounts.confirmation import SIGNUP_NOTICES_PER_HOUR

    for _n in range(SIGNUP_NOTICES_PER_HOUR + 2):
        _browser, (posted, _page) = _sign_up("owner@example.org", captured=django_capture_on_commit_callbacks)
        assert posted["Location"] == reverse("accounts:signup-done")
    assert len(mail.outbox) == SIGNUP_NOTICES_PER_HOUR


def test_a_disabled_account_is_not_told_and_not_changed(owner, django_capture_on_commit_callbacks):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    before = _account_state(owner)
    _browser, (posted, _page) = _sign_up("owner@example.org", captured=django_capture_on_commit_callbacks)
    assert posted["Location"] == reverse("accounts:signup-done")
    assert _account_state(owner) == before
    assert mail.outbox == []


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(
    owner, django_capture_on_commit_callbacks
):
    answers = []
    for email in ("nobody@example.org", "owner@example.org"):
        browser = Client()
        posted = browser.post(reverse("accounts:password-reset"), {"email": email})
        page = browser.get(posted["Location"])
        answers.append((posted.status_code, posted["Location"], page.status_code, _page_text(page, email)))
    assert answers[0] == answers[1]
    assert answers[0][:3] == (302, reverse("accounts:password-reset-done"), 200)
    # and only the account's owner gets an email
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]
