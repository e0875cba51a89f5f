"""Two-step login in a real browser (issue 11 §2, "done means"): a body administrator, whose role requires it,
is sent to set it up after the password, enrols an authenticator app (the code computed from the secret shown on
the page), keeps the recovery codes, then logs in with a code, then with a recovery code, which works once."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from bodies.models import Role
from tests.factories import BodyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
EMAIL = "anna@geysir.example"


def code_from_secret(secret_text: str, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows for the secret they typed (base32, in groups of four)."""
    secret = secret_text.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, t0=-30 * steps_ahead):06d}"


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def second_step(page: Any, code: str) -> None:
    expect(page.get_by_role("heading", name="Two-step login")).to_be_visible()
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Continue").click()


def log_out(page: Any) -> None:
    page.locator("#icr-user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_enrol_log_in_with_a_code_and_with_a_recovery_code_once(page, live_server, reference_data, settings):
    settings.MFA_REQUIRED_ROLES = ["registry_staff", "body_admin"]
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    MembershipFactory(
        user=UserFactory(email=EMAIL, full_name="Anna Jónsdóttir"), body=body, roles=[Role.BODY_ADMIN]
    )
    base = live_server.url

    # the password alone leads to setting up two-step login
    log_in(page, base)
    expect(page).to_have_url(re.compile(r"/accounts/mfa/setup/\?next="))
    expect(page.locator("main svg")).to_be_visible()  # the QR code, inline
    secret = page.locator("#mfa-secret").inner_text()
    page.locator("#id_code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()

    # the recovery codes, shown once, then on to the page asked for
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have kept them").click()
    expect(page).to_have_url(f"{base}/dashboard/")
    log_out(page)

    # the password, then a code from the app (the next one: the set-up's code cannot be used twice)
    log_in(page, base)
    second_step(page, code_from_secret(secret, steps_ahead=1))
    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.locator("main")).to_contain_text("Geysir Verification ehf.")
    log_out(page)

    # the password, then a recovery code
    log_in(page, base)
    second_step(page, codes[0])
    expect(page).to_have_url(f"{base}/dashboard/")
    log_out(page)

    # the same recovery code a second time is refused
    log_in(page, base)
    second_step(page, codes[0])
    expect(page.locator("main")).to_contain_text("That code is not right")
    expect(page).to_have_url(re.compile(r"/accounts/mfa/verify/"))
