"""Logging in by email (the limits on failures: test_login_limits.py), logging out, resetting and changing the password, the profile."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_login_page_asks_for_the_email_address(client):
    # when
    response = client.get(reverse("accounts:login"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email"' in html
    assert "Email address" in html
    assert reverse("accounts:password-reset") in html


def test_login_by_email_goes_to_the_dashboard(client, world):
    # when
    response = client.post(
        reverse("accounts:login"), {"username": "Admin.A@Example.org", "password": PASSWORD}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.session["_auth_user_id"] == str(world.a.admin.pk)


def test_login_with_a_wrong_password_shows_an_error(client, world):
    # when
    response = client.post(reverse("accounts:login"), {"username": "admin.a@example.org", "password": "nope"})
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["The email address or the password is not right."]
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(login, world):
    # given
    client = login(world.a.member)
    # when
    refused = client.get(reverse("accounts:logout"))
    response = client.post(reverse("accounts:logout"))
    # then
    assert refused.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, world, settings):
    # given
    settings.SITE_URL = "https://conformity.icr.example"
    # when
    response = client.post(reverse("accounts:password-reset"), {"email": "member.a@example.org"})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member.a@example.org"]
    assert message.subject == "Reset your ICR Conformity password"
    link = re.search(r"https://conformity\.icr\.example(/accounts/password-reset/\S+/\S+/)", message.body)
    assert link is not None
    # and the link lets the person choose a new password
    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done["Location"] == reverse("accounts:password-reset-complete")
    assert User.objects.get(pk=world.a.member.pk).check_password("a new long passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    # when
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    # then
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_password_change(login, world):
    # given
    client = login(world.a.member)
    # when
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    # then
    assert response["Location"] == reverse("accounts:password-change-done")
    assert User.objects.get(pk=world.a.member.pk).check_password("another long passphrase")
    assert client.get(reverse("accounts:password-change-done")).status_code == 200


def test_password_change_refuses_a_wrong_old_password(login, world):
    # when
    response = login(world.a.member).post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    # then
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert User.objects.get(pk=world.a.member.pk).check_password(PASSWORD)


def test_profile_shows_the_person_and_their_bodies(login, world):
    # when
    response = login(world.a.admin).get(reverse("accounts:profile"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "admin.a@example.org" in html
    assert "Body A Verification ehf." in html
    assert "Body administrator" in html


def test_profile_saves_name_and_language(login, world):
    # given
    client = login(world.a.member)
    # when
    response = client.post(reverse("accounts:profile"), {"full_name": "  Member Alpha ", "language": "is"})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(pk=world.a.member.pk)
    assert (user.full_name, user.language) == ("Member Alpha", "is")
    event = AuditEvent.objects.get(action="accounts.user.profile_updated")
    assert (event.before, event.after) == ({"full_name": "Member A"}, {"full_name": "Member Alpha"})
    assert "Prófíllinn þinn" in client.get(reverse("accounts:profile")).content.decode()


def test_profile_refuses_an_empty_name_and_an_unknown_language(login, world):
    # when
    response = login(world.a.member).post(reverse("accounts:profile"), {"full_name": "  ", "language": "xx"})
    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name", "language"}
    user = User.objects.get(pk=world.a.member.pk)
    assert (user.full_name, user.language) == ("Member A", "en")
    assert not AuditEvent.objects.filter(action="accounts.user.profile_updated").exists()


def test_profile_needs_a_login(client, db):
    # when
    response = client.get(reverse("accounts:profile"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_inactive_person_cannot_log_in(client, db):
    # given
    UserFactory(email="gone@example.org", is_active=False)
    # when
    response = client.post(reverse("accounts:login"), {"username": "gone@example.org", "password": PASSWORD})
    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
