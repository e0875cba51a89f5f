"""The team's findings pages (the engagement page's findings section, a finding's page and its actions), the
reminders' link, and the findings' deadlines (response due before / on the day / overdue, waiting for
verification), each reminder once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from audits.models import Finding, FindingResponse
from audits.services import finding_raise, finding_response_accept, finding_response_submit
from bodies.models import Membership, Role
from core.models import AuditEvent
from reminders.models import Notification
from reminders.services.sweep import deadlines_sweep
from tests.factories import ClientUserFactory, EngagementFactory, FindingFactory, TeamMemberFactory
from tests.helpers import assert_flat_queries

CL = {
    "kind": "cl",
    "clause": "6.1.4",
    "statement": "No source.",
    "evidence": "MR v2",
    "internal_note": "TEAM-NOTE",
}
RESPONSE = {"root_cause": "No procedure", "correction": "Source added", "corrective_action": "Procedure P-7"}


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


@pytest.fixture
def case(world) -> Any:  # type: ignore[no-untyped-def]
    """An engagement of body A in progress, audit days 1–3 Dec 2026, member A its lead auditor; a client user."""
    engagement = EngagementFactory(
        body=world.a.body,
        status="in_progress",
        planned_start=date(2026, 12, 1),
        planned_end=date(2026, 12, 3),
    )
    TeamMemberFactory(
        engagement=engagement,
        membership=Membership.objects.get(user=world.a.member, body=world.a.body),
        role=Role.LEAD_AUDITOR,
    )
    client_user = ClientUserFactory(client=engagement.client).user

    class Case:
        pass

    c = Case()
    c.engagement, c.client_user = engagement, client_user  # type: ignore[attr-defined]
    return c


def test_the_team_raises_a_finding_in_the_section_over_htmx(case, world, login):
    client = login(world.a.member)

    shown = client.get(url("audits:engagement-findings", case.engagement.pk), HTTP_HX_REQUEST="true")
    raised = client.post(url("audits:engagement-findings", case.engagement.pk), CL, HTTP_HX_REQUEST="true")
    refused = client.post(
        url("audits:engagement-findings", case.engagement.pk),
        {**CL, "kind": "major_nc"},
        HTTP_HX_REQUEST="true",
    )

    assert 'id="finding-form"' in shown.content.decode()
    assert raised.status_code == 200 and "6.1.4" in raised.content.decode()
    assert refused.status_code == 400
    assert list(Finding.objects.values_list("number", "kind")) == [(1, "cl")]


def test_a_reader_of_every_engagement_sees_the_section_without_the_form_and_cannot_raise(case, world, login):
    client = login(world.a.admin)

    shown = client.get(url("audits:engagement-findings", case.engagement.pk))
    refused = client.post(url("audits:engagement-findings", case.engagement.pk), CL)

    assert shown.status_code == 200 and 'id="finding-form"' not in shown.content.decode()
    assert refused.status_code == 403
    assert Finding.objects.count() == 0


def test_the_finding_page_shows_the_internal_note_to_the_team_and_the_actions_work(case, world, login):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)
    finding_response_submit(finding=finding, actor=case.client_user, fields=RESPONSE)
    client = login(world.a.member)

    page = client.get(url("audits:finding-detail", finding.pk)).content.decode()
    rejected = client.post(url("audits:finding-reject", finding.pk), {"comment": "Too shallow"})

    assert "TEAM-NOTE" in page and "No procedure" in page and "Reject the response" in page
    assert rejected.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.rounds) == ("open", 1)
    assert FindingResponse.objects.get().comment == "Too shallow"


def test_a_rejection_without_a_comment_changes_nothing(case, world, login):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)
    finding_response_submit(finding=finding, actor=case.client_user, fields=RESPONSE)
    events = AuditEvent.objects.count()

    login(world.a.member).post(url("audits:finding-reject", finding.pk), {"comment": ""})

    finding.refresh_from_db()
    assert (finding.status, finding.rounds, AuditEvent.objects.count()) == ("response_submitted", 0, events)


def test_another_body_and_people_off_the_engagement_get_404(case, world, login):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)

    for user in (world.b.admin, world.b.member):
        client = login(user)
        for name in ("audits:finding-detail", "audits:finding-edit", "audits:finding-open"):
            assert client.get(url(name, finding.pk)).status_code == 404
        assert client.post(url("audits:finding-close", finding.pk)).status_code == 404
        assert client.get(url("audits:engagement-findings", case.engagement.pk)).status_code == 404
    finding.refresh_from_db()
    assert finding.status == "open"


def test_the_reminders_link_leads_each_person_to_their_page(case, world, login):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)

    to_client = login(case.client_user).get(url("audits:finding-open", finding.pk))
    to_team = login(world.a.member).get(url("audits:finding-open", finding.pk))

    assert to_client["Location"] == url("audits:client-finding", finding.pk)
    assert to_team["Location"] == url("audits:finding-detail", finding.pk)


def test_the_findings_section_keeps_a_constant_query_count(case, world, login):
    client = login(world.a.member)

    def more(n: int) -> None:
        top = Finding.objects.filter(engagement=case.engagement).count()
        for i in range(n):
            FindingFactory(engagement=case.engagement, number=top + i + 1)

    assert_flat_queries(client, url("audits:engagement-findings", case.engagement.pk), more)


# --- deadlines ------------------------------------------------------------------------------------------------


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_a_response_due_reminds_the_client_and_the_lead_auditor_before_on_the_day_and_overdue_once(
    case, world, settings
):
    settings.FINDING_RESPONSE_REMINDER_OFFSETS = [-7, 0, 1]
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)
    due = finding.due_on
    assert due == date(2027, 1, 2)

    def told(day: date) -> list[tuple[str, str]]:
        deadlines_sweep(now=noon(day), enqueue_email=False)
        deadlines_sweep(now=noon(day), enqueue_email=False)  # twice: nothing new
        rows = Notification.objects.filter(deadline__subject_id=str(finding.pk), offset_days=(day - due).days)
        return sorted((n.user.email, n.title) for n in rows)

    assert told(due - timedelta(days=8)) == []
    before = told(due - timedelta(days=7))
    on_the_day = told(due)
    overdue = told(due + timedelta(days=1))

    reference = case.engagement.reference
    assert [email for email, _ in before] == sorted([case.client_user.email, world.a.member.email])
    assert {title for _, title in before} == {f"Response to finding 1 of {reference} due in 7 days"}
    assert {title for _, title in on_the_day} == {f"Response to finding 1 of {reference} due today"}
    assert {title for _, title in overdue} == {f"Response to finding 1 of {reference} overdue"}
    assert Notification.objects.filter(deadline__subject_id=str(finding.pk)).count() == 6


def test_a_response_received_stops_the_reminders(case, world, settings):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)
    finding_response_submit(finding=finding, actor=case.client_user, fields=RESPONSE)

    deadlines_sweep(now=noon(finding.due_on + timedelta(days=1)), enqueue_email=False)

    assert not Notification.objects.filter(deadline__subject_id=str(finding.pk)).exists()


def test_an_accepted_response_waiting_for_verification_reminds_the_lead_auditor_once(case, world, settings):
    settings.FINDING_VERIFICATION_REMINDER_DAYS = 60
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)
    finding_response_submit(finding=finding, actor=case.client_user, fields=RESPONSE)
    finding_response_accept(finding=finding, actor=world.a.member)
    day = datetime.now(UTC).date() + timedelta(days=60)

    deadlines_sweep(now=noon(day - timedelta(days=1)), enqueue_email=False)
    assert not Notification.objects.filter(kind="audits.finding_verification_due").exists()
    deadlines_sweep(now=noon(day), enqueue_email=False)
    deadlines_sweep(now=noon(day + timedelta(days=1)), enqueue_email=False)

    told = Notification.objects.filter(kind="audits.finding_verification_due")
    assert [(n.user, n.title) for n in told] == [
        (world.a.member, f"Finding 1 of {case.engagement.reference} waits for verification")
    ]


def test_the_section_included_with_the_engagement_alone_loads_itself(case, rf):
    from django.template.loader import render_to_string

    html = render_to_string(
        "audits/findings/partials/_engagement_findings.html", {"engagement": case.engagement}
    )

    assert f'hx-get="{url("audits:engagement-findings", case.engagement.pk)}"' in html
    assert 'id="findings"' not in html


def test_a_planner_records_a_response_received_by_email_and_the_page_says_so(case, world, login):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)

    refused = login(world.a.member).post(url("audits:finding-record-response", finding.pk), RESPONSE)
    recorded = login(world.a.admin).post(url("audits:finding-record-response", finding.pk), RESPONSE)
    page = login(world.a.member).get(url("audits:finding-detail", finding.pk)).content.decode()

    assert (refused.status_code, recorded.status_code) == (403, 302)
    response = FindingResponse.objects.get()
    assert (response.version, response.submitted_by) == (1, world.a.admin)
    assert "recorded on the client" in page


def test_a_findings_deadlines_are_read_only_by_those_who_read_the_finding(case, world):
    from reminders.models import Deadline
    from tests.factories import MembershipFactory

    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)
    outsider = MembershipFactory(body=world.a.body).user

    def seen_by(user: Any) -> list[str]:
        return list(
            Deadline.objects.visible_to(user)
            .filter(subject_id=str(finding.pk))
            .values_list("kind", flat=True)
        )

    assert seen_by(world.a.member) == ["audits.finding_response_due"]
    assert seen_by(world.a.admin) == ["audits.finding_response_due"]
    assert seen_by(outsider) == []
    assert seen_by(world.b.admin) == []


def test_the_internal_note_is_shown_to_the_team_only(case, world, login):
    finding = finding_raise(engagement=case.engagement, actor=world.a.member, fields=CL)

    team = login(world.a.member).get(url("audits:finding-detail", finding.pk)).content.decode()
    reader = login(world.a.admin).get(url("audits:finding-detail", finding.pk)).content.decode()

    assert "TEAM-NOTE" in team
    assert "TEAM-NOTE" not in reader and "No source." in reader
