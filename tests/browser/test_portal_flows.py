"""End-to-end flows in a real browser: log in, apply as a body, registry approval, the approval letter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bodies.models import Accreditation, Body, Role
from reference.models import AccreditationBody
from tests.factories import AccreditationFactory, BodyFactory, MembershipFactory, StaffFactory, UserFactory
from tests.helpers import PDF_BYTES

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def log_in(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_log_in_with_email_and_see_the_dashboard(page, live_server, reference_data):
    # given
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    person = UserFactory(email="anna@geysir.example", full_name="Anna Jónsdóttir")
    MembershipFactory(user=person, body=body, roles=[Role.BODY_ADMIN])
    # when
    log_in(page, live_server.url, "Anna@Geysir.example")
    # then
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Geysir Verification ehf.")
    expect(page.locator("main")).to_contain_text("Approved")
    # the administrator's own pages are in the Body menu
    page.locator("#icr-body-menu").click()
    expect(page.get_by_role("link", name="Audit trail")).to_be_visible()


def test_a_wrong_password_shows_the_error_in_the_form(page, live_server, reference_data):
    # given
    UserFactory(email="anna@geysir.example")
    # when
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("anna@geysir.example")
    page.locator("#id_password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    # then
    expect(page.locator("main form")).to_contain_text("The email address or the password is not right.")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def _staff_page(browser: Any, base: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    staff_page = context.new_page()
    staff_page.goto(f"{base}/admin/login/")
    staff_page.locator("#id_username").fill("registry@icr.example")
    staff_page.locator("#id_password").fill(PASSWORD)
    staff_page.get_by_role("button", name="Log in").click()
    return staff_page


def _decide(staff_page: Any, base: str, body: Body, action: str, reason: str) -> None:
    staff_page.goto(f"{base}/admin/bodies/body/{body.pk}/decide/")
    staff_page.locator("#id_action").select_option(action)
    staff_page.locator("#id_reason").fill(reason)
    staff_page.get_by_role("button", name="Record decision").click()


def test_apply_attach_an_accreditation_staff_verify_approve_and_the_body_is_told_and_gets_its_letter(
    browser, page, live_server, reference_data, tmp_path
):
    base = live_server.url
    applicant = UserFactory(email="sigridur@hekla.example", full_name="Sigríður Jónsdóttir")
    StaffFactory(email="registry@icr.example", full_name="Registry Officer", is_superuser=True)
    today = timezone.localdate()

    # (a) a new person logs in, is sent to apply, applies and sees the status "Applicant"
    log_in(page, base, applicant.email)
    expect(page).to_have_url(f"{base}/bodies/apply/")
    page.locator("#id_legal_name").fill("Hekla Verification ehf.")
    page.locator("#id_short_name").fill("Hekla")
    page.locator("#id_country").select_option("IS")
    page.locator("#id_kind").select_option("vvb")
    page.locator("#id_contact_name").fill("Sigríður Jónsdóttir")
    page.locator("#id_contact_email").fill("sigridur@hekla.example")
    page.locator("#id_time_zone").select_option("Atlantic/Reykjavik")
    page.get_by_label("Verification", exact=True).check()
    page.get_by_role("button", name="Send the application").click()
    expect(page).to_have_url(f"{base}/bodies/profile/")
    expect(page.locator("#body-status")).to_have_text("Applicant")
    body = Body.objects.get(legal_name="Hekla Verification ehf.")

    # (b) the applicant attaches its ISO 14065 accreditation: the registry has not verified it yet
    certificate = tmp_path / "isac-certificate.pdf"
    certificate.write_bytes(PDF_BYTES)
    page.goto(f"{base}/bodies/accreditations/new/")
    isac = AccreditationBody.objects.get(acronym="ISAC")
    page.locator("#id_accreditation_body").select_option(str(isac.pk))
    page.locator("#id_standard").select_option("iso_14065")
    page.locator("#id_certificate_number").fill("ISAC-VV-0099")
    page.locator("#id_valid_from").fill((today - timedelta(days=30)).isoformat())
    page.locator("#id_valid_to").fill((today + timedelta(days=900)).isoformat())
    page.locator("#id_certificate").set_input_files(str(certificate))
    page.get_by_label("Verification", exact=True).check()
    page.get_by_label("ISO 14064-3 (validation and verification of GHG statements)", exact=True).check()
    page.get_by_label(
        "GHG scope 1 – Energy industries (renewable / non-renewable sources)", exact=True
    ).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("ISAC-VV-0099")
    expect(page.locator("main")).to_contain_text("Pending verification")
    accreditation = Accreditation.objects.get(body=body, certificate_number="ISAC-VV-0099")
    assert accreditation.verification == "pending"

    # (c) staff record the agreement and start the review; approval is refused while nothing is verified
    staff_page = _staff_page(browser, base)
    try:
        staff_page.goto(f"{base}/admin/bodies/body/{body.pk}/agreement/")
        staff_page.locator("#id_reference").fill("ICR-AGR-2042")
        staff_page.locator("#id_signed_on").fill((today - timedelta(days=1)).isoformat())
        staff_page.get_by_role("button", name="Record agreement").click()
        _decide(staff_page, base, body, "start_review", "Application complete.")
        expect(staff_page.locator("body")).to_contain_text("Decision recorded")
        _decide(staff_page, base, body, "approve", "All requirements met.")
        expect(staff_page.locator("body")).to_contain_text("verified")
        body.refresh_from_db()
        assert body.status == Body.Status.UNDER_REVIEW

        # (d) staff open the certificate, verify the accreditation, and then approve
        staff_page.goto(f"{base}/admin/bodies/accreditation/{accreditation.pk}/verify/")
        staff_page.get_by_label("Verify", exact=True).check()
        staff_page.locator("#id_reason").fill("Certificate checked against ISAC's register.")
        staff_page.locator("input[type=submit][value=Record]").click()
        expect(staff_page.locator("body")).to_contain_text("Verification recorded")
        _decide(staff_page, base, body, "approve", "All requirements met.")
        expect(staff_page.locator("body")).to_contain_text("Decision recorded")
    finally:
        staff_page.context.close()
    body.refresh_from_db()
    accreditation.refresh_from_db()
    assert (body.status, body.agreement_reference) == (Body.Status.APPROVED, "ICR-AGR-2042")
    assert accreditation.verification == "verified"

    # (e) the body's administrator finds both decisions, with the reason, in the notification centre
    page.goto(f"{base}/notifications/")
    notifications = page.locator("main")
    expect(notifications).to_contain_text("Hekla is approved by ICR")
    expect(notifications).to_contain_text("All requirements met.")
    expect(notifications).to_contain_text("is verified")

    # (f) the profile shows "Approved" and, once rendered, the approval letter, which is a PDF
    page.goto(f"{base}/bodies/profile/")
    expect(page.locator("#body-status")).to_have_text("Approved")
    letter_link = page.locator("#approval-letter a")
    for _attempt in range(10):
        if letter_link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(letter_link).to_be_visible()
    with page.expect_download() as download_info:
        letter_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_eligibility_answers_in_place_without_reloading_the_page(page, live_server, reference_data):
    # given
    body = BodyFactory(legal_name="Geysir Verification ehf.")
    person = UserFactory(email="anna@geysir.example")
    MembershipFactory(user=person, body=body, roles=[Role.AUDITOR])
    AccreditationFactory(body=body, certificate_number="VVB-0042")
    log_in(page, live_server.url, person.email)
    page.goto(f"{live_server.url}/bodies/eligibility/")
    page.evaluate("window.__notReloaded = true")
    today = timezone.localdate()
    # when
    page.locator("#id_activity").select_option("verification")
    page.locator("#id_standard").select_option("iso-14064-3")
    page.locator("#id_sector").select_option(
        label="GHG scope 1 – Energy industries (renewable / non-renewable sources)"
    )
    page.locator("#id_start").fill((today + timedelta(days=7)).isoformat())
    page.locator("#id_end").fill((today + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Check eligibility").click()
    # then
    expect(page.locator("#eligibility-result")).to_contain_text("Eligible")
    expect(page.locator("#eligibility-result")).to_contain_text("VVB-0042")
    assert page.evaluate("window.__notReloaded") is True
