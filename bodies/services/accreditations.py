"""Writes for accreditations: create, update, the body's decisions, the registry's verification and expiry.

An accreditation is evidence, not a declaration: the body attaches the certificate and names the accreditation
body from the registry's list; registry staff verify it (or refuse it, with a reason) before it counts. A
change by the body sends a verified or refused accreditation back to the verification queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import audit_changes, audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import (
    TransitionNotAllowed,
    ValidationError,
    coded,
    field_error,
    refuse_other_fields,
    unique_or_field_error,
)
from core.expiry import expire_past_validity
from core.permissions import require_registry_staff
from core.transitions import refusal, transition
from core.types import Actor
from core.uploads import UploadPolicy, upload_check
from reference.models import Activity, Sector, Standard
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..error_codes import BodiesErrorCode
from ..models import VERIFICATION_TRANSITIONS, Accreditation, AccreditationVerification, Body
from ..permissions import require_manage_accreditations

#: the accreditation certificate: a PDF (judged by its content) within UPLOAD_MAX_BYTES
CERTIFICATE_UPLOAD = UploadPolicy(kinds=("pdf",), size_setting="UPLOAD_MAX_BYTES")

ACCREDITATION_FIELDS = (
    "accreditation_body",
    "standard",
    "programme_name",
    "certificate_number",
    "valid_from",
    "valid_to",
    "last_onsite_assessment",
    "certificate",
)
#: what an audit event about an accreditation records: its fields, its status, verification and scope
ACCREDITATION_SNAPSHOT_FIELDS = [
    *ACCREDITATION_FIELDS,
    "status",
    "verification",
    "scope_activities",
    "scope_standards",
    "scope_sectors",
]
ACCREDITATION_EXPIRY = "bodies.accreditation_expiry"
#: a body whose accreditation changes while its application is open is answering the registry's review
REVIEWED_STATUSES = (Body.Status.APPLICANT, Body.Status.UNDER_REVIEW)


# --- accreditations -----------------------------------------------------------------------------------------


def accreditation_expiry_date(accreditation: Accreditation) -> date:
    """The first day the accreditation no longer covers (the day after `valid_to`)."""
    return accreditation.valid_to + timedelta(days=1)


def _check_certificate(values: dict[str, Any], *, required: bool) -> None:
    """A new certificate is a PDF judged by its content (and renamed from it); a new accreditation needs one."""
    certificate = values.get("certificate")
    if isinstance(certificate, UploadedFile):
        upload_check(certificate, CERTIFICATE_UPLOAD, field="certificate")
    elif certificate in (None, "", False):
        if required:
            raise field_error(
                "certificate",
                _("Attach the accreditation certificate (PDF)."),
                BodiesErrorCode.CERTIFICATE_REQUIRED,
            )
        values.pop("certificate", None)  # unchanged: a certificate is replaced, never removed
    elif not isinstance(certificate, str | File):
        raise field_error(
            "certificate",
            _("Attach the accreditation certificate (PDF)."),
            BodiesErrorCode.CERTIFICATE_REQUIRED,
        )


def _validate_accreditation(
    values: dict[str, Any], activities: list[Activity], standards: list[Standard], sectors: list[Sector]
) -> None:
    """ISO/IEC 17011: an accreditation cycle is at most five years (a setting); its scope is never empty."""
    errors: dict[str, ValidationError] = {}
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to:
        if valid_to < valid_from:
            errors["valid_to"] = coded(
                _("The end of validity cannot be before its start."), BodiesErrorCode.VALIDITY_REVERSED
            )
        else:
            years = settings.ACCREDITATION_MAX_CYCLE_YEARS
            last_allowed = valid_from + relativedelta(years=years) - timedelta(days=1)
            if valid_to > last_allowed:
                errors["valid_to"] = coded(
                    _("An accreditation cycle is at most %(years)s years: the last allowed day is %(day)s.")
                    % {"years": years, "day": date_format(last_allowed, "DATE_FORMAT")},
                    BodiesErrorCode.CYCLE_TOO_LONG,
                )
    last_onsite = values.get("last_onsite_assessment")
    if last_onsite and last_onsite > timezone.localdate():
        errors["last_onsite_assessment"] = coded(
            _("The last on-site assessment cannot be in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if values.get("standard") == Accreditation.Standard.GHG_PROGRAMME and not values.get("programme_name"):
        errors["programme_name"] = coded(
            _("Name the approved GHG programme."), BodiesErrorCode.PROGRAMME_NAME_REQUIRED
        )
    if not activities:
        errors["scope_activities"] = coded(
            _("The scope needs at least one activity."), BodiesErrorCode.SCOPE_EMPTY
        )
    if not standards:
        errors["scope_standards"] = coded(
            _("The scope needs at least one standard."), BodiesErrorCode.SCOPE_EMPTY
        )
    if not sectors:
        errors["scope_sectors"] = coded(
            _("The scope needs at least one sector."), BodiesErrorCode.SCOPE_EMPTY
        )
    if errors:
        raise ValidationError(errors)


def _save_with_scope(
    accreditation: Accreditation, activities: list[Activity], standards: list[Standard], sectors: list[Sector]
) -> None:
    """Checks the model's field rules, saves and sets the scope; the database's unique constraint (not a Python
    look-up) refuses a duplicate certificate. Runs inside the caller's transaction."""
    accreditation.full_clean(
        exclude=["scope_activities", "scope_standards", "scope_sectors"],
        validate_unique=False,
        validate_constraints=False,
    )
    with unique_or_field_error(
        "accreditation_certificate_unique",
        "certificate_number",
        _("This body already has this accreditation certificate."),
        BodiesErrorCode.DUPLICATE_CERTIFICATE,
    ):
        accreditation.save()
    accreditation.scope_activities.set(activities)
    accreditation.scope_standards.set(standards)
    accreditation.scope_sectors.set(sectors)


