"""The competence portal in a real browser: a body administrator adds and approves a competence for a person,
then finds it in the competence matrix, filtered in place."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bodies.models import Role
from competence.models import CompetenceRecord
from reference.models import Sector, Standard
from tests.factories import BodyFactory, CompetenceRecordFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
COLLEAGUES = [
    "Ásdís Guðmundsdóttir",
    "Bjarki Þórsson",
    "Dagný Helgadóttir",
    "Einar Ólafsson",
    "Freyja Sigurðardóttir",
    "Gunnar Jónsson",
    "Hildur Magnúsdóttir",
    "Ingólfur Pétursson",
]


def log_in(page, base_url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def colleagues_with_competences(body) -> None:  # type: ignore[no-untyped-def]
    """A realistic matrix: several people, several standards and sectors, every status."""
    evaluator = UserFactory(email="evaluator@geysir.example", full_name="Valgerður Evaluator")
    MembershipFactory(user=evaluator, body=body, roles=[Role.DECISION_MAKER])
    scopes = [
        (Standard.objects.get(code=code), Sector.objects.get(scheme="ghg", code=sector, is_current=True))
        for code, sector in [
            ("iso-14064-2", "1"),
            ("iso-14064-3", "1"),
            ("iso-14064-3", "3"),
            ("iso-14064-3", "14"),
            ("icr-programme", "1"),
            ("icr-programme", "14"),
        ]
    ]
    roles = [Role.LEAD_AUDITOR, Role.AUDITOR, Role.TECHNICAL_EXPERT, Role.INDEPENDENT_REVIEWER]
    statuses = ["approved", "approved", "approved", "proposed", "suspended", "expired"]
    today = timezone.localdate()
    for index, name in enumerate(COLLEAGUES):
        person = UserFactory(email=f"person{index}@geysir.example", full_name=name)
        membership = MembershipFactory(
            user=person, body=body, roles=[roles[index % 4]], undertaking_signed_on=date(2025, 1, 1)
        )
        for offset, (standard, sector) in enumerate(scopes):
            if (index + offset) % 3 == 0:
                continue
            status = statuses[(index + offset) % len(statuses)]
            CompetenceRecordFactory(
                membership=membership,
                standard=standard,
                sector=sector,
                role=roles[(index + offset) % 4],
                status=status,
                evaluated_by=None if status == "proposed" else evaluator,
                evaluated_on=None if status == "proposed" else date(2025, 3, 1),
                valid_until=today + timedelta(days=30 + 90 * ((index * 7 + offset) % 12)),
            )


def test_admin_adds_and_approves_a_competence_and_sees_it_in_the_matrix(page, live_server, reference_data):
    base = live_server.url
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    admin = UserFactory(email="anna@geysir.example", full_name="Anna Jónsdóttir")
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    auditor = UserFactory(email="bjorn@geysir.example", full_name="Björn Auditor")
    MembershipFactory(
        user=auditor, body=body, roles=[Role.LEAD_AUDITOR], undertaking_signed_on=date(2025, 6, 1)
    )
    colleagues_with_competences(body)

    # the body administrator logs in and opens People
    log_in(page, base, admin.email)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    expect(page.locator("#people")).to_contain_text("Björn Auditor")

    # opens the person and adds a competence
    page.locator("#people").get_by_role("link", name="Björn Auditor").click()
    expect(page.get_by_role("heading", name="Björn Auditor")).to_be_visible()
    page.get_by_role("link", name="Add a competence").click()
    # choosing the standard asks the page again for the sectors of its scheme (htmx): wait for that answer
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        page.locator("#id_standard").select_option("iso-14064-3")
    expect(page.locator("#id_sector option", has_text="IAF")).to_have_count(0)
    page.locator("#id_sector").select_option(label="GHG scope 3 – Energy demand")
    page.locator("#id_role").select_option("lead_auditor")
    page.get_by_label("Training", exact=True).check()
    page.get_by_label("Witnessed audit", exact=True).check()
    page.locator("#id_valid_until").fill("2029-03-31")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#record-status")).to_have_text("Proposed")

    # approves it (the administrator is not the person)
    page.get_by_role("button", name="Approve the competence").click()
    expect(page.locator("#record-status")).to_have_text("Approved")
    expect(page.locator("main")).to_contain_text("The competence is approved.")
    record = CompetenceRecord.objects.get(person=auditor)
    assert (record.status, record.evaluated_by, record.valid_until) == ("approved", admin, date(2029, 3, 31))

    # asks for the person's competence record PDF: the status polls in place until the link appears
    page.get_by_role("link", name="Björn Auditor").first.click()
    page.get_by_role("button", name="Competence record PDF").click()
    expect(page.locator("#person-pdf a")).to_contain_text("Download Competence record (PDF)", timeout=30_000)
    with page.expect_download() as download_info:
        page.locator("#person-pdf a").click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # opens the matrix and sees the cell
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="People").click()
    page.locator(".cm-tabs").get_by_role("link", name="Competence matrix").click()
    row = page.locator("#matrix-table tbody tr", has=page.get_by_role("link", name="Björn Auditor"))
    cell = row.locator("td.cm-approved")
    expect(cell).to_have_count(1)
    expect(cell).to_contain_text("LA")
    expect(cell).to_have_attribute("title", "Lead auditor: Approved, valid until 31/03/2029")
    expect(page.locator("#matrix-table thead")).to_contain_text("ISO 14064-3")
    expect(page.locator("#matrix-table thead")).to_contain_text("GHG 3")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "competence_matrix.png"), full_page=True)

    # filters it in place: the table is swapped, the address follows, the page is not reloaded
    page.evaluate("window.__notReloaded = true")
    page.locator("#id_person").fill("björn")
    expect(page.locator("#matrix-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(f"{base}/people/matrix/?person=bj%C3%B6rn")
    assert page.evaluate("window.__notReloaded") is True
    page.locator("#id_status").select_option("proposed")
    expect(page.locator("#competence-matrix")).to_contain_text("Nobody matches.")
