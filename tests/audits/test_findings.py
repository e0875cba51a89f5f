"""Findings and corrective actions: the services (raise, change, evidence, the client's response, accept and
reject rounds, verification, closing, carrying forward)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.error_codes import AuditsErrorCode
from audits.models import Finding, FindingResponse
from audits.services import (
    finding_close,
    finding_evidence_add,
    finding_raise,
    finding_response_accept,
    finding_response_reject,
    finding_response_submit,
    finding_update,
    finding_verify,
    findings_carry_forward,
)
from bodies.models import Membership, Role
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from reminders.models import Deadline, Notification
from tests.factories import (
    ClientFactory,
    ClientUserFactory,
    EngagementFactory,
    FindingFactory,
    MembershipFactory,
    ProjectFactory,
    TeamMemberFactory,
    UserFactory,
)

CL = {
    "kind": "cl",
    "clause": "ISO 14064-3 6.1.4",
    "statement": "No emission factor source.",
    "evidence": "MR v2",
}
RESPONSE = {"root_cause": "No procedure", "correction": "Source added", "corrective_action": "Procedure P-7"}


@pytest.fixture
def team(world) -> Any:  # type: ignore[no-untyped-def]
    """A GHG verification of body A in progress (audit days 1–3 Dec 2026), with member A as lead auditor and an
    auditor; a client user of its client; a client user of another client."""
    engagement = EngagementFactory(
        body=world.a.body,
        status="in_progress",
        planned_start=date(2026, 12, 1),
        planned_end=date(2026, 12, 3),
    )
    lead = TeamMemberFactory(
        engagement=engagement,
        membership=Membership.objects.get(user=world.a.member, body=world.a.body),
        role=Role.LEAD_AUDITOR,
    )
    auditor = TeamMemberFactory(engagement=engagement, role=Role.AUDITOR)
    client_user = ClientUserFactory(client=engagement.client).user
    other_client_user = ClientUserFactory(client=ClientFactory(body=world.a.body)).user

    class Team:
        pass

    t = Team()
    t.engagement = engagement  # type: ignore[attr-defined]
    t.lead = lead.membership.user  # type: ignore[attr-defined]
    t.auditor = auditor.membership.user  # type: ignore[attr-defined]
    t.client_user = client_user  # type: ignore[attr-defined]
    t.other_client_user = other_client_user  # type: ignore[attr-defined]
    return t


def _state() -> tuple[int, int, int, int]:
    return (
        Finding.objects.count(),
        FindingResponse.objects.count(),
        AuditEvent.objects.filter(action__startswith="audits.").count(),
        Notification.objects.count(),
    )


def _codes(exc: ValidationError) -> dict[str, list[str | None]]:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


# --- raising ------------------------------------------------------------------------------------------------


def test_a_team_member_raises_numbered_findings_due_30_days_after_the_last_planned_day(team):
    first = finding_raise(engagement=team.engagement, actor=team.auditor, fields=CL)
    second = finding_raise(engagement=team.engagement, actor=team.lead, fields={**CL, "kind": "far"})

    assert (first.number, second.number) == (1, 2)
    assert first.due_on == date(2027, 1, 2)  # 3 Dec + 30 days
    assert second.due_on is None  # a FAR needs no response
    assert first.status == "open" and first.raised_by == team.auditor
    event = AuditEvent.objects.get(action="audits.finding.raised", object_id=str(first.pk))
    assert event.after["statement"] == "No emission factor source."
    assert Deadline.objects.filter(kind="audits.finding_response_due", subject_id=first.pk).count() == 1
    told = Notification.objects.filter(kind="audits.finding.raised")
    assert [n.user for n in told] == [team.client_user]


def test_the_due_date_counts_from_the_actual_last_day_and_follows_the_setting(team, settings):
    team.engagement.actual_start = date(2026, 12, 2)
    team.engagement.actual_end = date(2026, 12, 4)
    team.engagement.save()
    settings.FINDING_RESPONSE_DAYS = 10

    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    assert finding.due_on == date(2026, 12, 14)


@pytest.mark.parametrize("who", ["admin", "staff", "other_body", "client_user"])
def test_only_the_team_raises_findings(team, world, who):
    actor = {
        "admin": world.a.admin,
        "staff": world.staff,
        "other_body": world.b.admin,
        "client_user": team.client_user,
    }[who]
    before = _state()

    with pytest.raises(PermissionDenied) as caught:
        finding_raise(engagement=team.engagement, actor=actor, fields=CL)

    assert caught.value.code == AuditsErrorCode.NOT_ON_TEAM
    assert _state() == before


def test_a_management_system_kind_is_refused_on_a_ghg_engagement(team):
    before = _state()

    with pytest.raises(ValidationError) as caught:
        finding_raise(engagement=team.engagement, actor=team.lead, fields={**CL, "kind": "major_nc"})

    assert _codes(caught.value) == {"kind": [AuditsErrorCode.FINDING_KIND_NOT_FOR_ENGAGEMENT]}
    assert _state() == before


def test_a_ghg_kind_is_refused_on_a_management_system_audit(world):
    engagement = EngagementFactory(
        body=world.a.body,
        kind="stage_2",
        project=None,
        client=ClientFactory(body=world.a.body),
        status="in_progress",
    )
    lead = TeamMemberFactory(engagement=engagement, role=Role.LEAD_AUDITOR).membership.user

    with pytest.raises(ValidationError) as caught:
        finding_raise(engagement=engagement, actor=lead, fields=CL)
    minor = finding_raise(engagement=engagement, actor=lead, fields={**CL, "kind": "minor_nc"})

    assert _codes(caught.value) == {"kind": [AuditsErrorCode.FINDING_KIND_NOT_FOR_ENGAGEMENT]}
    assert minor.number == 1


@pytest.mark.parametrize("status", ["draft", "team_confirmed", "under_review", "cancelled"])
def test_findings_are_raised_only_in_fieldwork(team, status):
    team.engagement.status = status
    team.engagement.save()
    before = _state()

    with pytest.raises(TransitionNotAllowed) as caught:
        finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    assert caught.value.code == AuditsErrorCode.ENGAGEMENT_NOT_IN_FIELDWORK
    assert _state() == before


def test_missing_texts_are_refused_field_by_field(team):
    with pytest.raises(ValidationError) as caught:
        finding_raise(engagement=team.engagement, actor=team.lead, fields={"kind": "cl", "clause": " "})

    assert _codes(caught.value) == {
        "clause": ["required"],
        "statement": ["required"],
        "evidence": ["required"],
    }
    assert Finding.objects.count() == 0


# --- changing -----------------------------------------------------------------------------------------------


def test_the_auditors_text_changes_only_while_open_and_the_internal_note_until_closed(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)
    finding_update(finding=finding, actor=team.auditor, fields={"statement": "Changed"})
    finding_response_submit(finding=finding, actor=team.client_user, fields=RESPONSE)

    with pytest.raises(TransitionNotAllowed) as caught:
        finding_update(finding=finding, actor=team.lead, fields={"statement": "Again"})
    noted = finding_update(finding=finding, actor=team.lead, fields={"internal_note": "Ask for the invoice"})

    assert caught.value.code == AuditsErrorCode.FINDING_NOT_OPEN
    assert (noted.statement, noted.internal_note) == ("Changed", "Ask for the invoice")
    changes = AuditEvent.objects.filter(action="audits.finding.updated").order_by("created_at")
    assert [(e.before, e.after) for e in changes] == [
        ({"statement": "No emission factor source."}, {"statement": "Changed"}),
        ({"internal_note": ""}, {"internal_note": "Ask for the invoice"}),
    ]


def test_a_client_user_never_changes_the_auditors_text(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    with pytest.raises(PermissionDenied):
        finding_update(finding=finding, actor=team.client_user, fields={"statement": "Nothing wrong"})

    finding.refresh_from_db()
    assert finding.statement == "No emission factor source."


def test_evidence_files_are_checked_by_content(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    evidence = finding_evidence_add(
        finding=finding, actor=team.auditor, upload=SimpleUploadedFile("mr.pdf", b"%PDF-1.7 report")
    )
    with pytest.raises(ValidationError):
        finding_evidence_add(
            finding=finding, actor=team.auditor, upload=SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")
        )

    assert (evidence.filename, evidence.size, evidence.response) == ("mr.pdf", 15, None)
    assert finding.files.count() == 1


# --- the client's response and the team's judgement -----------------------------------------------------------


def test_a_rejected_response_counts_a_round_and_the_second_version_is_accepted_verified_and_closed(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    first = finding_response_submit(
        finding=finding,
        actor=team.client_user,
        fields=RESPONSE,
        files=[SimpleUploadedFile("procedure.pdf", b"%PDF-1.7 P-7")],
    )
    finding.refresh_from_db()
    assert (first.version, finding.status) == (1, "response_submitted")
    assert [n.user for n in Notification.objects.filter(kind="audits.finding.responded")] == [team.lead]
    assert not Deadline.objects.filter(kind="audits.finding_response_due", closed_at__isnull=True).exists()

    finding = finding_response_reject(finding=finding, actor=team.auditor, comment="Root cause too shallow")
    assert (finding.status, finding.rounds) == ("open", 1)
    first.refresh_from_db()
    assert (first.outcome, first.comment, first.judged_by) == (
        "rejected",
        "Root cause too shallow",
        team.auditor,
    )

    second = finding_response_submit(finding=finding, actor=team.client_user, fields=RESPONSE)
    finding = finding_response_accept(finding=finding, actor=team.lead)
    finding = finding_verify(finding=finding, actor=team.lead, note="Procedure applied in Q1")
    finding = finding_close(finding=finding, actor=team.lead)

    second.refresh_from_db()
    assert second.version == 2 and second.outcome == "accepted"
    assert (finding.status, finding.rounds, finding.verified_by) == ("closed", 1, team.lead)
    assert finding.verification_note == "Procedure applied in Q1"
    assert first.files.count() == 1 and second.files.count() == 0
    told = sorted(Notification.objects.filter(user=team.client_user).values_list("kind", flat=True))
    assert told == ["audits.finding.accepted", "audits.finding.raised", "audits.finding.rejected"]
    submitted = AuditEvent.objects.filter(action="audits.finding_response.submitted").order_by("created_at")
    assert [e.after["on_behalf_of_client"] for e in submitted] == [False, False]
    assert submitted[0].after["root_cause"] == "No procedure"


def test_a_rejection_needs_a_comment(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)
    finding_response_submit(finding=finding, actor=team.client_user, fields=RESPONSE)
    before = _state()

    with pytest.raises(ValidationError) as caught:
        finding_response_reject(finding=finding, actor=team.lead, comment="  ")

    assert _codes(caught.value) == {"comment": [AuditsErrorCode.COMMENT_REQUIRED]}
    assert _state() == before
    finding.refresh_from_db()
    assert (finding.status, finding.rounds) == ("response_submitted", 0)


@pytest.mark.parametrize("who", ["other_client_user", "member_b", "team_auditor"])
def test_only_the_clients_users_answer(team, world, who):
    actor = {
        "other_client_user": team.other_client_user,
        "member_b": world.b.member,
        "team_auditor": team.auditor,
    }[who]
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)
    before = _state()

    with pytest.raises(PermissionDenied) as caught:
        finding_response_submit(finding=finding, actor=actor, fields=RESPONSE)

    assert caught.value.code == AuditsErrorCode.NOT_CLIENT_OF_ENGAGEMENT
    assert _state() == before


def test_a_planner_records_a_response_received_by_email_marked_so(team, world):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    response = finding_response_submit(finding=finding, actor=world.a.admin, fields=RESPONSE)

    assert response.submitted_by == world.a.admin
    event = AuditEvent.objects.get(action="audits.finding_response.submitted")
    assert event.after["on_behalf_of_client"] is True


def test_an_observation_or_far_needs_no_response_and_closes_from_open(team):
    far = finding_raise(engagement=team.engagement, actor=team.lead, fields={**CL, "kind": "far"})

    with pytest.raises(TransitionNotAllowed) as caught:
        finding_response_submit(finding=far, actor=team.client_user, fields=RESPONSE)
    closed = finding_close(finding=far, actor=team.auditor)

    assert caught.value.code == AuditsErrorCode.FINDING_NEEDS_NO_RESPONSE
    assert closed.status == "closed"


def test_a_finding_needing_a_response_closes_only_once_verified(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)
    before = _state()

    with pytest.raises(TransitionNotAllowed) as caught:
        finding_close(finding=finding, actor=team.lead)

    assert caught.value.code == AuditsErrorCode.FINDING_NOT_VERIFIED
    assert _state() == before
    finding.refresh_from_db()
    assert finding.status == "open"


def test_verification_needs_a_note_and_an_accepted_response(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    with pytest.raises(ValidationError) as no_note:
        finding_verify(finding=finding, actor=team.lead, note="")
    with pytest.raises(TransitionNotAllowed):
        finding_verify(finding=finding, actor=team.lead, note="Looked at it")

    assert _codes(no_note.value) == {"note": [AuditsErrorCode.VERIFICATION_NOTE_REQUIRED]}
    finding.refresh_from_db()
    assert (finding.status, finding.verified_by) == ("open", None)


def test_accepting_twice_is_refused(team):
    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)
    finding_response_submit(finding=finding, actor=team.client_user, fields=RESPONSE)
    finding_response_accept(finding=finding, actor=team.lead)

    with pytest.raises(TransitionNotAllowed) as caught:
        finding_response_accept(finding=finding, actor=team.auditor)

    assert error_code(caught.value) == "invalid_transition"
    assert FindingResponse.objects.filter(outcome="accepted").count() == 1


# --- carrying forward -------------------------------------------------------------------------------------------


def test_open_fars_of_the_previous_verification_carry_once(team, world):
    project = team.engagement.project
    earlier = EngagementFactory(
        body=world.a.body,
        project=project,
        status="closed",
        planned_start=date(2025, 12, 1),
        planned_end=date(2025, 12, 2),
    )
    open_far = FindingFactory(engagement=earlier, number=1, kind="far")
    FindingFactory(engagement=earlier, number=2, kind="far", status="closed")
    FindingFactory(engagement=earlier, number=3, kind="cl")
    EngagementFactory(
        body=world.a.body,
        project=ProjectFactory(body=world.a.body),
        status="closed",
        planned_start=date(2025, 11, 1),
        planned_end=date(2025, 11, 2),
    )

    carried = findings_carry_forward(engagement=team.engagement, actor=team.lead)
    again = findings_carry_forward(engagement=team.engagement, actor=team.lead)

    assert [(f.number, f.kind, f.carried_from) for f in carried] == [(1, "far", open_far)]
    assert carried[0].statement == open_far.statement and carried[0].due_on is None
    assert again == []
    assert team.engagement.findings.count() == 1


def test_accepted_minor_ncs_carry_to_the_next_surveillance(world):
    client = ClientFactory(body=world.a.body)
    stage_2 = EngagementFactory(
        body=world.a.body,
        kind="stage_2",
        project=None,
        client=client,
        status="decided",
        planned_start=date(2025, 6, 1),
        planned_end=date(2025, 6, 2),
    )
    accepted = FindingFactory(engagement=stage_2, number=1, kind="minor_nc", status="accepted")
    FindingFactory(engagement=stage_2, number=2, kind="minor_nc", status="open")
    FindingFactory(engagement=stage_2, number=3, kind="observation")
    surveillance = EngagementFactory(
        body=world.a.body,
        kind="surveillance",
        project=None,
        client=client,
        status="in_progress",
        planned_start=date(2026, 6, 1),
        planned_end=date(2026, 6, 2),
    )
    lead = TeamMemberFactory(engagement=surveillance, role=Role.LEAD_AUDITOR).membership.user

    carried = findings_carry_forward(engagement=surveillance, actor=lead)

    assert [(f.kind, f.carried_from, f.due_on) for f in carried] == [
        ("minor_nc", accepted, date(2026, 6, 2) + timedelta(days=30))
    ]
    assert AuditEvent.objects.filter(action="audits.finding.carried_forward").count() == 1


def test_someone_off_the_team_cannot_carry_forward(team, world):
    outsider = MembershipFactory(body=world.a.body, user=UserFactory()).user

    with pytest.raises(PermissionDenied):
        findings_carry_forward(engagement=team.engagement, actor=outsider)


# --- concurrency and boundaries -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_team_members_raising_at_once_get_different_numbers(world):
    import threading

    from django.db import connection

    engagement = EngagementFactory(body=world.a.body, status="in_progress")
    people = [TeamMemberFactory(engagement=engagement).membership.user for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def raise_one(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            finding_raise(engagement=engagement, actor=actor, fields=CL)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_one, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(Finding.objects.filter(engagement=engagement).values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("actual_end", "due"),
    [
        (date(2026, 12, 30), date(2027, 1, 29)),
        (date(2026, 12, 31), date(2027, 1, 30)),
        (date(2027, 1, 1), date(2027, 1, 31)),
    ],
)
def test_the_due_date_is_exactly_the_setting_after_the_last_day(team, actual_end, due):
    team.engagement.actual_start = date(2026, 12, 1)
    team.engagement.actual_end = actual_end
    team.engagement.save()

    finding = finding_raise(engagement=team.engagement, actor=team.lead, fields=CL)

    assert finding.due_on == due


@pytest.mark.parametrize("status", ["draft", "planned", "report_drafted"])
def test_a_planner_carries_forward_while_the_engagement_is_prepared_or_in_fieldwork(team, world, status):
    earlier = EngagementFactory(
        body=world.a.body,
        project=team.engagement.project,
        status="closed",
        planned_start=date(2025, 12, 1),
        planned_end=date(2025, 12, 2),
    )
    FindingFactory(engagement=earlier, number=1, kind="far")
    team.engagement.status = status
    team.engagement.save()

    carried = findings_carry_forward(engagement=team.engagement, actor=world.a.admin)

    assert [f.kind for f in carried] == ["far"]


@pytest.mark.parametrize("status", ["under_review", "cancelled"])
def test_nothing_is_carried_into_an_engagement_under_review_or_cancelled(team, world, status):
    team.engagement.status = status
    team.engagement.save()

    with pytest.raises(TransitionNotAllowed) as caught:
        findings_carry_forward(engagement=team.engagement, actor=world.a.admin)

    assert caught.value.code == AuditsErrorCode.ENGAGEMENT_NOT_IN_FIELDWORK