def _watch_expiry(accreditation: Accreditation) -> None:
    if accreditation.status in Accreditation.TRANSITIONS.sources("expire"):  # live: it may still expire
        deadline_upsert(
            kind=ACCREDITATION_EXPIRY,
            subject=accreditation,
            body=accreditation.body,
            due_on=accreditation_expiry_date(accreditation),
        )
    else:
        deadline_close(kind=ACCREDITATION_EXPIRY, subject=accreditation)


def accreditation_create(
    *,
    body: Body,
    actor: Actor,
    fields: dict[str, Any],
    scope_activities: Iterable[Activity],
    scope_standards: Iterable[Standard],
    scope_sectors: Iterable[Sector],
) -> Accreditation:
    """The body records an accreditation with its certificate; it waits for the registry's verification."""
    require_manage_accreditations(actor, body)
    refuse_other_fields(fields, ACCREDITATION_FIELDS, changing=False)
    fields = dict(fields)
    activities, standards, sectors = list(scope_activities), list(scope_standards), list(scope_sectors)
    _validate_accreditation(fields, activities, standards, sectors)
    _check_certificate(fields, required=True)
    accreditation = Accreditation(body=body, verification=AccreditationVerification.PENDING, **fields)
    with transaction.atomic():
        _save_with_scope(accreditation, activities, standards, sectors)
        audit_record(
            actor=actor,
            action="bodies.accreditation.created",
            obj=accreditation,
            body=body,
            after=snapshot(accreditation, ACCREDITATION_SNAPSHOT_FIELDS),
        )
        _watch_expiry(accreditation)
        _tell_registry(accreditation)
    return accreditation


