"""An engagement end to end in a real browser (issue 9): a planner creates and plans a GHG verification, sees on
the team page which candidate cannot be assigned and why, has the confirmation refused while that person is on
the team and confirmed without them; the lead auditor raises a finding; the client's user answers it in the
client view (never seeing the team's internal notes); the lead auditor accepts and verifies the response, records
the report as drafted and downloads the report PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Engagement, Finding, TeamMember
from bodies.models import Role
from tests.factories import (
    AccreditationFactory,
    BodyFactory,
    ClientFactory,
    ClientUserFactory,
    CompetenceRecordFactory,
    DeclarationFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    sector,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
ENGAGEMENT_NOTE = "Internal: the proponent's CFO asked for a discount"
FINDING_NOTE = "Internal: ask for the calibration certificates before accepting"
EVIDENCE = "Monitoring report v2, table 4: the emission factor 0.41 t CO2/MWh has no source"
BLOCKED_REASON = (
    "Björn Auditor and Hellisheiði CO2 mineralisation (ICR-00777): No declaration of interest for this client or "
    "project."
)


def log_in(page: Any, base_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#id_password")).to_have_count(0)


def status_of(page: Any) -> Any:
    return page.locator(".icr-page-header h1 .badge")


def test_plan_team_finding_client_response_and_report_pdf(
    page: Any, live_server: Any, reference_data: None
) -> None:
    # given a body accredited for GHG verification, its planner, a project of a client with a user of its own,
    # a lead auditor who passes every gate and an auditor without a per-engagement declaration for the project
    base = live_server.url
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    AccreditationFactory(body=body)
    planner = UserFactory(email="anna@geysir.example", full_name="Anna Jónsdóttir")
    MembershipFactory(user=planner, body=body, roles=[Role.BODY_ADMIN])
    client = ClientFactory(body=body, legal_name="Hekla Geothermal hf.", kind="proponent")
    project = ProjectFactory(
        body=body, proponent=client, registry_number="ICR-00777", name="Hellisheiði CO2 mineralisation"
    )
    client_user = UserFactory(email="sigrun@hekla.example", full_name="Sigrún Jónsdóttir")
    ClientUserFactory(client=client, user=client_user)
    lead = MembershipFactory(
        user=UserFactory(email="lena@geysir.example", full_name="Lena Lead"),
        body=body,
        roles=[Role.LEAD_AUDITOR],
        undertaking_signed_on=date(2024, 1, 1),
    )
    blocked = MembershipFactory(
        user=UserFactory(email="bjorn@geysir.example", full_name="Björn Auditor"),
        body=body,
        roles=[Role.AUDITOR],
        undertaking_signed_on=date(2024, 1, 1),
    )
    CompetenceRecordFactory(membership=lead, role=Role.LEAD_AUDITOR)
    CompetenceRecordFactory(membership=blocked, role=Role.AUDITOR)
    for membership in (lead, blocked):
        DeclarationFactory(membership=membership)
    DeclarationFactory(
        membership=lead,
        kind="engagement",
        project=project,
        status="reviewed",
        review_outcome="no_conflict",
        reviewed_by=planner,
        reviewed_at=timezone.now(),
    )
    start = timezone.localdate() + timedelta(days=30)

    # (1) the planner creates the verification in the portal and plans it
    log_in(page, base, planner.email)
    page.goto(f"{base}{reverse('audits:engagement-list')}")
    page.get_by_role("link", name="New engagement").click()
    form = page.locator("#engagement-form")
    form.locator("#id_kind").select_option("verification")
    form.locator("#id_client").select_option(str(client.pk))
    form.locator("#id_project").select_option(str(project.pk))
    form.locator("#id_activity").select_option("verification")
    form.locator("#id_standard").select_option("iso-14064-3")
    form.locator("#id_sector").select_option(str(sector("ghg", "1").pk))
    form.locator("#id_scope").fill("Emission reductions of the first monitoring period")
    form.locator("#id_planned_start").fill(start.isoformat())
    form.locator("#id_planned_end").fill((start + timedelta(days=2)).isoformat())
    form.locator("#id_mode").select_option("on_site")
    form.locator("#id_level_of_assurance").select_option("reasonable")
    form.locator("#id_monitoring_period_start").fill("2025-01-01")
    form.locator("#id_monitoring_period_end").fill("2025-12-31")
    form.locator("#id_internal_notes").fill(ENGAGEMENT_NOTE)
    form.get_by_role("button", name="Save").click()
    expect(status_of(page)).to_have_text("Draft")
    engagement = Engagement.objects.get(body=body)
    assert (engagement.kind, engagement.project, engagement.internal_notes) == (
        "verification",
        project,
        ENGAGEMENT_NOTE,
    )
    detail = f"{base}{reverse('audits:engagement-detail', args=[engagement.pk])}"
    expect(page).to_have_url(detail)
    page.locator('#engagement-actions button[data-action="plan"]').click()
    expect(status_of(page)).to_have_text("Planned")

    # (2) the team page: Björn cannot be assigned, and the page says why before anyone tries
    page.get_by_role("link", name="Team and candidates").click()
    bjorn = page.locator("#candidates tbody tr", has_text="Björn Auditor")
    expect(bjorn.locator("td").nth(1)).to_have_text("No")
    expect(bjorn.locator("td").nth(2)).to_have_text(BLOCKED_REASON)
    # as lead auditor (the candidates swapped in place), Lena can be assigned: nothing stands in her way
    page.locator("section[aria-labelledby=candidates-heading] select[name=role]").select_option(
        "lead_auditor"
    )
    expect(page.locator("#candidates caption")).to_have_text("Candidates as Lead auditor")
    lena = page.locator("#candidates tbody tr", has_text="Lena Lead")
    expect(lena.locator("td").nth(1)).to_have_text("Yes")
    expect(lena.locator("td").nth(2)).to_have_text("—")

    # the planner puts both on the team and proposes it; confirmation is refused, naming Björn and the rule
    add = page.locator("#team-add-form")
    add.locator("#id_membership").select_option(label="Lena Lead")
    add.locator("#id_role").select_option("lead_auditor")
    add.get_by_role("button", name="Add to the team").click()
    expect(page.locator("#team-members")).to_contain_text("Lena Lead")
    add.locator("#id_membership").select_option(label="Björn Auditor")
    add.locator("#id_role").select_option("auditor")
    add.get_by_role("button", name="Add to the team").click()
    expect(page.locator("#team-members")).to_contain_text("Björn Auditor")
    page.goto(detail)
    page.locator('#engagement-actions button[data-action="propose_team"]').click()
    expect(status_of(page)).to_have_text("Team proposed")
    page.locator('#engagement-actions button[data-action="confirm_team"]').click()
    expect(page.locator(".icr-messages .alert-danger")).to_have_text(BLOCKED_REASON)
    expect(status_of(page)).to_have_text("Team proposed")
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"

    # without Björn the team is confirmed, Lena's cleared declaration attached; the planner starts the fieldwork
    page.get_by_role("link", name="Team and candidates").click()
    page.locator("#team-members tr", has_text="Björn Auditor").get_by_role("button", name="Remove").click()
    expect(page.locator("#team-members")).not_to_contain_text("Björn Auditor")
    page.goto(detail)
    page.locator('#engagement-actions button[data-action="confirm_team"]').click()
    expect(status_of(page)).to_have_text("Team confirmed")
    expect(page.locator("#team")).to_contain_text("Lena Lead · Lead auditor")
    expect(page.locator("#team")).to_contain_text("declaration cleared")
    assert list(TeamMember.objects.filter(engagement=engagement).values_list("membership", "role")) == [
        (lead.pk, "lead_auditor")
    ]
    page.locator('#engagement-actions button[data-action="start"]').click()
    expect(status_of(page)).to_have_text("In progress")

    # (3) the lead auditor raises a corrective action request with its clause, evidence and an internal note
    log_in(page, base, lead.user.email)
    page.goto(detail)
    raise_form = page.locator("#finding-form")
    raise_form.locator("#id_kind").select_option("car")
    raise_form.locator("#id_clause").fill("ISO 14064-3 6.1.4")
    raise_form.locator("#id_statement").fill("The emission factor of the grid electricity is not justified.")
    raise_form.locator("#id_evidence").fill(EVIDENCE)
    raise_form.locator("#id_internal_note").fill(FINDING_NOTE)
    raise_form.get_by_role("button", name="Raise the finding").click()
    # the section is swapped in place with its own message (on the full page the message is shown once, above)
    expect(page.locator("#engagement-findings .icr-messages")).to_have_text("Finding 1 raised.")
    finding_row = page.locator("#findings tbody tr").first
    expect(finding_row).to_contain_text("ISO 14064-3 6.1.4")
    expect(finding_row).to_contain_text("Open")
    finding = Finding.objects.get(engagement=engagement)
    assert (finding.number, finding.kind, finding.evidence, finding.internal_note, finding.raised_by) == (
        1,
        "car",
        EVIDENCE,
        FINDING_NOTE,
        lead.user,
    )

    # (4) the client's user opens the engagement and the finding in the client view and answers it; the team's
    # and the body's internal notes are on none of the pages
    log_in(page, base, client_user.email)
    page.get_by_role("link", name="Hekla Geothermal hf.").click()
    page.locator("#client-view-nav").get_by_role("link", name="Audits").click()
    page.get_by_role("link", name=engagement.reference).click()
    expect(page.locator("#plan #team")).to_contain_text("Lena Lead")
    expect(page.locator("#findings")).to_contain_text("ISO 14064-3 6.1.4")
    expect(page.locator("body")).not_to_contain_text(ENGAGEMENT_NOTE)
    expect(page.locator("body")).not_to_contain_text(FINDING_NOTE)
    page.locator("#findings").get_by_role("link", name="1", exact=True).click()
    expect(page.locator("#finding")).to_contain_text(EVIDENCE)
    expect(page.locator("#finding")).to_contain_text("ISO 14064-3 6.1.4")
    expect(page.locator("body")).not_to_contain_text(FINDING_NOTE)
    respond = page.locator("#response-form")
    respond.locator("#id_root_cause").fill("The factor was copied from the 2019 template.")
    respond.locator("#id_correction").fill("The 2025 national grid factor is now used.")
    respond.locator("#id_corrective_action").fill("Factors are checked against the source every year.")
    respond.get_by_role("button", name="Send the response").click()
    expect(page.locator(".icr-messages")).to_contain_text("Your response was sent to the audit team.")
    expect(page.locator("#response-1")).to_contain_text("The 2025 national grid factor is now used.")
    expect(page.locator("#response-form")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(FINDING_NOTE)

    # (5) the lead auditor accepts and verifies the response, records the report as drafted and asks for the PDF
    log_in(page, base, lead.user.email)
    page.goto(detail)
    page.locator("#findings").get_by_role("link", name="1", exact=True).click()
    expect(page.locator("#finding .badge")).to_have_text("Response submitted")
    expect(page.locator("#internal-note")).to_have_text(FINDING_NOTE)
    expect(page.locator("#response-1")).to_contain_text("The factor was copied from the 2019 template.")
    actions = page.locator("#actions")
    actions.locator("#id_comment").fill("Accepted: the source is now cited.")
    actions.get_by_role("button", name="Accept the response").click()
    expect(page.locator("#finding .badge")).to_have_text("Response accepted")
    actions.locator("#id_note").fill("The 2025 monitoring report cites the national grid factor.")
    actions.get_by_role("button", name="Record the verification").click()
    expect(page.locator("#finding .badge")).to_have_text("Verified")
    finding.refresh_from_db()
    assert (finding.status, finding.verified_by) == ("verified", lead.user)

    page.goto(detail)
    page.locator('#engagement-actions button[data-action="draft_report"]').click()
    expect(status_of(page)).to_have_text("Report drafted")
    page.locator("#engagement-pdfs").get_by_role("button", name="Report (PDF)").click()
    download = page.locator("#engagement-report-pdf").get_by_role("link", name="(PDF)")
    expect(download).to_be_visible()
    response = page.request.get(f"{base}{download.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
