"""Writes for people's membership details, competence records, evidence, training, witnessing and evaluations."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bodies.models.tenants import Membership
from core.audit import audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import ValidationError, coded, field_error, unique_or_field_error
from core.expiry import expire_past_validity
from core.transitions import transition
from core.types import Actor
from core.uploads import UploadPolicy, upload_check
from reference.models import Sector, Standard
from reminders.services import deadline_close, deadline_upsert

from .error_codes import CompetenceErrorCode
from .models import (
    COMPETENCE_ROLES,
    Basis,
    CompetenceEvidence,
    CompetenceRecord,
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from .permissions import require_manage_competence

COMPETENCE_EXPIRY = "competence.expiry"
EVIDENCE_TYPES = {b"%PDF-": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
EVIDENCE_UPLOAD = UploadPolicy(kinds=("pdf", "png", "jpeg"))
RECORD_FIELDS = [
    "standard",
    "sector",
    "role",
    "basis",
    "notes",
    "evaluated_by",
    "evaluated_on",
    "valid_until",
    "status",
]


# --- competence records -------------------------------------------------------------------------------------


def competence_record_validate(values: dict[str, Any]) -> None:
    """The rules of a competence record's scope and basis (standard, sector, role, basis, valid_until): raises
    `ValidationError` by field. Proposing, renewing and the bulk import all check through here."""
    errors: dict[str, ValidationError] = {}
    if values.get("role") not in dict(COMPETENCE_ROLES):
        errors["role"] = coded(
            _("Choose a role that needs a competence record."), CompetenceErrorCode.ROLE_WITHOUT_COMPETENCE
        )
    basis = values.get("basis") or []
    if not basis:
        errors["basis"] = coded(
            _("Give at least one basis for the competence."), CompetenceErrorCode.BASIS_REQUIRED
        )
    elif any(item not in Basis.values for item in basis):
        errors["basis"] = coded(_("Unknown basis."), CompetenceErrorCode.UNKNOWN_BASIS)
    standard: Standard | None = values.get("standard")
    sector: Sector | None = values.get("sector")
    if standard is not None and sector is not None and sector.scheme != standard.sector_scheme:
        errors["sector"] = coded(
            _("%(standard)s is classified by %(scheme)s, not by this sector list.")
            % {"standard": standard, "scheme": standard.get_sector_scheme_display()},
            CompetenceErrorCode.SECTOR_SCHEME_MISMATCH,
        )
    if values.get("valid_until") is None:
        errors["valid_until"] = coded(
            _("Give the date the competence is valid until."), CoreErrorCode.REQUIRED
        )
    if errors:
        raise ValidationError(errors)


def competence_propose(
    *,
    membership: Membership,
    actor: Actor,
    standard: Standard,
    sector: Sector,
    role: str,
    basis: list[str],
    valid_until: date,
    notes: str = "",
) -> CompetenceRecord:
    """Records a proposed competence; it counts only once someone else evaluates and approves it."""
    require_manage_competence(actor, membership.body)
    values = {
        "standard": standard,
        "sector": sector,
        "role": role,
        "basis": basis,
        "valid_until": valid_until,
    }
    competence_record_validate(values)
    record = CompetenceRecord(
        body=membership.body,
        membership=membership,
        person=membership.user,
        standard=standard,
        sector=sector,
        role=role,
        basis=sorted(set(basis)),
        valid_until=valid_until,
        notes=notes,
    )
    with transaction.atomic():
        with unique_or_field_error(
            "competence_unique_scope_role",
            "role",
            _("This person already has a competence record for this standard, sector and role."),
            CompetenceErrorCode.DUPLICATE_RECORD,
        ):
            record.save()
        audit_record(
            actor=actor,
            action="competence.record.proposed",
            obj=record,
            body=record.body,
            after=snapshot(record, RECORD_FIELDS),
        )
    return record


def competence_evaluation_validate(
    *,
    person_id: object,
    evaluator_id: object,
    evaluator_active: bool,
    evaluated_on: date | None,
    valid_until: date | None = None,
) -> None:
    """Who may evaluate a competence, and when (ISO/IEC 17021-1 7.2.4): never the person, an active member of
    the body (or registry staff: `evaluator_active`), not in the future, not after it ends. Raises
    `ValidationError` by field; approving and the bulk import check through here. The ids are any identity
    of the two people (user ids, or emails for people who have no account yet); with no `evaluated_on` (one
    that could not be read) only the people are checked."""
    errors: dict[str, ValidationError] = {}
    if evaluator_id == person_id:
        errors["evaluated_by"] = coded(
            _("A competence must be evaluated by someone other than the person."),
            CompetenceErrorCode.SELF_EVALUATION,
        )
    elif not evaluator_active:
        errors["evaluated_by"] = coded(
            _("The evaluator must be an active member of the body."), CompetenceErrorCode.EVALUATOR_NOT_MEMBER
        )
    if evaluated_on is None:
        pass
    elif evaluated_on > timezone.localdate():
        errors["evaluated_on"] = coded(
            _("The evaluation cannot be dated in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    elif valid_until is not None and valid_until < evaluated_on:
        errors["valid_until"] = coded(
            _("The competence cannot end before it was evaluated."),
            CompetenceErrorCode.ENDS_BEFORE_EVALUATION,
        )
    if errors:
        raise ValidationError(errors)


def competence_approve(
    *,
    record: CompetenceRecord,
    actor: Actor,
    evaluated_on: date,
    valid_until: date | None = None,
    evaluated_by: User | None = None,
) -> CompetenceRecord:
    """Approves a proposed competence after its evaluation, by the actor or by the named evaluator.

    The evaluator is never the person (ISO/IEC 17021-1 7.2.4) and is an active member of the body.
    """
    require_manage_competence(actor, record.body)
    evaluator = evaluated_by or actor
    competence_evaluation_validate(
        person_id=record.person_id,
        evaluator_id=evaluator.pk,
        evaluator_active=evaluated_by is None
        or evaluator.pk == record.person_id
        or evaluator.is_staff
        or Membership.objects.active().filter(body_id=record.body_id, user_id=evaluator.pk).exists(),
        evaluated_on=evaluated_on,
    )

    def ends_after_evaluation(locked: CompetenceRecord) -> None:
        if (valid_until or locked.valid_until) < evaluated_on:
            raise field_error(
                "valid_until",
                _("The competence cannot end before it was evaluated."),
                CompetenceErrorCode.ENDS_BEFORE_EVALUATION,
            )

    def evaluate(locked: CompetenceRecord) -> list[str]:
        locked.evaluated_by = evaluator
        locked.evaluated_on = evaluated_on
        locked.valid_until = valid_until or locked.valid_until
        return ["evaluated_by", "evaluated_on", "valid_until"]

    return transition(
        record,
        action="approve",
        actor=actor,
        guards=[ends_after_evaluation],
        apply=evaluate,
        effects=[_watch_expiry_effect],
        record_before=RECORD_FIELDS,
        record_after=RECORD_FIELDS,
    )


def competence_renew(
    *,
    record: CompetenceRecord,
    actor: Actor,
    evaluated_on: date,
    valid_until: date,
    basis: list[str] | None = None,
) -> CompetenceRecord:
    """A new evaluation extends an approved or suspended competence (and reinstates a suspended one)."""
    require_manage_competence(actor, record.body)
    if actor.pk == record.person_id:
        raise field_error(
            "evaluated_by",
            _("A competence must be evaluated by someone other than the person."),
            CompetenceErrorCode.SELF_EVALUATION,
        )
    if evaluated_on > timezone.localdate():
        raise field_error(
            "evaluated_on", _("The evaluation cannot be dated in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if valid_until < evaluated_on:
        raise field_error(
            "valid_until",
            _("The competence cannot end before it was evaluated."),
            CompetenceErrorCode.ENDS_BEFORE_EVALUATION,
        )

    def valid_basis(locked: CompetenceRecord) -> None:
        if basis is not None:
            competence_record_validate(
                {
                    **{f: getattr(locked, f) for f in ("standard", "sector", "role")},
                    "basis": basis,
                    "valid_until": valid_until,
                }
            )

    def evaluate(locked: CompetenceRecord) -> list[str]:
        if basis is not None:
            locked.basis = sorted(set(basis))
        locked.evaluated_by = actor
        locked.evaluated_on = evaluated_on
        locked.valid_until = valid_until
        return ["basis", "evaluated_by", "evaluated_on", "valid_until"]

    return transition(
        record,
        action="renew",
        actor=actor,
        guards=[valid_basis],
        apply=evaluate,
        effects=[_watch_expiry_effect],
        record_before=RECORD_FIELDS,
        record_after=RECORD_FIELDS,
    )


def competence_suspend(*, record: CompetenceRecord, actor: Actor, reason: str) -> CompetenceRecord:
    require_manage_competence(actor, record.body)
    return transition(record, action="suspend", actor=actor, reason=reason, effects=[_watch_expiry_effect])


def _watch_expiry_effect(record: CompetenceRecord, from_status: str) -> None:
    _watch_expiry(record)


def _watch_expiry(record: CompetenceRecord) -> None:
    if record.status == CompetenceRecord.Status.APPROVED:
        deadline_upsert(
            kind=COMPETENCE_EXPIRY,
            subject=record,
            body=record.body,
            due_on=record.valid_until + timedelta(days=1),
        )
    else:
        deadline_close(kind=COMPETENCE_EXPIRY, subject=record)


def competences_expire(*, today: date | None = None) -> int:
    """System sweep: approved or suspended competences past `valid_until` (in the body's time zone) expire."""
    return expire_past_validity(model=CompetenceRecord, last_day_field="valid_until", today=today)


# --- evidence, training, witnessing, evaluation -------------------------------------------------------------


def check_evidence_file(upload: UploadedFile) -> bytes:
    """Size- and type-checks an upload by its content (PDF, PNG or JPEG), not by its name; an image is measured
    before it is decoded. The upload is renamed `<slug>.<detected extension>`; returns its content."""
    upload_check(upload, EVIDENCE_UPLOAD, field="file")
    content = upload.read()
    upload.seek(0)
    return content


def evidence_add(
    *, record: CompetenceRecord, actor: Actor, upload: UploadedFile, description: str
) -> CompetenceEvidence:
    require_manage_competence(actor, record.body)
    if not description.strip():
        raise field_error("description", _("Describe the evidence."), CoreErrorCode.REQUIRED)
    content = check_evidence_file(upload)
    with transaction.atomic():
        evidence = CompetenceEvidence(
            record=record,
            body=record.body,
            description=description.strip()[:200],
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor,
        )
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            action="competence.evidence.added",
            obj=record,
            body=record.body,
            after={"evidence": evidence.description, "sha256": evidence.sha256},
        )
    return evidence


