"""Writes for accreditations: create, update, the body's decisions and expiry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_changes, audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import (
    TransitionNotAllowed,
    ValidationError,
    coded,
    refuse_other_fields,
    unique_or_field_error,
)
from core.expiry import expire_past_validity
from core.transitions import transition
from core.types import Actor
from reference.models import Activity, Sector, Standard
from reminders.services import deadline_close, deadline_upsert

from ..error_codes import BodiesErrorCode
from ..models import Accreditation, Body
from ..permissions import require_manage_accreditations

ACCREDITATION_FIELDS = (
    "accreditation_body",
    "accreditation_body_iaf_mla",
    "standard",
    "programme_name",
    "certificate_number",
    "valid_from",
    "valid_to",
    "last_onsite_assessment",
)
#: what an audit event about an accreditation records: its fields, its status and its scope
ACCREDITATION_SNAPSHOT_FIELDS = [
    *ACCREDITATION_FIELDS,
    "status",
    "scope_activities",
    "scope_standards",
    "scope_sectors",
]
ACCREDITATION_EXPIRY = "bodies.accreditation_expiry"


# --- accreditations -----------------------------------------------------------------------------------------


def accreditation_expiry_date(accreditation: Accreditation) -> date:
    """The first day the accreditation no longer covers (the day after `valid_to`)."""
    return accreditation.valid_to + timedelta(days=1)


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
                    % {"years": years, "day": last_allowed.isoformat()},
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
    require_manage_accreditations(actor, body)
    refuse_other_fields(fields, ACCREDITATION_FIELDS, changing=False)
    activities, standards, sectors = list(scope_activities), list(scope_standards), list(scope_sectors)
    _validate_accreditation(fields, activities, standards, sectors)
    accreditation = Accreditation(body=body, **fields)
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
    require_manage_accreditations(actor, accreditation.body)
    refuse_other_fields(fields, ACCREDITATION_FIELDS, changing=True)
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
        audit_changes(
            actor=actor,
            action="bodies.accreditation.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, ACCREDITATION_SNAPSHOT_FIELDS),
        )
        _watch_expiry(locked)
    return locked


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
) -> Accreditation:
    """The body's decision on its accreditation: the move itself is `Accreditation.TRANSITIONS[action]`."""
    require_manage_accreditations(actor, accreditation.body)
    return transition(
        accreditation,
        action=action,
        actor=actor,
        reason=reason,
        guards=guards,
        effects=[_watch_expiry_effect],
    )


def accreditation_suspend(*, accreditation: Accreditation, actor: Actor, reason: str) -> Accreditation:
    return _accreditation_decide(accreditation=accreditation, actor=actor, action="suspend", reason=reason)


def accreditation_reinstate(*, accreditation: Accreditation, actor: Actor, reason: str) -> Accreditation:
    """A suspended accreditation becomes active again, unless its validity has ended meanwhile."""
    return _accreditation_decide(
        accreditation=accreditation,
        actor=actor,
        action="reinstate",
        reason=reason,
        guards=[_validity_not_ended],
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
