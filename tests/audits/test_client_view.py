"""The client view of engagements: a client's users read their engagements' plan and the findings addressed to
them, and answer; never the team's internal notes, the engagement's internal notes, the declarations or the
internal audit-time calculation; other clients' and other bodies' engagements are 404."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Finding, FindingResponse
from audits.services import (
    finding_evidence_add,
    finding_raise,
    finding_response_reject,
    finding_response_submit,
)
from bodies.models import Membership, Role
from core.models import AuditEvent
from tests.factories import (
    ClientFactory,
    ClientUserFactory,
    DeclarationFactory,
    EngagementFactory,
    FindingFactory,
    RelationshipFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.helpers import assert_flat_queries


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


SECRETS = ("TEAM-ONLY-NOTE", "ENGAGEMENT-INTERNAL-NOTE", "TIME-CALCULATION-SECRET", "DECLARED-RELATIONSHIP")
CL = {
    "kind": "cl",
    "clause": "ISO 14064-3 6.1.4",
    "statement": "The emission factor has no source.",
    "evidence": "Monitoring report v2, table 4",
    "internal_note": "TEAM-ONLY-NOTE",
}


@pytest.fixture
def case(world) -> Any:  # type: ignore[no-untyped-def]
    """A GHG verification of body A in progress with a lead auditor (member A, with a declaration naming a
    relationship), a site, internal notes and an audit-time calculation; a client user of its client; one open
    CL with an internal note and a team evidence file."""
    client = ClientFactory(body=world.a.body, legal_name="Hekla Geothermal hf.")
    engagement = EngagementFactory(
        body=world.a.body,
        client=client,
        project__proponent=client,
        reference="ENG-CLIENT-1",
        status="in_progress",
        planned_start=date(2026, 12, 1),
        planned_end=date(2026, 12, 3),
        internal_notes="ENGAGEMENT-INTERNAL-NOTE",
        audit_time={"explanation": "TIME-CALCULATION-SECRET"},
        audit_time_justification="TIME-CALCULATION-SECRET",
        audit_days=3,
    )
    engagement.sites.add(SiteFactory(client=client, name="Reykjanes plant"))
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)
    declaration = DeclarationFactory(membership=membership)
    RelationshipFactory(declaration=declaration, description="DECLARED-RELATIONSHIP")
    TeamMemberFactory(
        engagement=engagement, membership=membership, role=Role.LEAD_AUDITOR, declaration=declaration
    )
    client_user = ClientUserFactory(client=client).user
    finding = finding_raise(engagement=engagement, actor=world.a.member, fields=CL)
    finding_evidence_add(
        finding=finding, actor=world.a.member, upload=SimpleUploadedFile("table-4.pdf", b"%PDF-1.7 table 4")
    )

    class Case:
        pass

    c = Case()
    c.engagement, c.client, c.client_user, c.finding = engagement, client, client_user, finding  # type: ignore[attr-defined]
    return c


def _page(client, name: str, *args: Any) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url(name, *args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_client_reads_its_engagements_plan_and_findings_but_no_internal_field(case, login):
    client = login(case.client_user)

    listing = _page(client, "audits:client-engagements", case.client.pk)
    plan = _page(client, "audits:client-engagement", case.engagement.pk)
    finding = _page(client, "audits:client-finding", case.finding.pk)

    assert "ENG-CLIENT-1" in listing and "GHG verification" in listing
    assert "Member A" in plan and "Lead auditor" in plan and "Reykjanes plant" in plan
    assert "ISO 14064-3 6.1.4" in plan and "Final report" in plan
    assert "The emission factor has no source." in finding
    assert "Monitoring report v2, table 4" in finding and "table-4.pdf" in finding
    for page in (listing, plan, finding):
        for secret in SECRETS:
            assert secret not in page, secret


def test_the_navigation_of_the_client_view_links_to_audits(case, login):
    page = _page(login(case.client_user), "clients:client-view-client", case.client.pk)

    assert url("audits:client-engagements", case.client.pk) in page


def test_a_draft_engagement_is_not_shown_to_the_client(case, world, login):
    draft = EngagementFactory(
        body=world.a.body, client=case.client, project__proponent=case.client, status="draft"
    )
    client = login(case.client_user)

    assert client.get(url("audits:client-engagement", draft.pk)).status_code == 404
    assert draft.reference not in _page(client, "audits:client-engagements", case.client.pk)


@pytest.mark.parametrize("who", ["other_client_user", "member_a", "admin_a", "member_b", "staff"])
def test_nobody_else_reads_the_client_pages(case, world, login, who):
    other = ClientUserFactory(client=ClientFactory(body=world.a.body)).user
    user = {
        "other_client_user": other,
        "member_a": world.a.member,
        "admin_a": world.a.admin,
        "member_b": world.b.member,
        "staff": world.staff,
    }[who]
    client = login(user)
    file = case.finding.files.get()

    for path in (
        url("audits:client-engagements", case.client.pk),
        url("audits:client-engagement", case.engagement.pk),
        url("audits:client-finding", case.finding.pk),
        url("audits:client-finding-file", case.finding.pk, file.pk),
    ):
        assert client.get(path).status_code == 404, path
    before = FindingResponse.objects.count()
    assert client.post(url("audits:client-finding", case.finding.pk), {"root_cause": "x"}).status_code == 404
    assert FindingResponse.objects.count() == before


def test_another_bodys_engagement_of_a_client_with_the_same_user_is_404_without_access(case, world, login):
    elsewhere = EngagementFactory(body=world.b.body, status="in_progress")
    finding = FindingFactory(engagement=elsewhere, number=1)
    client = login(case.client_user)

    assert client.get(url("audits:client-engagement", elsewhere.pk)).status_code == 404
    assert client.get(url("audits:client-finding", finding.pk)).status_code == 404


def test_the_client_answers_and_sees_earlier_versions_and_the_teams_comment(case, world, login):
    client = login(case.client_user)
    answer = {
        "root_cause": "No procedure",
        "correction": "Source added",
        "corrective_action": "Procedure P-7",
    }

    response = client.post(
        url("audits:client-finding", case.finding.pk),
        {**answer, "files": [SimpleUploadedFile("p7.pdf", b"%PDF-1.7 P-7")]},
    )
    assert response.status_code == 302
    finding_response_reject(finding=case.finding, actor=world.a.member, comment="Root cause too shallow")
    page = _page(client, "audits:client-finding", case.finding.pk)

    version = FindingResponse.objects.get(finding=case.finding)
    assert (version.version, version.submitted_by, version.files.get().filename) == (
        1,
        case.client_user,
        "p7.pdf",
    )
    assert "Root cause too shallow" in page and "No procedure" in page and 'id="response-form"' in page
    assert (
        client.get(url("audits:client-finding-file", case.finding.pk, version.files.get().pk)).status_code
        == 200
    )
    assert "TEAM-ONLY-NOTE" not in page


def test_an_incomplete_response_changes_nothing(case, login):
    client = login(case.client_user)

    response = client.post(url("audits:client-finding", case.finding.pk), {"root_cause": "Only this"})

    assert response.status_code == 400
    assert FindingResponse.objects.count() == 0
    case.finding.refresh_from_db()
    assert case.finding.status == "open"


def test_a_finding_waiting_for_the_team_shows_no_form(case, login):
    finding_response_submit(
        finding=case.finding,
        actor=case.client_user,
        fields={"root_cause": "a", "correction": "b", "corrective_action": "c"},
    )
    client = login(case.client_user)
    events = AuditEvent.objects.count()

    page = _page(client, "audits:client-finding", case.finding.pk)
    refused = client.post(
        url("audits:client-finding", case.finding.pk),
        {"root_cause": "a", "correction": "b", "corrective_action": "c"},
    )

    assert 'id="response-form"' not in page
    assert refused.status_code == 302
    assert FindingResponse.objects.count() == 1 and AuditEvent.objects.count() == events


def test_the_client_pages_keep_constant_query_counts(case, world, login):
    client = login(case.client_user)

    def more_engagements(n: int) -> None:
        for _ in range(n):
            EngagementFactory(
                body=world.a.body, client=case.client, project__proponent=case.client, status="planned"
            )

    def more_findings(n: int) -> None:
        top = Finding.objects.filter(engagement=case.engagement).count()
        for i in range(n):
            FindingFactory(engagement=case.engagement, number=top + i + 1)
            TeamMemberFactory(engagement=case.engagement, membership__user=UserFactory())

    assert_flat_queries(client, url("audits:client-engagements", case.client.pk), more_engagements)
    assert_flat_queries(client, url("audits:client-engagement", case.engagement.pk), more_findings)
