"""Certification end to end in a real browser (issue 10): the independent reviewer comments on an ISO 9001 stage 2
report and returns it, the lead auditor answers and sends it back, the reviewer resolves the comment and completes
the review (each step swapped in place with htmx); a decision maker neither on the team nor the reviewer grants
certification and sees the certificate (the reviewer, though also a decision maker, is refused); an anonymous
visitor verifies the number on the public page; the decision maker suspends the certificate and the public page,
reloaded, says so at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from audits.services import engagement_send_to_review
from bodies.models import Role
from certification.models import Certificate, Decision, Review
from certification.services.programme import expiry_for
from core.grants import object_grant
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import (
    BodyFactory,
    ClientFactory,
    EngagementFactory,
    MembershipFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
    ms_engagement_kwargs,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SCOPE = "Design and manufacture of geothermal wellhead valves"
COMMENT = "Clause 8.5.1: the sampling of the production records is not explained."
ANSWER = "Twelve batches were sampled, listed in annex B of the report."
SUSPENSION = "The client refused the surveillance audit due in March."


def log_in(page: Any, base_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#id_password")).to_have_count(0)


def review_status(page: Any) -> Any:
    return page.locator("#review-section [data-review-status]")


def mark_document(page: Any) -> None:
    """A flag on the loaded document: still there after a click, the section was swapped in place (no page load)."""
    page.evaluate("window.icrNoReload = true")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("window.icrNoReload === true"), "the page was reloaded instead of swapped in place"


def displayed(day: Any) -> str:
    with translation.override("en"):
        return formats.date_format(day)


def test_review_decision_certificate_public_verification_and_suspension(
    page: Any, browser: Any, live_server: Any, reference_data: None
) -> None:
    # given an ISO 9001 stage 2 of a client with one site, its report drafted by a team led by Lena, and a planner
    # who sends it to Rúna (an independent reviewer who is also a decision maker); Dagur decides
    base = live_server.url
    body = BodyFactory(legal_name="Geysir Certification ehf.", short_name="GEYSIR")
    planner = MembershipFactory(
        user=UserFactory(email="anna@geysir.example", full_name="Anna Planner"),
        body=body,
        roles=[Role.BODY_ADMIN],
    ).user
    client = ClientFactory(body=body, legal_name="Hekla Valves hf.")
    site = SiteFactory(client=client, name="Hafnarfjörður works")
    finished = timezone.localdate() - timedelta(days=10)
    engagement = EngagementFactory(
        body=body,
        status="report_drafted",
        scope=SCOPE,
        planned_start=finished - timedelta(days=2),
        planned_end=finished,
        **ms_engagement_kwargs(body, "stage_2", client=client),
    )
    engagement.sites.set([site])
    lead = MembershipFactory(
        user=UserFactory(email="lena@geysir.example", full_name="Lena Lead"),
        body=body,
        roles=[Role.LEAD_AUDITOR],
    )
    TeamMemberFactory(engagement=engagement, membership=lead, role=Role.LEAD_AUDITOR)
    object_grant(obj=engagement, user=lead.user, actor=planner)
    reviewer = MembershipFactory(
        user=UserFactory(email="runa@geysir.example", full_name="Rúna Reviewer"),
        body=body,
        roles=[Role.INDEPENDENT_REVIEWER, Role.DECISION_MAKER],
    )
    decider = MembershipFactory(
        user=UserFactory(email="dagur@geysir.example", full_name="Dagur Decider"),
        body=body,
        roles=[Role.DECISION_MAKER],
    ).user
    engagement_send_to_review(engagement=engagement, actor=planner, reviewer=reviewer)

    # (1) the reviewer opens the report from her waiting list, comments and returns it — all in place
    log_in(page, base, reviewer.user.email)
    page.goto(f"{base}{reverse('certification:review-waiting')}")
    page.locator("#reviews-waiting").get_by_role("link", name=engagement.reference).click()
    mark_document(page)
    page.locator('#review-section button[data-action="open"]').click()
    expect(review_status(page)).to_have_text("In review")
    page.locator("#review-comment-text").fill(COMMENT)
    page.locator('#review-section button[data-action="comment"]').click()
    expect(page.locator("#review-section .list-group-item")).to_contain_text(COMMENT)
    page.locator("#review-return-reason").fill("Please answer the comment on sampling.")
    page.locator('#review-section button[data-action="return"]').click()
    expect(review_status(page)).to_have_text("Returned to the team")
    expect(page.locator('#review-section button[data-action="complete"]')).to_have_count(0)
    assert_not_reloaded(page)

    # the lead auditor finds it returned to her team, answers the comment and sends the report back
    log_in(page, base, lead.user.email)
    page.goto(f"{base}{reverse('certification:review-waiting')}")
    page.locator("#reviews-returned").get_by_role("link", name=engagement.reference).click()
    mark_document(page)
    comment = page.locator("#review-section .list-group-item", has_text=COMMENT)
    comment.get_by_label("Answer").fill(ANSWER)
    comment.get_by_role("button", name="Save the answer").click()
    expect(page.locator("#review-section .list-group-item", has_text=COMMENT)).to_contain_text(ANSWER)
    page.locator('#review-section button[data-action="resubmit"]').click()
    expect(review_status(page)).to_have_text("In review")
    assert_not_reloaded(page)

    # the reviewer resolves the answered comment and completes the review
    log_in(page, base, reviewer.user.email)
    page.goto(f"{base}{reverse('certification:review-detail', args=[engagement.pk])}")
    mark_document(page)
    comment = page.locator("#review-section .list-group-item", has_text=COMMENT)
    expect(comment).to_contain_text(ANSWER)
    comment.get_by_role("button", name="Resolve").click()
    expect(page.locator("#review-section .list-group-item", has_text=COMMENT).locator(".badge")).to_have_text(
        "resolved"
    )
    page.locator("#review-conclusion").fill("The report supports a decision; the sampling is explained.")
    page.locator('#review-section button[data-action="complete"]').click()
    expect(review_status(page)).to_have_text("Completed")
    assert_not_reloaded(page)
    engagement.refresh_from_db()
    review = Review.objects.get(engagement=engagement)
    assert (engagement.status, review.status, review.round) == ("awaiting_decision", "completed", 2)

    # Rúna also holds the decision maker role, but she reviewed it: the page warns her and the decision is refused
    page.goto(f"{base}{reverse('certification:decision-create')}?engagement={engagement.pk}")
    separation = f"Rúna Reviewer reviewed {engagement.reference} and may not decide it."
    expect(page.locator("#separation-warning")).to_have_text(separation)
    form = page.locator("#decision-form")
    form.locator("#id_kind").select_option(label="Grant certification")
    form.locator("#id_rationale").fill("I reviewed it, so I know it is fine.")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        form.get_by_role("button", name="Record the decision").click()
    assert refused.value.status == 403
    expect(page.get_by_role("heading", name="You are not allowed to do this")).to_be_visible()
    assert not Decision.objects.exists()

    # (2) the decision maker, on neither the team nor the review, grants certification from the waiting list
    log_in(page, base, decider.email)
    page.goto(f"{base}{reverse('certification:decision-waiting')}")
    page.locator("#decisions-waiting tr", has_text=engagement.reference).get_by_role(
        "link", name="Decide"
    ).click()
    expect(page.locator("#separation-warning")).to_have_count(0)
    form = page.locator("#decision-form")
    form.locator("#id_kind").select_option(label="Grant certification")
    form.locator("#id_rationale").fill("Stage 2 found no nonconformity; the review is complete.")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".icr-messages")).to_contain_text("Decision recorded: Grant certification.")
    certificate = Certificate.objects.get(body=body)
    expires_on = expiry_for(timezone.localdate())
    assert (certificate.status, certificate.expires_on, certificate.scope) == ("valid", expires_on, SCOPE)
    page.locator("#decision-record").get_by_role("link", name=certificate.number).click()
    expect(page.locator("h1")).to_contain_text(certificate.number)
    expect(page.locator("#certificate-status")).to_have_text("Valid")
    valid_until = page.locator("dt", has_text="Valid until").locator("xpath=following-sibling::dd[1]")
    expect(valid_until).to_have_text(displayed(expires_on))

    # (3) anyone, not logged in, verifies the number on the public page
    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    public.set_default_timeout(TIMEOUT_MS)
    try:
        visitor = public.new_page()
        visitor.goto(f"{base}{reverse('verify:home')}")
        visitor.get_by_label("Certificate or statement number").fill(certificate.number)
        visitor.get_by_role("button", name="Verify").click()
        record = visitor.locator(".verification-record")
        expect(record).to_have_count(1)
        expect(record.get_by_role("status")).to_have_text("Valid")
        for label, value in (
            ("Certificate", certificate.number),
            ("Issued by", "Geysir Certification ehf."),
            ("Client", "Hekla Valves hf."),
            ("Scope", SCOPE),
            ("Sites", "Hafnarfjörður works, Iceland"),
            ("Expires", displayed(expires_on)),
        ):
            term = record.locator("dt", has_text=label).first
            expect(term.locator("xpath=following-sibling::dd[1]")).to_have_text(value)
        expect(visitor.locator("body")).not_to_contain_text("Dagur Decider")

        # (4) the decision maker suspends the certificate from its page
        page.locator("#decision-actions").get_by_role("link", name="Suspend", exact=True).click()
        form = page.locator("#decision-form")
        expect(form.locator("#id_kind")).to_have_value("suspend")
        form.locator("#id_rationale").fill(SUSPENSION)
        form.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".icr-messages")).to_contain_text("Decision recorded: Suspend.")
        page.locator("#decision-record").get_by_role("link", name=certificate.number).click()
        expect(page.locator("#certificate-status")).to_have_text("Suspended")

        # the public page, reloaded, shows the suspension at once (no sweep, no cache)
        visitor.reload()
        record = visitor.locator(".verification-record")
        expect(record.get_by_role("status")).to_contain_text("Suspended")
        expect(record.get_by_role("status")).to_contain_text(
            "This certificate does not certify anything at present."
        )
        expect(record).to_have_attribute("data-status", "suspended")
    finally:
        public.close()
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    assert list(
        Decision.objects.filter(body=body).order_by("created_at").values_list("kind", "decided_by__user")
    ) == [
        ("grant", decider.pk),
        ("suspend", decider.pk),
    ]