def accreditation_update(
    *,
    accreditation: Accreditation,
    actor: Actor,
    fields: dict[str, Any],
    scope_activities: Iterable[Activity] | None = None,
    scope_standards: Iterable[Standard] | None = None,
    scope_sectors: Iterable[Sector] | None = None,
) -> Accreditation:
    """The body changes an accreditation. Any change sends a verified or refused one back to the verification
    queue (its certificate, dates or scope are no longer what the registry checked); no change, no event."""
    require_manage_accreditations(actor, accreditation.body)
    refuse_other_fields(fields, ACCREDITATION_FIELDS, changing=True)
    fields = dict(fields)
    _check_certificate(fields, required=False)
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().select_related("body").get(pk=accreditation.pk)
        if not Accreditation.TRANSITIONS.allowed(locked.status):  # withdrawn or expired: closed
            raise TransitionNotAllowed(
                _("A withdrawn or expired accreditation cannot be changed."),
                current=locked.status,
                code=BodiesErrorCode.ACCREDITATION_CLOSED,
            )
        before = snapshot(locked, ACCREDITATION_SNAPSHOT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        activities = (
            list(scope_activities) if scope_activities is not None else list(locked.scope_activities.all())
        )
        standards = (
            list(scope_standards) if scope_standards is not None else list(locked.scope_standards.all())
        )
        sectors = list(scope_sectors) if scope_sectors is not None else list(locked.scope_sectors.all())
        _validate_accreditation(
            {f: getattr(locked, f) for f in ACCREDITATION_FIELDS}, activities, standards, sectors
        )
        _save_with_scope(locked, activities, standards, sectors)
        changed = snapshot(locked, ACCREDITATION_SNAPSHOT_FIELDS) != before
        if changed:
            _back_to_verification(locked)
        audit_changes(
            actor=actor,
            action="bodies.accreditation.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, ACCREDITATION_SNAPSHOT_FIELDS),
        )
        _watch_expiry(locked)
        if changed:
            _tell_registry(locked)
    return locked


def _back_to_verification(accreditation: Accreditation) -> None:
    """A verified or refused accreditation the body changed waits for verification again (saved here)."""
    changed = _to_verify_again(accreditation)
    if changed:
        accreditation.save(update_fields=[*changed, "updated_at"])


def _tell_registry(accreditation: Accreditation) -> None:
    """Registry staff learn that an accreditation waits for verification, and, while the body's application
    is open, that the body has replied to their review."""
    body = accreditation.body
    notify(kind="bodies.accreditation.awaiting_verification", subject=accreditation, body=body)
    if body.status in REVIEWED_STATUSES:
        notify(kind="bodies.body.replied", subject=body, body=body)


# --- the registry's verification ----------------------------------------------------------------------------


def _verification_decide(
    *, accreditation: Accreditation, actor: Actor, action: str, reason: str
) -> Accreditation:
    """Registry staff's decision on a pending accreditation: `VERIFICATION_TRANSITIONS[action]`, under a row
    lock, guarded on the current verification state, audited with before/after, and told to the body's
    administrators. (Hand-written rather than `core.transitions.transition`, which moves a model's one
    `TRANSITIONS` life cycle: an accreditation's status is the body's, its verification the registry's.)"""
    require_registry_staff(actor)
    spec = VERIFICATION_TRANSITIONS[action]
    reason = (reason or "").strip()
    if spec.reason and not reason:
        raise field_error(
            "reason", str(VERIFICATION_TRANSITIONS.reason_missing), CoreErrorCode.REASON_REQUIRED
        )
    with transaction.atomic():
        locked = (
            Accreditation.objects.select_for_update(of=("self",))
            .select_related("body", "accreditation_body")
            .get(pk=accreditation.pk)
        )
        current = locked.verification
        if current not in spec.source:
            refused = refusal(Accreditation, VERIFICATION_TRANSITIONS, spec, current)
            raise TransitionNotAllowed(
                refused.message, current=current, code=BodiesErrorCode.VERIFICATION_NOT_PENDING
            )
        before = {"verification": current, "verification_reason": locked.verification_reason}
        locked.verification = spec.target
        locked.verification_reason = reason
        locked.verified_by = actor  # type: ignore[assignment]
        locked.verified_at = timezone.now()
        locked.save(
            update_fields=["verification", "verification_reason", "verified_by", "verified_at", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=str(spec.event),
            obj=locked,
            body=locked.body,
            before=before,
            after={"verification": spec.target, "verification_reason": reason},
        )
        notify(kind=str(spec.event), subject=locked, body=locked.body, reason=reason)
    return locked


def accreditation_verify(*, accreditation: Accreditation, actor: Actor, reason: str = "") -> Accreditation:
    """Registry staff checked the certificate against the accreditation body's records: it counts from now."""
    return _verification_decide(accreditation=accreditation, actor=actor, action="verify", reason=reason)


def accreditation_refuse(*, accreditation: Accreditation, actor: Actor, reason: str) -> Accreditation:
    """Registry staff refuse the accreditation as evidence (the body reads the reason and may correct it)."""
    return _verification_decide(accreditation=accreditation, actor=actor, action="refuse", reason=reason)


ACCREDITATION_VERIFICATIONS = {"verify": accreditation_verify, "refuse": accreditation_refuse}


def _validity_not_ended(accreditation: Accreditation) -> None:
    if accreditation.valid_to < timezone.localdate():
        raise TransitionNotAllowed(
            _("The accreditation's validity has ended."),
            current=accreditation.status,
            code=BodiesErrorCode.VALIDITY_ENDED,
        )


def _watch_expiry_effect(accreditation: Accreditation, from_status: str) -> None:
    _watch_expiry(accreditation)


def _accreditation_decide(
    *,
    accreditation: Accreditation,
    actor: Actor,
    action: str,
    reason: str,
    guards: Sequence[Callable[[Accreditation], None]] = (),
    apply: Callable[[Accreditation], list[str]] | None = None,
    effects: Sequence[Callable[[Accreditation, str], None]] = (),
) -> Accreditation:
    """The body's decision on its accreditation: the move itself is `Accreditation.TRANSITIONS[action]`."""
    require_manage_accreditations(actor, accreditation.body)
    return transition(
        accreditation,
        action=action,
        actor=actor,
        reason=reason,
        guards=guards,
        apply=apply,
        effects=[_watch_expiry_effect, *effects],
        record_before=["verification"],
        record_after=["verification"],
    )


def accreditation_suspend(*, accreditation: Accreditation, actor: Actor, reason: str) -> Accreditation:
    return _accreditation_decide(accreditation=accreditation, actor=actor, action="suspend", reason=reason)


def _to_verify_again(accreditation: Accreditation) -> list[str]:
    if accreditation.verification == AccreditationVerification.PENDING:
        return []
    accreditation.verification = VERIFICATION_TRANSITIONS["resubmit"].target
    accreditation.verification_reason = ""
    accreditation.verified_by = None
    accreditation.verified_at = None
    return ["verification", "verification_reason", "verified_by", "verified_at"]


def _tell_registry_effect(accreditation: Accreditation, from_status: str) -> None:
    _tell_registry(accreditation)


def accreditation_reinstate(*, accreditation: Accreditation, actor: Actor, reason: str) -> Accreditation:
    """A suspended accreditation becomes active again, unless its validity has ended meanwhile. The body says
    its accreditation body lifted the suspension: registry staff verify that before it counts again."""
    return _accreditation_decide(
        accreditation=accreditation,
        actor=actor,
        action="reinstate",
        reason=reason,
        guards=[_validity_not_ended],
        apply=_to_verify_again,
        effects=[_tell_registry_effect],
    )


def accreditation_withdraw(*, accreditation: Accreditation, actor: Actor, reason: str) -> Accreditation:
    return _accreditation_decide(accreditation=accreditation, actor=actor, action="withdraw", reason=reason)


ACCREDITATION_DECISIONS = {
    "suspend": accreditation_suspend,
    "reinstate": accreditation_reinstate,
    "withdraw": accreditation_withdraw,
}


def accreditations_expire(*, today: date | None = None) -> int:
    """Marks accreditations whose validity has ended (in their body's time zone) as expired; returns how many."""
    return expire_past_validity(model=Accreditation, last_day_field="valid_to", today=today)
