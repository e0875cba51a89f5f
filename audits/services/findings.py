"""Findings and corrective actions: the team raises findings in the engagement's vocabulary, the client answers
with versioned responses, the team accepts or rejects them (rounds counted), verifies their effectiveness and
closes them; open FARs and accepted minor nonconformities carry forward to the next engagement.

The auditor's text (kind, clause, statement, evidence, due date) and the client's text (root cause, correction,
corrective action) are written by different services and audited apart; the team's `internal_note` never
leaves the team.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_changes, audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, coded, refuse_other_fields
from core.transitions import transition
from core.types import Actor
from core.uploads import UploadPolicy, upload_check
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..error_codes import AuditsErrorCode
from ..models import (
    GHG_FINDINGS,
    GHG_KINDS,
    MANAGEMENT_SYSTEM_FINDINGS,
    MANAGEMENT_SYSTEM_KINDS,
    RESPONSE_KINDS,
    Engagement,
    EngagementKind,
    EngagementStatus,
    Finding,
    FindingEvidence,
    FindingKind,
    FindingResponse,
    FindingStatus,
)
from ..permissions import can_manage_engagements, is_client_user_of, is_on_team, require_on_team

#: the team's and the client's evidence: PDF, images and spreadsheets, judged by their content
FINDING_EVIDENCE_UPLOAD = UploadPolicy(kinds=("pdf", "png", "jpeg", "xlsx"))
#: the engagement's statuses in which findings are raised and the auditor's text changed
FIELDWORK = (EngagementStatus.IN_PROGRESS, EngagementStatus.REPORT_DRAFTED)
#: the statuses in which earlier findings may be carried into an engagement (from its planning to its report)
CARRY_INTO = (
    EngagementStatus.DRAFT,
    EngagementStatus.PLANNED,
    EngagementStatus.TEAM_PROPOSED,
    EngagementStatus.TEAM_CONFIRMED,
    EngagementStatus.IN_PROGRESS,
    EngagementStatus.REPORT_DRAFTED,
)
AUDITOR_FIELDS = ["kind", "clause", "statement", "evidence", "due_on"]
TEAM_FIELDS = [*AUDITOR_FIELDS, "internal_note"]
RESPONSE_FIELDS = ["root_cause", "correction", "corrective_action"]
#: deadline kinds (declared in audits.deadlines)
FINDING_RESPONSE_DUE = "audits.finding_response_due"
FINDING_VERIFICATION_DUE = "audits.finding_verification_due"
VERIFICATION_KINDS = (EngagementKind.VERIFICATION, EngagementKind.VALIDATION_VERIFICATION)


def finding_kinds_for(engagement: Engagement) -> tuple[FindingKind, ...]:
    """The vocabulary of the engagement's family: CAR, CL and FAR for GHG work, else major/minor/observation."""
    return GHG_FINDINGS if engagement.kind in GHG_KINDS else MANAGEMENT_SYSTEM_FINDINGS


def audit_last_day(engagement: Engagement) -> date:
    return engagement.actual_end or engagement.planned_end


def response_due_on(engagement: Engagement, kind: str) -> date | None:
    """The response's due date: FINDING_RESPONSE_DAYS after the audit's last day, for kinds needing one."""
    if kind not in RESPONSE_KINDS:
        return None
    return audit_last_day(engagement) + timedelta(days=settings.FINDING_RESPONSE_DAYS)


def _required(values: Mapping[str, Any], names: Iterable[str], errors: dict[str, ValidationError]) -> None:
    for name in names:
        if not str(values.get(name) or "").strip():
            errors[name] = coded(_("This field is required."), CoreErrorCode.REQUIRED)


def _check_kind(engagement: Engagement, kind: Any, errors: dict[str, ValidationError]) -> None:
    if kind not in finding_kinds_for(engagement):
        errors["kind"] = coded(
            _("This kind of finding is not used in a %(engagement_kind)s.")
            % {"engagement_kind": engagement.get_kind_display().lower()},
            AuditsErrorCode.FINDING_KIND_NOT_FOR_ENGAGEMENT,
        )


