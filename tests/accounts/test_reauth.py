"""Re-authentication before sensitive actions (issue 11 §2, `accounts.reauth`): recent means within
REAUTH_MAX_AGE_MINUTES of this session's last login or re-authentication, the boundary included."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import services
from accounts.models import ApiToken
from accounts.reauth import REAUTH_SESSION_KEY, is_recent
from bodies.models import Membership, Role
from tests.bodies.test_pages import token_form_data
from tests.helpers import membership_of, signed_in, url

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def authenticated_ago(client, seconds: float) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time() - seconds
    session.save()


def test_recent_is_up_to_the_maximum_age_included(settings) -> None:
    settings.REAUTH_MAX_AGE_MINUTES = 10
    request = RequestFactory().get("/")
    request.session = {REAUTH_SESSION_KEY: 1_000_000.0}  # type: ignore[attr-defined]
    assert is_recent(request, now=1_000_000.0 + 600)  # exactly 10 minutes: still recent
    assert not is_recent(request, now=1_000_000.0 + 601)  # one second later: not
    request.session = {}  # type: ignore[attr-defined]
    assert not is_recent(request, now=1_000_000.0)  # never authenticated in this session


def test_a_login_counts_as_an_authentication(world, client) -> None:
    world.a.member.set_password(PASSWORD)
    world.a.member.save()
    client.post(reverse("accounts:login"), {"username": world.a.member.email, "password": PASSWORD})
    assert time.time() - client.session[REAUTH_SESSION_KEY] < 5


# --- creating API tokens ------------------------------------------------------------------------------------


def test_a_token_is_made_on_the_page_only_after_a_recent_authentication(world, login, settings) -> None:
    settings.REAUTH_MAX_AGE_MINUTES = 10
    client = login(world.a.admin)
    # when the last authentication is older than the maximum age: sent to re-authenticate, nothing made
    authenticated_ago(client, 601)
    assert client.get(reverse("bodies:tokens")).status_code == 200  # the page itself opens
    response = client.post(reverse("bodies:tokens"), token_form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:reauth')}?next={quote('/bodies/tokens/', safe='')}"
    assert ApiToken.objects.count() == 0
    # within it: the token is made
    authenticated_ago(client, 590)
    assert client.post(reverse("bodies:tokens"), token_form_data()).status_code == 200
    assert ApiToken.objects.count() == 1


def test_the_api_refuses_a_stale_session_a_new_token(world, settings) -> None:
    client = signed_in(world.a.admin)
    authenticated_ago(client, settings.REAUTH_MAX_AGE_MINUTES * 60 + 1)
    payload = {
        "body": str(world.a.body.pk),
        "name": "Registry sync",
        "scopes": {"bodies": "read"},
        "expiresAt": (timezone.now() + timedelta(days=30)).isoformat(),
    }
    response = client.post(url("token-list"), payload, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert ApiToken.objects.count() == 0
    authenticated_ago(client, 0)
    assert client.post(url("token-list"), payload, format="json").status_code == 201


def test_registry_staff_re_authenticate_before_a_registry_token(world, login) -> None:
    client = login(world.staff)
    authenticated_ago(client, 3600)
    response = client.get("/admin/accounts/apitoken/add/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    authenticated_ago(client, 0)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 200


# --- changing roles -----------------------------------------------------------------------------------------


def test_the_person_edit_page_asks_for_a_recent_authentication(world, login) -> None:
    member = membership_of(world.a.member, world.a.body)
    client = login(world.a.admin)
    authenticated_ago(client, 3600)
    edit = reverse("competence:person-edit", args=[member.pk])
    response = client.post(edit, {"roles": [Role.LEAD_AUDITOR], "employment": member.employment})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauth"))
    member.refresh_from_db()
    assert member.roles != [Role.LEAD_AUDITOR]


def test_the_api_asks_it_for_a_change_of_roles_only(world) -> None:
    member = membership_of(world.a.member, world.a.body)
    client = signed_in(world.a.admin)
    authenticated_ago(client, 3600)
    response = client.patch(url("person-detail", member.pk), {"roles": ["lead_auditor"]}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert Membership.objects.get(pk=member.pk).roles == member.roles
    # the employment alone is not a sensitive change
    response = client.patch(
        url("person-detail", member.pk), {"employment": "external_auditor"}, format="json"
    )
    assert response.status_code == 200, response.content


# --- the re-authentication page -----------------------------------------------------------------------------


def test_the_page_asks_the_password_and_goes_back(world, login) -> None:
    user = world.a.admin
    user.set_password(PASSWORD)
    user.save()
    client = login(user)
    authenticated_ago(client, 3600)
    page = reverse("accounts:reauth")
    wrong = client.post(page, {"password": "not it", "next": "/bodies/tokens/"})
    assert wrong.status_code == 400
    assert not is_recent(wrong.wsgi_request)
    right = client.post(page, {"password": PASSWORD, "next": "/bodies/tokens/"})
    assert right.status_code == 302 and right["Location"] == "/bodies/tokens/"
    assert time.time() - client.session[REAUTH_SESSION_KEY] < 5


def test_with_two_step_login_the_page_asks_a_code(world, login) -> None:
    user = world.a.member
    enrolment = services.enrolment_start()
    services.totp_device_confirm(
        user=user, enrolment=enrolment, code=f"{totp(bytes.fromhex(enrolment.key)):06d}"
    )
    client = login(user)
    import django_otp

    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    authenticated_ago(client, 3600)
    assert "authenticator app" in client.get(reverse("accounts:reauth")).content.decode()
    code = f"{totp(bytes.fromhex(enrolment.key), t0=-30):06d}"
    response = client.post(reverse("accounts:reauth"), {"code": code, "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert time.time() - client.session[REAUTH_SESSION_KEY] < 5
