"""Sign-up confirms the email address before the account can act; "Apply as a body" leads a new visitor to
sign-up and, once confirmed, back to the application (issue 7 §4)."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from accounts.confirmation import (
    EMAIL_CONFIRMATION_MAX_AGE,
    email_confirm,
    email_confirmation_token,
    user_signup,
)
from accounts.models import User
from core.errors import ValidationError
from core.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db

APPLY = "/bodies/apply/"


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def _sign_up(client, next_url: str = "") -> User:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):  # the email leaves after the commit
            return _post(client, next_url)

    return _sign_up


def _post(client, next_url: str) -> User:  # type: ignore[no-untyped-def]
    path = reverse("accounts:signup") + (f"?next={next_url}" if next_url else "")
    response = client.post(
        path,
        {
            "full_name": "Olga Applicant",
            "email": "olga@example.org",
            "password": "a sturdy passphrase",
            **({"next": next_url} if next_url else {}),
        },
    )
    assert response.status_code == 302, response.content
    return User.objects.get(email="olga@example.org")


def emailed_link(message_index: int = -1) -> str:
    body = mail.outbox[message_index].body
    found = re.search(r"https?://\S+/accounts/confirm-email/(\S+)/", body)
    assert found, body
    return reverse("accounts:confirm-email", args=[found.group(1)])


def test_apply_as_a_body_leads_a_new_visitor_to_sign_up_then_back_to_the_application(client, sign_up):
    # given the public home page's link
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("accounts:signup")}?next={reverse("bodies:apply")}"' in home
    # when the visitor signs up from it
    user = sign_up(client, next_url=reverse("bodies:apply"))
    # then they are asked to check their email, not logged in (issue 11 §1: the same answer as for an address
    # with an account), and logging in before confirming leads only to "confirm your email"
    assert user.email_confirmed is False
    assert "_auth_user_id" not in client.session
    logged_in = client.post(
        reverse("accounts:login"), {"username": "olga@example.org", "password": "a sturdy passphrase"}
    )
    assert logged_in.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("bodies:apply")).url == reverse("accounts:confirm-email-sent")
    assert client.get(reverse("core:dashboard")).url == reverse("accounts:confirm-email-sent")
    assert client.get(reverse("accounts:confirm-email-sent")).status_code == 200
    # and the emailed link, opened and confirmed, leads to the application
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["olga@example.org"]
    link = emailed_link()
    assert client.get(link).status_code == 200  # a page with a button: opening the link changes nothing
    assert User.objects.get(pk=user.pk).email_confirmed is False
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("bodies:apply")
    assert client.get(reverse("bodies:apply")).status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed is True
    event = AuditEvent.objects.get(action="accounts.user.email_confirmed")
    assert (event.actor_id, event.before, event.after) == (
        user.pk,
        {"email_confirmed": False},
        {"email_confirmed": True},
    )


def test_an_unconfirmed_account_gets_403_from_the_api(client, sign_up):
    user = sign_up(client)
    response = signed_in(user).get(url("person-list"))
    assert response.status_code == 403
    assert response.json()["code"] == "email_unconfirmed"


def test_the_link_works_until_its_age_and_not_a_second_later(monkeypatch):
    # given a link made now
    user = user_signup(email="b@example.org", full_name="B", password="a sturdy passphrase")
    token = email_confirmation_token(user=user)
    made = time.time()
    # when it is opened one second after its age: refused, nothing changes
    monkeypatch.setattr("django.core.signing.time.time", lambda: made + EMAIL_CONFIRMATION_MAX_AGE + 1)
    with pytest.raises(ValidationError) as caught:
        email_confirm(token=token)
    assert caught.value.error_list[0].code == "confirmation_expired"
    assert User.objects.get(pk=user.pk).email_confirmed is False
    # and exactly at its age: confirmed
    monkeypatch.setattr("django.core.signing.time.time", lambda: made + EMAIL_CONFIRMATION_MAX_AGE - 1)
    confirmed, _next = email_confirm(token=token)
    assert confirmed.email_confirmed is True


def test_a_link_works_once(client, sign_up):
    # given a confirmed account
    sign_up(client)
    link = emailed_link()
    assert client.post(link).status_code == 302
    events = AuditEvent.objects.filter(action="accounts.user.email_confirmed").count()
    # when the link is used again
    again = client.post(link)
    # then it is refused with a message, and nothing is recorded twice
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    assert AuditEvent.objects.filter(action="accounts.user.email_confirmed").count() == events


def test_a_forged_or_foreign_link_is_refused(client):
    user = user_signup(email="c@example.org", full_name="C", password="a sturdy passphrase")
    token = email_confirmation_token(user=user)
    for bad in (token[:-2] + "xx", "not-a-token"):
        with pytest.raises(ValidationError) as caught:
            email_confirm(token=bad)
        assert caught.value.error_list[0].code == "confirmation_invalid"
    # a link for an address the account no longer has
    User.objects.filter(pk=user.pk).update(email="c.new@example.org")
    with pytest.raises(ValidationError) as caught:
        email_confirm(token=token)
    assert caught.value.error_list[0].code == "confirmation_invalid"
    assert User.objects.get(pk=user.pk).email_confirmed is False


def test_a_new_link_can_be_asked_for_and_an_outside_next_is_dropped(client, sign_up):
    sign_up(client, next_url="https://evil.example/phish")
    # sign-up logs nobody in; the login limits (django-axes) need the request authenticate() is given
    assert client.login(request=HttpRequest(), username="olga@example.org", password="a sturdy passphrase")
    response = client.post(reverse("accounts:confirm-email-sent"))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    confirmed = client.post(emailed_link())
    assert confirmed.url == reverse("core:dashboard")


def test_accounts_made_by_a_body_or_staff_are_not_held_back():
    assert UserFactory().email_confirmed is True
    assert User.objects.create_user("made@example.org", None, full_name="Made").email_confirmed is True
