"""An engagement's audit plan and report as PDFs through the documents engine: who may ask and from which status,
who reads them, the report's facts (findings, conclusions, disclosure, reviewer), the portal's request view, and
a report of 200 findings laid out over several pages."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from audits.documents import AUDIT_PLAN_PDF, REPORT_PDF, plan_pdf_context, report_pdf_context
from audits.models import Engagement
from bodies.models import Membership, Role
from core.errors import PermissionDenied
from core.grants import object_grant
from documents.models import Document
from documents.registry import get_kind
from documents.rendering import document_html
from documents.services import document_render, document_request
from tests.factories import (
    ClientUserFactory,
    EngagementFactory,
    FindingFactory,
    MembershipFactory,
    TeamMemberFactory,
)
from tests.helpers import signed_in, url


def _engagement(world: Any, status: str, **kwargs: Any) -> Any:
    engagement: Any = EngagementFactory(body=world.a.body, status=status, **kwargs)
    TeamMemberFactory(
        engagement=engagement,
        membership=Membership.objects.get(user=world.a.member, body=world.a.body),
        role=Role.LEAD_AUDITOR,
    )
    object_grant(obj=engagement, user=world.a.member, actor=world.a.admin)  # what team_member_add does
    return engagement


def _request(engagement: Any, kind: str, actor: Any) -> Document:
    return document_request(kind=kind, subject=engagement, body=engagement.body, actor=actor)


def test_the_plan_renders_and_is_stored_with_its_sha256(world):
    engagement = _engagement(world, "planned", audit_time_justification="Entered by hand: no MD 5 table.")

    document = _request(engagement, AUDIT_PLAN_PDF, world.a.admin)
    rendered = document_render(document_id=document.pk)

    assert rendered.status == "ready"
    content = rendered.file.read()
    assert content[:5] == b"%PDF-"
    assert rendered.sha256 == hashlib.sha256(content).hexdigest()
    context = plan_pdf_context(rendered)
    assert [member.membership.user for member in context["team"]] == [world.a.member]
    assert context["is_verification"] is True


def test_the_report_carries_findings_conclusions_disclosure_and_reviewer(world):
    reviewer = MembershipFactory(body=world.a.body, roles=[Role.INDEPENDENT_REVIEWER])
    engagement = _engagement(
        world,
        "report_drafted",
        report_conclusions="The assertion is free of material misstatement.",
        same_body_validated=True,
        reviewer=reviewer,
    )
    FindingFactory(engagement=engagement, number=1, statement="First finding statement.")
    FindingFactory(engagement=engagement, number=2, statement="Second finding statement.")
    document = _request(engagement, REPORT_PDF, world.a.member)

    html = document_html(document)
    rendered = document_render(document_id=document.pk)

    assert rendered.status == "ready"
    assert "First finding statement." in html and "Second finding statement." in html
    assert "The assertion is free of material misstatement." in html
    assert "the same body validated this project" in html
    assert "Reasonable assurance" in html and "5.00 %" in html
    assert reviewer.user.full_name in html
    assert "TEAM-NOTE" not in html and "Check again with the calibration certificates" not in html


def test_the_report_context_costs_a_constant_few_queries(world):
    engagement = _engagement(world, "report_drafted")
    small = _request(engagement, REPORT_PDF, world.a.admin)
    FindingFactory(engagement=engagement, number=1)
    with CaptureQueriesContext(connection) as few:
        report_pdf_context(small)
    for number in range(2, 22):
        FindingFactory(engagement=engagement, number=number)
    with CaptureQueriesContext(connection) as many:
        report_pdf_context(small)
    assert len(few) == len(many) <= 6


@pytest.mark.parametrize(
    ("kind", "refused", "allowed"),
    [(AUDIT_PLAN_PDF, "draft", "planned"), (REPORT_PDF, "in_progress", "report_drafted")],
)
def test_a_request_before_the_status_is_refused_and_nothing_is_stored(world, kind, refused, allowed):
    early = _engagement(world, refused)
    with pytest.raises(PermissionDenied):
        _request(early, kind, world.a.admin)
    assert Document.objects.count() == 0

    on_time = _engagement(world, allowed)
    assert _request(on_time, kind, world.a.admin).status == "pending"


def test_a_cancelled_engagement_prints_nothing(world):
    engagement = _engagement(world, "cancelled")
    assert not get_kind(AUDIT_PLAN_PDF).can_request(world.a.admin, engagement)
    assert not get_kind(REPORT_PDF).can_request(world.a.admin, engagement)


def test_only_a_planner_or_the_lead_auditor_may_ask(world):
    engagement = _engagement(world, "report_drafted")
    auditor = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR])
    TeamMemberFactory(engagement=engagement, membership=auditor, role=Role.AUDITOR)

    for person in (auditor.user, world.b.admin, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            _request(engagement, REPORT_PDF, person)
    assert Document.objects.count() == 0
    assert _request(engagement, REPORT_PDF, world.a.member).status == "pending"  # the lead auditor
    assert _request(engagement, REPORT_PDF, world.a.admin).status == "pending"  # a planner
    assert (
        _request(engagement, REPORT_PDF, world.staff).status == "pending"
    )  # registry staff, like every body perm


def test_the_engagement_readers_read_the_documents_and_nobody_else(world):
    engagement = _engagement(world, "report_drafted")
    outsider = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR]).user
    document = _request(engagement, REPORT_PDF, world.a.admin)

    assert list(Document.objects.visible_to(world.a.member)) == [document]  # on the team
    assert list(Document.objects.visible_to(world.a.admin)) == [document]  # every engagement of the body
    assert list(Document.objects.visible_to(outsider)) == []  # the body's auditor, not on this team
    assert list(Document.objects.visible_to(world.b.admin)) == []  # another body


def test_the_portal_button_asks_for_the_report(world, login):
    engagement = _engagement(world, "report_drafted")
    client = login(world.a.member)

    page = client.get(reverse("audits:engagement-detail", args=[engagement.pk]))
    asked = client.post(
        reverse("audits:engagement-pdf", args=[engagement.pk, "report"]), HTTP_HX_REQUEST="true"
    )

    assert "Report (PDF)" in page.content.decode() and "Audit plan (PDF)" in page.content.decode()
    assert asked.status_code == 200
    assert list(Document.objects.values_list("kind", flat=True)) == [REPORT_PDF]


def test_the_portal_view_refuses_and_hides_across_bodies(world, login):
    engagement = _engagement(world, "in_progress")
    other = EngagementFactory(body=world.b.body, status="report_drafted")

    refused = login(world.a.admin).post(reverse("audits:engagement-pdf", args=[engagement.pk, "report"]))
    hidden = login(world.a.admin).post(reverse("audits:engagement-pdf", args=[other.pk, "report"]))
    unknown = login(world.a.admin).post(reverse("audits:engagement-pdf", args=[engagement.pk, "minutes"]))

    assert (refused.status_code, hidden.status_code, unknown.status_code) == (403, 404, 404)
    assert Document.objects.count() == 0


def test_a_report_of_200_findings_renders_over_several_pages(world):
    engagement = _engagement(world, "report_drafted")
    for number in range(1, 201):
        FindingFactory(
            engagement=engagement,
            number=number,
            statement=f"Finding statement number {number} of the report.",
        )
    document = _request(engagement, REPORT_PDF, world.a.admin)

    html = document_html(document)
    rendered = document_render(document_id=document.pk)

    assert rendered.status == "ready"
    content = rendered.file.read()
    assert content[:5] == b"%PDF-"
    # the stored PDF's objects are compressed: lay out the same HTML as the engine does and count its pages
    from weasyprint import HTML

    layout = HTML(string=html).render()
    assert len(layout.pages) >= 5
    last_page_text = "".join(box.text for box in _text_boxes(layout.pages[-1]._page_box))
    assert "Finding statement number 200" in last_page_text
    assert last_page_text.startswith("No.KindClauseFindingStatusResponse")  # the table's header repeats
    assert html.count("<tr>") >= 201
    assert "Finding statement number 200 of the report." in html


def _text_boxes(box: Any) -> Any:
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def test_the_api_asks_for_the_plan_and_the_report(world):
    engagement = _engagement(world, "report_drafted")
    client = signed_in(world.a.member)  # the lead auditor

    plan = client.post(url("engagement-plan-pdf", engagement.pk))
    report = client.post(url("engagement-report-pdf", engagement.pk))

    assert (plan.status_code, report.status_code) == (202, 202)
    assert sorted(Document.objects.values_list("kind", flat=True)) == [AUDIT_PLAN_PDF, REPORT_PDF]


def test_the_api_refuses_before_the_status_and_hides_across_bodies(world):
    early = _engagement(world, "in_progress")
    other = EngagementFactory(body=world.b.body, status="report_drafted")

    refused = signed_in(world.a.admin).post(url("engagement-report-pdf", early.pk))
    hidden = signed_in(world.a.admin).post(url("engagement-report-pdf", other.pk))
    anonymous = APIClient().post(url("engagement-plan-pdf", early.pk))

    assert (refused.status_code, hidden.status_code, anonymous.status_code) == (403, 404, 401)
    assert refused.json()["code"] == "request_not_allowed"
    assert Document.objects.count() == 0


def _decided_with_report(world: Any, status: str = "report_drafted") -> tuple[Any, Document]:
    engagement = _engagement(world, "report_drafted")
    document = document_render(document_id=_request(engagement, REPORT_PDF, world.a.admin).pk)
    Engagement.objects.filter(pk=engagement.pk).update(status=status)
    engagement.refresh_from_db()
    return engagement, document


@pytest.mark.parametrize("status", ["decided", "closed"])
def test_the_client_user_downloads_their_own_final_report_once_decided(world, login, status):
    engagement, document = _decided_with_report(world, status)
    client = login(ClientUserFactory(client=engagement.client).user)

    page = client.get(reverse("audits:client-engagement", args=[engagement.pk]))
    download = client.get(reverse("audits:client-report", args=[engagement.pk]))

    assert "Download the final report (PDF)" in page.content.decode()
    assert download.status_code == 200
    assert download["X-Content-SHA256"] == document.sha256


@pytest.mark.parametrize("status", ["report_drafted", "under_review", "awaiting_decision"])
def test_before_the_decision_the_client_user_sees_no_report(world, login, status):
    engagement, _document = _decided_with_report(world, status)
    client = login(ClientUserFactory(client=engagement.client).user)

    page = client.get(reverse("audits:client-engagement", args=[engagement.pk]))
    download = client.get(reverse("audits:client-report", args=[engagement.pk]))

    assert "The final report will be available here" in page.content.decode()
    assert download.status_code == 404


def test_another_clients_user_and_the_body_never_read_it_through_the_client_view(world, login):
    engagement, _document = _decided_with_report(world, "decided")
    other_client_user = ClientUserFactory(client=EngagementFactory(body=world.a.body).client).user

    stranger = login(other_client_user).get(reverse("audits:client-report", args=[engagement.pk]))
    member = login(world.a.admin).get(reverse("audits:client-report", args=[engagement.pk]))

    assert (stranger.status_code, member.status_code) == (404, 404)
    assert list(Document.objects.visible_to(other_client_user)) == []


def test_the_plan_prints_the_stored_calculation_and_sample_in_english(world):
    from audits.audit_time import audit_time
    from audits.sampling import sample_size

    calculation = audit_time(scheme="qms", stage="initial", effective_personnel=100, on=date(2026, 1, 1))
    sample = sample_size(sites=16, stage="initial")
    engagement = _engagement(
        world,
        "planned",
        audit_days=calculation.days,
        audit_time={"time": calculation.as_dict(), "sample": sample.as_dict()},
        audit_time_justification="Recorded by the planner.",
    )
    document = _request(engagement, AUDIT_PLAN_PDF, world.a.admin)

    with translation.override("is"):
        context = plan_pdf_context(document)
        html = document_html(document)

    with translation.override("en"):
        assert context["time_calculation"] == calculation.justification_text()
        assert context["sample_rule"] == sample.justification_text()
    assert context["time_calculation"] and context["sample_rule"]
    assert "Recorded by the planner." in html