_Entry = TypeVar("_Entry", TrainingEntry, WitnessedAudit, PeriodicEvaluation)


def _person_entry_create(
    model: type[_Entry],
    *,
    membership: Membership,
    actor: Actor,
    errors: dict[str, ValidationError],
    action: str,
    audited: list[str],
    **fields: Any,
) -> _Entry:
    """Writes one entry of a person's history (training, a witnessed audit, an evaluation) once its checks
    passed: raises the collected `errors` by field, else creates the entry in the membership's body and
    records `action` with the `audited` fields in the same transaction."""
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = model._default_manager.create(body=membership.body, membership=membership, **fields)
        audit_record(
            actor=actor, action=action, obj=entry, body=membership.body, after=snapshot(entry, audited)
        )
    return entry


def training_add(
    *,
    membership: Membership,
    actor: Actor,
    kind: str,
    title: str,
    provider: str,
    completed_on: date,
    hours: Decimal | int | None,
    standard: Standard | None = None,
) -> TrainingEntry:
    require_manage_competence(actor, membership.body)
    errors: dict[str, ValidationError] = {}
    if not title.strip():
        errors["title"] = coded(_("Name the training."), CoreErrorCode.REQUIRED)
    if completed_on > timezone.localdate():
        errors["completed_on"] = coded(
            _("Training cannot be completed in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if hours is None or hours <= 0:
        errors["hours"] = coded(_("Hours must be more than zero."), CompetenceErrorCode.HOURS_NOT_POSITIVE)
    if kind not in TrainingEntry.Kind.values:
        errors["kind"] = coded(_("Unknown kind of training."), CoreErrorCode.INVALID_CHOICE)
    return _person_entry_create(
        TrainingEntry,
        membership=membership,
        actor=actor,
        errors=errors,
        action="competence.training.added",
        audited=["kind", "title", "provider", "completed_on", "hours", "standard"],
        kind=kind,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        hours=hours,
        standard=standard,
    )


def witnessed_audit_record(
    *,
    membership: Membership,
    actor: Actor,
    witnessed_by: User,
    witnessed_on: date,
    standard: Standard,
    sector: Sector,
    outcome: str,
    engagement_reference: str = "",
    notes: str = "",
) -> WitnessedAudit:
    require_manage_competence(actor, membership.body)
    errors: dict[str, ValidationError] = {}
    if witnessed_by.pk == membership.user_id:
        errors["witnessed_by"] = coded(
            _("A person cannot witness their own audit."), CompetenceErrorCode.SELF_EVALUATION
        )
    if witnessed_on > timezone.localdate():
        errors["witnessed_on"] = coded(
            _("A witnessed audit cannot be in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if outcome not in WitnessedAudit.Outcome.values:
        errors["outcome"] = coded(_("Unknown outcome."), CoreErrorCode.INVALID_CHOICE)
    return _person_entry_create(
        WitnessedAudit,
        membership=membership,
        actor=actor,
        errors=errors,
        action="competence.witnessed_audit.recorded",
        audited=["witnessed_by", "witnessed_on", "standard", "sector", "outcome"],
        witnessed_by=witnessed_by,
        witnessed_on=witnessed_on,
        standard=standard,
        sector=sector,
        outcome=outcome,
        engagement_reference=engagement_reference,
        notes=notes,
    )


def periodic_evaluation_record(
    *,
    membership: Membership,
    actor: Actor,
    evaluated_on: date,
    outcome: str,
    notes: str = "",
    next_due_on: date | None = None,
) -> PeriodicEvaluation:
    require_manage_competence(actor, membership.body)
    errors: dict[str, ValidationError] = {}
    if actor.pk == membership.user_id:
        errors["evaluated_by"] = coded(
            _("A person cannot evaluate themselves."), CompetenceErrorCode.SELF_EVALUATION
        )
    if evaluated_on > timezone.localdate():
        errors["evaluated_on"] = coded(
            _("An evaluation cannot be dated in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if next_due_on is not None and next_due_on <= evaluated_on:
        errors["next_due_on"] = coded(
            _("The next evaluation must come after this one."), CompetenceErrorCode.NEXT_EVALUATION_TOO_EARLY
        )
    if outcome not in PeriodicEvaluation.Outcome.values:
        errors["outcome"] = coded(_("Unknown outcome."), CoreErrorCode.INVALID_CHOICE)
    return _person_entry_create(
        PeriodicEvaluation,
        membership=membership,
        actor=actor,
        errors=errors,
        action="competence.evaluation.recorded",
        audited=["evaluated_on", "outcome", "next_due_on"],
        evaluated_by=actor,
        evaluated_on=evaluated_on,
        outcome=outcome,
        notes=notes,
        next_due_on=next_due_on,
    )
