"""The client view in a real browser: a body administrator invites a person at a client, the person opens the
emailed link, sets a password and reads the client's projects."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from bodies.models import Role
from tests.factories import BodyFactory, ClientFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def test_an_invited_person_sets_a_password_and_reads_the_clients_projects(
    page: Any, browser: Any, live_server: Any, reference_data: None
) -> None:
    # given a body administrator and a client with a project
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    admin = UserFactory(email="anna@geysir.example", full_name="Anna Jónsdóttir")
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    client = ClientFactory(body=body, legal_name="Hekla Geothermal hf.", notes="Internal: slow payer")
    ProjectFactory(body=body, proponent=client, name="Hellisheiði CO2 mineralisation")
    base = live_server.url

    # when the administrator invites a person at the client
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")
    page.goto(f"{base}/clients/{client.pk}/")
    page.locator("#client-users-link").click()
    page.locator("#invite").click()
    page.locator("#id_full_name").fill("Sigrún Jónsdóttir")
    page.locator("#id_email").fill("sigrun@hekla.example")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#client-users")).to_contain_text("sigrun@hekla.example")
    expect(page.locator("#client-users")).to_contain_text("Invited")

    # then the email carries the link; the person opens it in their own browser
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/clients/invitation/\S+/", mail.outbox[0].body)
    assert link
    path = link.group(0).split("/clients/", 1)[1]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    person = context.new_page()
    person.goto(f"{base}/clients/{path}")
    expect(person.locator("#invitation")).to_contain_text("Hekla Geothermal hf.")
    expect(person.locator("#id_full_name")).to_have_value("Sigrún Jónsdóttir")
    person.locator("#id_password").fill(PASSWORD)
    person.locator("#id_password_again").fill(PASSWORD)
    person.get_by_role("button", name="Make my account and accept").click()

    # and lands on the client's profile in the client view, without the body's notes or navigation
    expect(person).to_have_url(f"{base}/clients/my/{client.pk}/")
    expect(person.get_by_role("heading", name="Hekla Geothermal hf.")).to_be_visible()
    expect(person.locator("main")).not_to_contain_text("slow payer")
    expect(person.get_by_role("link", name="People")).to_have_count(0)
    expect(person.get_by_role("link", name="Audit trail")).to_have_count(0)
    person.locator("#client-view-nav").get_by_role("link", name="Projects").click()
    expect(person.locator("#projects")).to_contain_text("Hellisheiði CO2 mineralisation")
    context.close()

    # and the link works once
    again = browser.new_context(locale="en-GB").new_page()
    again.goto(f"{base}/clients/{path}")
    expect(again.locator("#invitation-refused")).to_contain_text("already accepted")
    again.context.close()