def _require_fieldwork(engagement: Engagement) -> None:
    if engagement.status not in FIELDWORK:
        raise TransitionNotAllowed(
            _("Findings are raised while the engagement is in progress or its report drafted."),
            current=engagement.status,
            code=AuditsErrorCode.ENGAGEMENT_NOT_IN_FIELDWORK,
        )


def _track_response_due(finding: Finding) -> None:
    if finding.status == FindingStatus.OPEN and finding.due_on is not None:
        deadline_upsert(kind=FINDING_RESPONSE_DUE, subject=finding, body=finding.body, due_on=finding.due_on)
    else:
        deadline_close(kind=FINDING_RESPONSE_DUE, subject=finding)


def _next_number(engagement: Engagement) -> int:
    """Under the engagement's row lock (taken by the caller): one more than the highest number so far."""
    highest = Finding.objects.filter(engagement=engagement).aggregate(top=Max("number"))["top"]
    return (highest or 0) + 1


def _lock(engagement: Engagement) -> Engagement:
    return Engagement.objects.select_for_update(of=("self",)).select_related("body").get(pk=engagement.pk)


# --- raising and changing (the team) ------------------------------------------------------------------------


def finding_raise(*, engagement: Engagement, actor: Actor, fields: Mapping[str, Any]) -> Finding:
    """A team member raises a finding (kind, clause, statement, evidence, optional internal note) while the
    engagement is in progress or its report drafted. Numbered in sequence per engagement; a kind needing a
    response is due FINDING_RESPONSE_DAYS after the audit's last day. The client's users are told."""
    refuse_other_fields(fields, ["kind", "clause", "statement", "evidence", "internal_note"], changing=False)
    require_on_team(actor, engagement)
    errors: dict[str, ValidationError] = {}
    _required(fields, ["kind", "clause", "statement", "evidence"], errors)
    if "kind" not in errors:
        _check_kind(engagement, fields.get("kind"), errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(engagement)
        _require_fieldwork(locked)
        finding = Finding.objects.create(
            body=locked.body,
            engagement=locked,
            number=_next_number(locked),
            kind=fields["kind"],
            clause=str(fields["clause"]).strip(),
            statement=str(fields["statement"]).strip(),
            evidence=str(fields["evidence"]).strip(),
            internal_note=str(fields.get("internal_note") or "").strip(),
            due_on=response_due_on(locked, fields["kind"]),
            raised_by=actor,
        )
        audit_record(
            actor=actor,
            action="audits.finding.raised",
            obj=finding,
            body=locked.body,
            after=snapshot(finding, ["number", *TEAM_FIELDS]),
        )
        _track_response_due(finding)
        if finding.kind in RESPONSE_KINDS:
            notify(kind="audits.finding.raised", subject=finding, body=locked.body)
    return finding


def finding_update(*, finding: Finding, actor: Actor, fields: Mapping[str, Any]) -> Finding:
    """A team member changes a finding: the auditor's text (kind, clause, statement, evidence, due date) only
    while it is open; the internal note until it is closed. Only what changed is audited."""
    refuse_other_fields(fields, TEAM_FIELDS, changing=True)
    require_on_team(actor, finding.engagement)
    with transaction.atomic():
        locked = (
            Finding.objects.select_for_update(of=("self",)).select_related("engagement").get(pk=finding.pk)
        )
        if set(fields) & set(AUDITOR_FIELDS) and locked.status != FindingStatus.OPEN:
            raise TransitionNotAllowed(
                _("The auditor's text of a finding changes only while it is open."),
                current=locked.status,
                code=AuditsErrorCode.FINDING_NOT_OPEN,
            )
        if locked.status == FindingStatus.CLOSED:
            raise TransitionNotAllowed(
                _("A closed finding does not change."),
                current=locked.status,
                code=AuditsErrorCode.FINDING_NOT_OPEN,
            )
        errors: dict[str, ValidationError] = {}
        _required(
            fields, [name for name in ["kind", "clause", "statement", "evidence"] if name in fields], errors
        )
        if "kind" in fields and "kind" not in errors:
            _check_kind(locked.engagement, fields["kind"], errors)
        if errors:
            raise ValidationError(errors)
        before = snapshot(locked, TEAM_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if "kind" in fields and "due_on" not in fields:
            locked.due_on = response_due_on(locked.engagement, locked.kind)
        locked.save()
        audit_changes(
            actor=actor,
            action="audits.finding.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, TEAM_FIELDS),
        )
        _track_response_due(locked)
    return locked


def _store_file(
    *,
    finding: Finding,
    actor: Actor,
    upload: UploadedFile,
    description: str,
    response: FindingResponse | None,
) -> FindingEvidence:
    upload_check(upload, FINDING_EVIDENCE_UPLOAD, field="file")
    content = upload.read()
    upload.seek(0)
    evidence = FindingEvidence(
        body=finding.body,
        finding=finding,
        response=response,
        filename=(upload.name or "evidence")[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        description=(description or "").strip()[:300],
        uploaded_by=actor,
    )
    evidence.file.save(upload.name or "evidence", upload, save=False)
    evidence.save()
    return evidence


def finding_evidence_add(
    *, finding: Finding, actor: Actor, upload: UploadedFile, description: str = ""
) -> FindingEvidence:
    """A team member adds a file of objective evidence to a finding (PDF, PNG, JPEG or XLSX by content)."""
    require_on_team(actor, finding.engagement)
    if finding.status == FindingStatus.CLOSED:
        raise TransitionNotAllowed(
            _("A closed finding does not change."),
            current=finding.status,
            code=AuditsErrorCode.FINDING_NOT_OPEN,
        )
    with transaction.atomic():
        evidence = _store_file(
            finding=finding, actor=actor, upload=upload, description=description, response=None
        )
        audit_record(
            actor=actor,
            action="audits.finding.evidence_added",
            obj=finding,
            body=finding.body,
            after={"file": evidence.filename, "sha256": evidence.sha256, "description": evidence.description},
        )
    return evidence


# --- the client's response ----------------------------------------------------------------------------------


def finding_response_submit(
    *,
    finding: Finding,
    actor: Actor,
    fields: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
) -> FindingResponse:
    """The client answers an open finding (root cause, correction, corrective action, evidence files): a new
    version, the finding becomes `response submitted`, the lead auditor is told.

    Only a client user of the engagement's client answers; a holder of manage_engagements may record a
    response the client sent otherwise (by email), recorded as on the client's behalf."""
    refuse_other_fields(fields, RESPONSE_FIELDS, changing=False)
    engagement = finding.engagement
    as_client = is_client_user_of(actor, engagement)
    if not as_client and not can_manage_engagements(actor, engagement.body):
        raise PermissionDenied(
            _("Only the client's users answer its findings."), code=AuditsErrorCode.NOT_CLIENT_OF_ENGAGEMENT
        )
    if finding.kind not in RESPONSE_KINDS:
        raise TransitionNotAllowed(
            _("This kind of finding needs no response."),
            current=finding.status,
            code=AuditsErrorCode.FINDING_NEEDS_NO_RESPONSE,
        )
    errors: dict[str, ValidationError] = {}
    _required(fields, RESPONSE_FIELDS, errors)
    if errors:
        raise ValidationError(errors)
    uploads = list(files)
    for upload in uploads:
        upload_check(upload, FINDING_EVIDENCE_UPLOAD, field="files")
    created: dict[str, FindingResponse] = {}

    def apply(locked: Finding) -> list[str]:
        version = (locked.responses.aggregate(top=Max("version"))["top"] or 0) + 1
        response = FindingResponse.objects.create(
            body=locked.body,
            finding=locked,
            version=version,
            submitted_by=actor,
            **{name: str(fields[name]).strip() for name in RESPONSE_FIELDS},
        )
        for upload in uploads:
            _store_file(finding=locked, actor=actor, upload=upload, description="", response=response)
        audit_record(
            actor=actor,
            action="audits.finding_response.submitted",
            obj=response,
            body=locked.body,
            after={
                "version": version,
                **snapshot(response, RESPONSE_FIELDS),
                "files": [upload.name for upload in uploads],
                "on_behalf_of_client": not as_client,
            },
        )
        created["response"] = response
        return []

    def effects(locked: Finding, previous: str) -> None:
        _track_response_due(locked)
        notify(kind="audits.finding.responded", subject=locked, body=locked.body)

    transition(finding, action="respond", actor=actor, apply=apply, effects=[effects])
    return created["response"]


def _pending_response(finding: Finding) -> FindingResponse:
    response = finding.responses.filter(outcome="").order_by("-version").first()
    if response is None:  # the status says a response is waiting; the rows disagree only by corruption
        raise TransitionNotAllowed(_("No response is waiting."), current=finding.status)
    return response


def _judge(finding: Finding, actor: Actor, outcome: str, comment: str) -> None:
    response = _pending_response(finding)
    response.outcome = outcome
    response.judged_by = actor
    response.judged_at = timezone.now()
    response.comment = comment
    response.save(update_fields=["outcome", "judged_by", "judged_at", "comment", "updated_at"])
    audit_record(
        actor=actor,
        action=f"audits.finding_response.{outcome}",
        obj=response,
        body=finding.body,
        before={"outcome": ""},
        after={"outcome": outcome, "version": response.version, "comment": comment},
    )


def finding_response_accept(*, finding: Finding, actor: Actor, comment: str = "") -> Finding:
    """A team member accepts the latest response; the client's users are told."""
    require_on_team(actor, finding.engagement)

    def apply(locked: Finding) -> list[str]:
        _judge(locked, actor, FindingResponse.Outcome.ACCEPTED, (comment or "").strip())
        return []

    def effects(locked: Finding, previous: str) -> None:
        if locked.kind in RESPONSE_KINDS:
            deadline_upsert(
                kind=FINDING_VERIFICATION_DUE,
                subject=locked,
                body=locked.body,
                due_on=timezone.localdate() + timedelta(days=settings.FINDING_VERIFICATION_REMINDER_DAYS),
            )
        notify(kind="audits.finding.accepted", subject=locked, body=locked.body)

    return transition(finding, action="accept", actor=actor, apply=apply, effects=[effects])


def finding_response_reject(*, finding: Finding, actor: Actor, comment: str) -> Finding:
    """A team member rejects the latest response with a comment for the client: the finding is open again and
    one more round is counted; the client's users are told."""
    require_on_team(actor, finding.engagement)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {
                "comment": coded(
                    _("Tell the client why the response is rejected."), AuditsErrorCode.COMMENT_REQUIRED
                )
            }
        )

    def apply(locked: Finding) -> list[str]:
        _judge(locked, actor, FindingResponse.Outcome.REJECTED, comment)
        locked.rounds += 1
        return ["rounds"]

    def effects(locked: Finding, previous: str) -> None:
        _track_response_due(locked)
        notify(kind="audits.finding.rejected", subject=locked, body=locked.body, reason=comment)

    return transition(
        finding,
        action="reject",
        actor=actor,
        reason=comment,
        apply=apply,
        effects=[effects],
        record_after=["rounds"],
    )


def finding_verify(*, finding: Finding, actor: Actor, note: str) -> Finding:
    """A team member records the verification of the corrective action's effectiveness (a note)."""
    require_on_team(actor, finding.engagement)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {
                "note": coded(
                    _("Describe how the effectiveness was verified."),
                    AuditsErrorCode.VERIFICATION_NOTE_REQUIRED,
                )
            }
        )

    def apply(locked: Finding) -> list[str]:
        locked.verification_note = note
        locked.verified_by = actor
        locked.verified_at = timezone.now()
        return ["verification_note", "verified_by", "verified_at"]

    def effects(locked: Finding, previous: str) -> None:
        deadline_close(kind=FINDING_VERIFICATION_DUE, subject=locked)

    return transition(
        finding,
        action="verify",
        actor=actor,
        apply=apply,
        effects=[effects],
        record_after=["verification_note", "verified_by"],
    )


def finding_close(*, finding: Finding, actor: Actor) -> Finding:
    """A team member closes a finding: an observation or a FAR from open, any other kind once verified."""
    require_on_team(actor, finding.engagement)

    def needs_verification(locked: Finding) -> None:
        if locked.status == FindingStatus.OPEN and locked.kind in RESPONSE_KINDS:
            raise TransitionNotAllowed(
                _("This finding closes only once its corrective action is verified."),
                current=locked.status,
                code=AuditsErrorCode.FINDING_NOT_VERIFIED,
            )

    def effects(locked: Finding, previous: str) -> None:
        deadline_close(kind=FINDING_RESPONSE_DUE, subject=locked)
        deadline_close(kind=FINDING_VERIFICATION_DUE, subject=locked)

    return transition(finding, action="close", actor=actor, guards=[needs_verification], effects=[effects])


# --- carrying forward ---------------------------------------------------------------------------------------


def _previous_engagement(engagement: Engagement) -> Engagement | None:
    """The same body's engagement before this one: of the same project (GHG verifications), or of the same client
    (management-system audits); cancelled ones do not count."""
    earlier = (
        Engagement.objects.filter(body_id=engagement.body_id, planned_start__lt=engagement.planned_start)
        .exclude(pk=engagement.pk)
        .exclude(status=EngagementStatus.CANCELLED)
        .order_by("-planned_start", "-created_at")
    )
    if engagement.kind in VERIFICATION_KINDS:
        if engagement.project_id is None:
            return None
        return earlier.filter(project_id=engagement.project_id, kind__in=VERIFICATION_KINDS).first()
    if engagement.kind in MANAGEMENT_SYSTEM_KINDS:
        return earlier.filter(client_id=engagement.client_id, kind__in=MANAGEMENT_SYSTEM_KINDS).first()
    return None


def findings_carry_forward(*, engagement: Engagement, actor: Actor) -> list[Finding]:
    """Copies into `engagement` what the previous one left: the open FARs of the previous verification of the same
    project, or the minor nonconformities with an accepted plan not yet verified of the previous audit of the same
    client. The team or a planner, from the engagement's draft until its report goes to review. Each earlier
    finding is carried once (`carried_from`); running it again adds nothing."""
    if not (is_on_team(actor, engagement) or can_manage_engagements(actor, engagement.body)):
        raise PermissionDenied(
            _("Only a member of the engagement's team may do this."), code=AuditsErrorCode.NOT_ON_TEAM
        )
    with transaction.atomic():
        locked = _lock(engagement)
        if locked.status not in CARRY_INTO:
            raise TransitionNotAllowed(
                _("Findings are carried into an engagement before its report goes to review."),
                current=locked.status,
                code=AuditsErrorCode.ENGAGEMENT_NOT_IN_FIELDWORK,
            )
        previous = _previous_engagement(locked)
        if previous is None:
            return []
        if locked.kind in VERIFICATION_KINDS:
            earlier = previous.findings.filter(kind=FindingKind.FAR, status=FindingStatus.OPEN)
        else:
            earlier = previous.findings.filter(kind=FindingKind.MINOR_NC, status=FindingStatus.ACCEPTED)
        earlier = earlier.filter(carried_to__isnull=True).order_by("number")
        carried: list[Finding] = []
        number = _next_number(locked)
        for old in earlier:
            finding = Finding.objects.create(
                body=locked.body,
                engagement=locked,
                number=number,
                kind=old.kind,
                clause=old.clause,
                statement=old.statement,
                evidence=old.evidence,
                internal_note=old.internal_note,
                due_on=response_due_on(locked, old.kind),
                carried_from=old,
                raised_by=actor,
            )
            number += 1
            audit_record(
                actor=actor,
                action="audits.finding.carried_forward",
                obj=finding,
                body=locked.body,
                after={"number": finding.number, "kind": finding.kind, "carried_from": str(old.pk)},
            )
            _track_response_due(finding)
            carried.append(finding)
    return carried
