"""The findings API: who reads which findings, strict filters, the team's writes and actions, the client's
responses for the team, evidence files, 404 across bodies, constant query counts, the schema."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.models import Finding, FindingResponse
from audits.services import finding_response_submit
from bodies.models import Membership, Role
from core.grants import object_grant
from core.models import AuditEvent
from tests.factories import (
    ClientUserFactory,
    EngagementFactory,
    FindingFactory,
    MembershipFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.helpers import assert_flat_queries, assert_hidden, bearer, listed_ids, make_token, signed_in, url

RESPONSE = {"root_cause": "No procedure", "correction": "Source added", "corrective_action": "Procedure P-7"}


@pytest.fixture
def case(world) -> Any:  # type: ignore[no-untyped-def]
    """An engagement of body A in progress (member A its lead auditor) with finding 1 (an open CL); a finding of
    another engagement of body A member A is not on; a finding of body B."""
    engagement = EngagementFactory(body=world.a.body, status="in_progress")
    TeamMemberFactory(
        engagement=engagement,
        membership=Membership.objects.get(user=world.a.member, body=world.a.body),
        role=Role.LEAD_AUDITOR,
    )
    object_grant(obj=engagement, user=world.a.member, actor=world.a.admin)  # as adding to the team does
    finding = FindingFactory(engagement=engagement, number=1)
    other = FindingFactory(engagement=EngagementFactory(body=world.a.body, status="in_progress"), number=1)
    foreign = FindingFactory(engagement=EngagementFactory(body=world.b.body, status="in_progress"), number=1)
    client_user = ClientUserFactory(client=engagement.client).user

    class Case:
        pass

    c = Case()
    c.engagement, c.finding, c.other, c.foreign, c.client_user = (
        engagement,
        finding,
        other,
        foreign,
        client_user,
    )  # type: ignore[attr-defined]
    return c


def _state() -> tuple[Any, ...]:
    return (
        list(Finding.objects.order_by("id").values_list("id", "status", "statement", "rounds")),
        FindingResponse.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_team_reads_its_findings_readers_of_all_read_the_bodys_and_clients_nothing(case, world):
    member = signed_in(world.a.member).get(url("finding-list"))
    admin = signed_in(world.a.admin).get(url("finding-list"))
    client_user = signed_in(case.client_user).get(url("finding-list"))
    outsider = signed_in(MembershipFactory(body=world.a.body).user).get(url("finding-list"))

    assert listed_ids(member, "findings") == {str(case.finding.pk)}
    assert listed_ids(admin, "findings") == {str(case.finding.pk), str(case.other.pk)}
    assert listed_ids(client_user, "findings") == set()
    assert listed_ids(outsider, "findings") == set()
    row = member.json()["findings"][0]
    assert (row["number"], row["kind"], row["status"], row["internalNote"]) == (
        1,
        "cl",
        "open",
        "Check again with the calibration certificates",
    )


def test_filters_are_strict(case, world):
    client = signed_in(world.a.admin)
    case.other.due_on = timezone.localdate() - timedelta(days=1)
    case.other.save()

    by_engagement = client.get(url("finding-list"), {"engagement": str(case.engagement.pk)})
    overdue = client.get(url("finding-list"), {"overdue": "true"})
    closed = client.get(url("finding-list"), {"status": "closed"})
    unknown = client.get(url("finding-list"), {"colour": "red"})
    bad_kind = client.get(url("finding-list"), {"kind": "purple"})

    assert listed_ids(by_engagement, "findings") == {str(case.finding.pk)}
    assert listed_ids(overdue, "findings") == {str(case.other.pk)}
    assert listed_ids(closed, "findings") == set()
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_filter")
    assert bad_kind.status_code == 400


def test_another_bodys_finding_is_404_on_every_route_and_nothing_changes(case, world):
    client = signed_in(world.b.admin)

    assert_hidden(
        client,
        [
            url("finding-detail", case.finding.pk),
            url("finding-accept", case.finding.pk),
            url("finding-reject", case.finding.pk),
            url("finding-verify", case.finding.pk),
            url("finding-close", case.finding.pk),
            url("finding-responses", case.finding.pk),
        ],
        _state,
    )


def test_the_team_raises_changes_and_closes_through_the_api(case, world):
    client = signed_in(world.a.member)

    created = client.post(
        url("finding-list"),
        {
            "engagement": str(case.engagement.pk),
            "kind": "far",
            "clause": "VCS 3.2",
            "statement": "Calibrate the meter before the next period.",
            "evidence": "Calibration certificate expired",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["number"], body["dueOn"]) == (2, None)
    changed = client.patch(url("finding-detail", body["id"]), {"clause": "VCS 3.2.1"}, format="json")
    closed = client.post(url("finding-close", body["id"]))

    assert changed.json()["clause"] == "VCS 3.2.1"
    assert closed.json()["status"] == "closed"


def test_a_wrong_kind_is_a_field_error_with_its_code(case, world):
    before = _state()

    response = signed_in(world.a.member).post(
        url("finding-list"),
        {
            "engagement": str(case.engagement.pk),
            "kind": "major_nc",
            "clause": "x",
            "statement": "y",
            "evidence": "z",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "finding_kind_not_for_engagement"
    assert _state() == before


def test_someone_off_the_team_cannot_raise_or_judge(case, world):
    before = _state()
    client = signed_in(world.a.admin)

    raised = client.post(
        url("finding-list"),
        {
            "engagement": str(case.engagement.pk),
            "kind": "cl",
            "clause": "x",
            "statement": "y",
            "evidence": "z",
        },
        format="json",
    )
    closed = client.post(url("finding-close", case.finding.pk))

    assert (raised.status_code, raised.json()["code"]) == (403, "not_on_team")
    assert (closed.status_code, closed.json()["code"]) == (403, "not_on_team")
    assert _state() == before


def test_the_team_reads_every_response_and_judges_the_latest(case, world):
    finding_response_submit(finding=case.finding, actor=case.client_user, fields=RESPONSE)
    client = signed_in(world.a.member)

    rejected = client.post(url("finding-reject", case.finding.pk), {"comment": ""}, format="json")
    assert (rejected.status_code, rejected.json()["code"]) == (400, "comment_required")
    rejected = client.post(url("finding-reject", case.finding.pk), {"comment": "Too shallow"}, format="json")
    finding_response_submit(finding=case.finding, actor=case.client_user, fields=RESPONSE)
    accepted = client.post(url("finding-accept", case.finding.pk), {}, format="json")
    twice = client.post(url("finding-accept", case.finding.pk), {}, format="json")
    verified = client.post(url("finding-verify", case.finding.pk), {"note": "Seen in use"}, format="json")
    responses = client.get(url("finding-responses", case.finding.pk)).json()["responses"]

    assert (rejected.json()["status"], rejected.json()["rounds"]) == ("open", 1)
    assert accepted.json()["status"] == "accepted"
    assert twice.status_code == 409
    assert verified.json()["verificationNote"] == "Seen in use"
    assert [(r["version"], r["outcome"], r["comment"]) for r in responses] == [
        (2, "accepted", ""),
        (1, "rejected", "Too shallow"),
    ]


def test_evidence_is_uploaded_and_downloaded(case, world):
    client = signed_in(world.a.member)

    added = client.post(
        url("finding-evidence", case.finding.pk),
        {"file": SimpleUploadedFile("table.pdf", b"%PDF-1.7 table"), "description": "Table 4"},
        format="multipart",
    )
    refused = client.post(
        url("finding-evidence", case.finding.pk),
        {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
        format="multipart",
    )
    file = added.json()["files"][0]
    download = client.get(url("finding-file", case.finding.pk, file["id"]))

    assert (added.status_code, file["filename"], file["description"]) == (200, "table.pdf", "Table 4")
    assert refused.status_code == 400
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.7 table"
    assert signed_in(world.b.admin).get(url("finding-file", case.finding.pk, file["id"])).status_code == 404


def test_a_body_token_reads_its_bodys_findings(case, world):
    _token, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"findings": "read"})

    listed = bearer(secret).get(url("finding-list"))

    assert listed_ids(listed, "findings") == {str(case.finding.pk), str(case.other.pk)}


def test_the_list_and_responses_keep_constant_query_counts(case, world):
    client = signed_in(world.a.admin)

    def more_findings(n: int) -> None:
        for _ in range(n):
            FindingFactory(engagement=EngagementFactory(body=world.a.body, status="in_progress"), number=1)

    def more_responses(n: int) -> None:
        top = case.finding.responses.count()
        for i in range(n):
            FindingResponse.objects.create(
                body=world.a.body,
                finding=case.finding,
                version=top + i + 1,
                submitted_by=UserFactory(),
                outcome="rejected",
                **RESPONSE,
            )

    assert_flat_queries(client, url("finding-list"), more_findings)
    assert_flat_queries(client, url("finding-responses", case.finding.pk), more_responses)


def test_the_schema_describes_the_findings_endpoints(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    paths = {
        "/api/v1/findings/": {"get", "post"},
        "/api/v1/findings/{id}/": {"get", "patch"},
        "/api/v1/findings/{id}/accept/": {"post"},
        "/api/v1/findings/{id}/reject/": {"post"},
        "/api/v1/findings/{id}/verify/": {"post"},
        "/api/v1/findings/{id}/close/": {"post"},
        "/api/v1/findings/{id}/evidence/": {"post"},
        "/api/v1/findings/{id}/files/{file_id}/": {"get"},
        "/api/v1/findings/{finding_id}/responses/": {"get"},
        "/api/v1/findings/carry-forward/": {"post"},
    }

    assert {path: set(schema["paths"].get(path, {})) - {"parameters"} for path in paths} == paths


def test_a_planner_carries_the_previous_verifications_open_far_once(case, world):
    from datetime import date

    case.engagement.planned_start, case.engagement.planned_end = date(2026, 12, 1), date(2026, 12, 3)
    case.engagement.save()
    earlier = EngagementFactory(
        body=world.a.body,
        project=case.engagement.project,
        status="closed",
        planned_start=date(2025, 12, 1),
        planned_end=date(2025, 12, 2),
    )
    far = FindingFactory(engagement=earlier, number=1, kind="far")
    client = signed_in(world.a.admin)

    first = client.post(url("finding-carry-forward"), {"engagement": str(case.engagement.pk)}, format="json")
    again = client.post(url("finding-carry-forward"), {"engagement": str(case.engagement.pk)}, format="json")
    foreign = signed_in(world.b.admin).post(
        url("finding-carry-forward"), {"engagement": str(case.engagement.pk)}, format="json"
    )

    assert [(f["number"], f["kind"], f["carriedFrom"]) for f in first.json()["findings"]] == [
        (2, "far", str(far.pk))
    ]
    assert again.json() == {"findings": []}
    assert foreign.status_code == 400  # another body's engagement is not a choice
