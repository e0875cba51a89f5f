"""Declarations and the conflict check in a real browser: a member declares a consultancy for a client in their
annual declaration and submits it, a reviewer reviews it, and the conflict check then shows the cooling-off
conflict for that client (and lets the administrator override only what may be overridden)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bodies.models import Role
from impartiality.models import Declaration
from tests.factories import BodyFactory, ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def log_in(page, base_url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_submit_review_then_the_conflict_check_shows_the_cooling_off(page, live_server, reference_data):
    base = live_server.url
    today = timezone.localdate()
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    admin = UserFactory(email="anna@geysir.example", full_name="Anna Jónsdóttir")
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    auditor = UserFactory(email="bjorn@geysir.example", full_name="Björn Auditor")
    MembershipFactory(user=auditor, body=body, roles=[Role.LEAD_AUDITOR])
    ClientFactory(body=body, legal_name="Hekla Geothermal hf.")
    ClientFactory(body=body, legal_name="Orka Energy hf.")
    ended = today - relativedelta(months=6)

    # the member starts an annual declaration, adds a consultancy for Hekla (in place) and submits it
    log_in(page, base, auditor.email)
    page.goto(f"{base}{reverse('impartiality:declarations-mine')}")
    page.get_by_role("link", name="Start an annual declaration").click()
    page.get_by_role("button", name="Start the draft").click()
    form = page.locator("#relationship-form")
    form.locator("#id_kind").select_option("consultancy")
    form.locator("#id_counterparty_kind").select_option("client")
    form.locator("#id_client").select_option(label="Hekla Geothermal hf.")
    form.locator("#id_started_on").fill((today - relativedelta(years=2)).isoformat())
    form.locator("#id_ended_on").fill(ended.isoformat())
    form.locator("#id_description").fill("Advised Hekla on its GHG inventory")
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        form.get_by_role("button", name="Add the relationship").click()
    # the relationships section is swapped in place with the new row, and it is still there after a reload
    expect(page.locator("#relationship-rows")).to_contain_text("Hekla Geothermal hf.")
    expect(page.locator("#relationship-rows")).not_to_contain_text("No relationship declared.")
    page.reload()
    expect(page.locator("#relationship-rows")).to_contain_text("Hekla Geothermal hf.")
    page.locator("#submit-form input[type=checkbox]").check()
    page.get_by_role("button", name="Submit the declaration").click()
    declaration = Declaration.objects.get(declarant=auditor)
    assert declaration.status == "submitted"

    # the administrator reviews it from the review queue: no conflict with the body as a whole
    log_in(page, base, admin.email)
    page.goto(f"{base}{reverse('impartiality:declaration-review-queue')}")
    page.get_by_role("link", name="Review").first.click()
    page.get_by_label("No conflict").check()
    page.get_by_role("button", name="Record the review").click()
    declaration.refresh_from_db()
    assert (declaration.status, declaration.review_outcome, declaration.reviewed_by) == (
        "reviewed",
        "no_conflict",
        admin,
    )

    # the conflict check: Björn for Hekla next month is barred by the cooling-off, answered in place
    page.goto(f"{base}{reverse('impartiality:conflict-check')}")
    page.evaluate("window.__notReloaded = true")
    check = page.locator("#conflict-check-form")
    check.locator("#id_person").select_option(label="Björn Auditor (bjorn@geysir.example)")
    check.locator("#id_client").select_option(label="Hekla Geothermal hf.")
    start = today + timedelta(days=30)
    check.locator("#id_starts_on").fill(start.isoformat())
    check.locator("#id_ends_on").fill((start + timedelta(days=4)).isoformat())
    check.get_by_role("button", name="Check").click()
    expect(page.locator("#conflict-verdict")).to_have_attribute("data-verdict", "bars")
    cooling = page.locator('#conflict-list li[data-rule="cooling_off"]')
    expect(cooling).to_contain_text("Cooling-off after consultancy or advice")
    expect(cooling).to_contain_text("Cannot be overridden")
    expect(cooling).to_contain_text("Björn Auditor's consultancy or advice for Hekla Geothermal hf. ended on")
    expect(cooling).to_contain_text("Advised Hekla on its GHG inventory")
    expect(page.locator('#conflict-list li[data-rule="engagement_declaration_missing"]')).to_have_count(1)
    assert page.evaluate("window.__notReloaded") is True
    assert "person=" in page.url
    # the override form offers what may be overridden, never the cooling-off
    options = page.locator("#conflict-override-form #id_rule option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", "engagement_declaration_missing")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "conflict_check.png"), full_page=True)

    # Orka (no relationship): only the per-engagement declaration is missing
    check.locator("#id_client").select_option(label="Orka Energy hf.")
    check.get_by_role("button", name="Check").click()
    expect(page.locator('#conflict-list li[data-rule="cooling_off"]')).to_have_count(0)
    expect(page.locator('#conflict-list li[data-rule="engagement_declaration_missing"]')).to_have_count(1)
