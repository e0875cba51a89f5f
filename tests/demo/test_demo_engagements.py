"""The demo's engagements complete issue 9 from a fresh database: every kind of engagement in a spread of
states, a multi-site client's audit with its IAF MD 1 sample recorded, findings in every state, a FAR carried over
to the next verification of the project, a clash on the planner's calendar and the PDFs ready — all through the
services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audits.models import Engagement, EngagementKind, Finding, FindingStatus
from audits.selectors import engagement_calendar
from bodies.models import Body, Membership
from documents.models import Document
from documents.rendering import document_html

BALTIC = "Baltic Management Systems Certification OÜ"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seeded_demo: None) -> None:
    """The demo, seeded once for this module (`tests/demo/conftest.py`); each test reads it in a savepoint."""


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


#: the certification part's lead auditor: the audits he leads are that part's (tests/demo/test_demo_certification.py)
CERTIFICATION_LEAD = "jaan@baltic-certification.example"


def test_the_demo_has_every_kind_of_engagement_in_every_state(demo: None) -> None:
    # every kind
    assert set(Engagement.objects.values_list("kind", flat=True)) == set(EngagementKind.values)
    # every state the services reach (the certification part decides and closes some, and leaves one under
    # review with its report back with the team)
    assert set(Engagement.objects.values_list("status", flat=True)) == {
        "draft",
        "planned",
        "team_proposed",
        "team_confirmed",
        "in_progress",
        "report_drafted",
        "under_review",
        "decided",
        "closed",
        "cancelled",
    }
    by_kind = {
        e.kind: e
        for e in Engagement.objects.exclude(status="cancelled")
        .exclude(team__membership__user__email=CERTIFICATION_LEAD)
        .select_related("reviewer__user")
    }
    # the validation and verification the engagements part sent to its reviewer, decided since
    assert by_kind["validation_verification"].status == "decided"
    assert by_kind["validation_verification"].reviewer.user.email == "einar@nordic-verification.example"
    assert by_kind["methodology_assessment"].status == "team_proposed"
    assert by_kind["methodology_assessment"].project_id is None
    assert (by_kind["product_evaluation"].status, by_kind["product_evaluation"].sites.count()) == (
        "planned",
        2,
    )
    assert (by_kind["recertification"].status, by_kind["transfer"].status, by_kind["special"].status) == (
        "team_confirmed",
        "planned",
        "draft",
    )
    # the fieldwork already done has its actual dates, not the day the demo was loaded
    for engagement in Engagement.objects.filter(
        status__in=["in_progress", "report_drafted", "under_review", "decided", "closed"]
    ):
        assert engagement.actual_start == engagement.planned_start, engagement.reference


def test_the_multi_site_surveillance_records_its_sample_and_audit_time(demo: None) -> None:
    surveillance = Engagement.objects.get(
        kind="surveillance", client__legal_name="Baltijos Metalo Konstrukcijos UAB"
    )
    stored = surveillance.audit_time
    # six sites, one the central function: 0.6 × √5 rounded up is 2, plus the central function
    assert (stored["sample"]["sites"], stored["sample"]["total_sites"]) == (5, 3)
    assert surveillance.sites.count() == 3
    assert surveillance.sites.filter(is_central_function=True).count() == 1
    assert stored["time"]["stage"] == "surveillance"
    assert surveillance.audit_days == 3.5


def test_the_demo_has_findings_in_every_state_and_a_far_carried_to_the_next_verification(demo: None) -> None:
    assert set(Finding.objects.values_list("status", flat=True)) == set(FindingStatus.values)
    carried = Finding.objects.select_related("engagement", "carried_from__engagement").get(
        carried_from__isnull=False
    )
    earlier = carried.carried_from.engagement
    assert (carried.kind, carried.status, carried.carried_from.kind) == ("far", "open", "far")
    # a later verification of the same project, planned after the one that raised the FAR
    assert carried.engagement.kind == earlier.kind == "verification"
    assert carried.engagement.project_id == earlier.project_id
    assert carried.engagement.planned_start > earlier.planned_start
    assert carried.statement == carried.carried_from.statement


def test_the_planners_calendar_shows_the_demo_clash_this_month_or_next(demo: None) -> None:
    # given the Baltic planner and the current and next month
    admin = User.objects.get(email="admin@baltic-certification.example")
    body = Body.objects.get(legal_name=BALTIC)
    today = timezone.localdate()
    start, end = today.replace(day=1), _month_after(_month_after(today)) - timedelta(days=1)

    # when the calendar is read
    calendar = engagement_calendar(body=body, user=admin, start=start, end=end)

    # then Kadri is booked twice, both teams confirmed (no gate refuses a double booking)
    assert len(calendar.clashes) == 1
    clash = calendar.clashes[0]
    assert clash.person.user.email == "kadri@baltic-certification.example"
    assert {clash.first.kind, clash.second.kind} == {"surveillance", "recertification"}
    assert {clash.first.status, clash.second.status} == {"team_confirmed"}
    assert (clash.start, clash.end) == (today + timedelta(days=11), today + timedelta(days=12))
    # and the calendar page of that month names it
    browser = WebClient(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(admin)
    page = browser.get(reverse("audits:engagement-calendar"), {"month": clash.start.strftime("%Y-%m")})
    assert page.status_code == 200
    first, second = clash.first.reference, clash.second.reference
    assert f"Kadri Kask is booked on {first} and {second} from" in page.content.decode()
    # the other body's calendar has no clash
    nordic = Membership.objects.select_related("user", "body").get(
        user__email="admin@nordic-verification.example"
    )
    assert engagement_calendar(body=nordic.body, user=nordic.user, start=start, end=end).clashes == []


def test_the_demo_audit_plan_and_report_are_ready(demo: None) -> None:
    documents = {d.kind: d for d in Document.objects.filter(kind__startswith="audits.")}
    assert set(documents) == {"audits.plan", "audits.report"}
    assert {d.status for d in documents.values()} == {"ready"}
    assert all(d.file.name.endswith(".pdf") and len(d.sha256) == 64 for d in documents.values())
    plan = Engagement.objects.get(pk=documents["audits.plan"].subject_id)
    report = Engagement.objects.get(pk=documents["audits.report"].subject_id)
    # the plan of the sampled multi-site surveillance, the report of the audit with its findings
    assert (plan.kind, report.kind) == ("surveillance", "stage_1")
    plan_html = document_html(documents["audits.plan"])
    assert plan.client.legal_name in plan_html
    assert "Sample (IAF MD 1)" in plan_html
    report_html = document_html(documents["audits.report"])
    assert report.client.legal_name in report_html
    assert report.findings.count() == 3
    for finding in report.findings.all():
        assert finding.statement in report_html
