"""Creating and changing an engagement: its reference, its fields and dates, and the audit time the planner
accepts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_changes, audit_record, snapshot
from core.errors import TransitionNotAllowed, ValidationError, coded, refuse_other_fields
from core.types import Actor

from ...audit_time import AuditTime, IntegratedTime
from ...error_codes import AuditsErrorCode
from ...models import Engagement
from ...permissions import require_manage_engagements
from ...sampling import Sample
from ..gates import team_gates
from .common import (
    ENGAGEMENT_FIELDS,
    ENGAGEMENT_SNAPSHOT_FIELDS,
    ENGAGEMENT_UPDATE_FIELDS,
    TEAM_HELD,
    TEAM_OPEN,
    S,
    check_eligible,
    move_deadlines,
)
from .rules import cleaned_fields, validate_engagement


def _next_reference(body: Body, year: int) -> str:
    """The body's next reference of the year (`ENG-2026-0007`): under a lock on the body's row, so two creations
    at once never share one; engagements are never deleted (a cancelled one keeps its number), so a number is
    never reused."""
    Body.objects.select_for_update().filter(pk=body.pk).first()
    prefix = f"ENG-{year}-"
    last = (
        Engagement.objects.filter(body=body, reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def engagement_create(*, body: Body, actor: Actor, fields: dict[str, Any]) -> Engagement:
    """A planner records an engagement (a draft) with its kind's fields; the body must be eligible for the
    activity, standard and sector on every planned day. The reference is the body's next of the year."""
    require_manage_engagements(actor, body)
    refuse_other_fields(fields, ENGAGEMENT_FIELDS, changing=False)
    values, sites = cleaned_fields(fields)
    engagement = Engagement(body=body, created_by=actor, **values)
    validate_engagement(engagement, sites)
    check_eligible(engagement)
    with transaction.atomic():
        engagement.reference = _next_reference(body, (engagement.planned_start or timezone.localdate()).year)
        engagement.save()
        if sites:
            engagement.sites.set(sites)
        audit_record(
            actor=actor,
            action="audits.engagement.created",
            obj=engagement,
            body=body,
            after=snapshot(engagement, ENGAGEMENT_SNAPSHOT_FIELDS),
        )
    return engagement


def engagement_update(*, engagement: Engagement, actor: Actor, fields: dict[str, Any]) -> Engagement:
    """A planner changes an engagement before its decision. Moving the dates runs eligibility again, and once
    the team is confirmed every member's gates on the new dates: a failure refuses the change naming each
    person and rule."""
    require_manage_engagements(actor, engagement.body)
    refuse_other_fields(fields, ENGAGEMENT_UPDATE_FIELDS, changing=True)
    values, sites = cleaned_fields(fields)
    with transaction.atomic():
        locked = (
            Engagement.objects.select_for_update(of=("self",))
            .select_related("body", "client", "project", "activity", "standard", "sector")
            .get(pk=engagement.pk)
        )
        if locked.status not in (*TEAM_OPEN, *TEAM_HELD, S.REPORT_DRAFTED):
            raise TransitionNotAllowed(
                _("An engagement that is %(status)s cannot be changed.")
                % {"status": locked.get_status_display().lower()},
                current=locked.status,
            )
        before = snapshot(locked, ENGAGEMENT_SNAPSHOT_FIELDS)
        old_dates = (locked.planned_start, locked.planned_end)
        for name, value in values.items():
            setattr(locked, name, value)
        validate_engagement(locked, sites)
        if (locked.planned_start, locked.planned_end) != old_dates:
            check_eligible(locked)
            if locked.status in TEAM_HELD:
                report = team_gates(locked)
                if not report.passed:
                    raise report.error()
            move_deadlines(locked)
        locked.save()
        if sites is not None:
            locked.sites.set(sites)
        audit_changes(
            actor=actor,
            action="audits.engagement.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, ENGAGEMENT_SNAPSHOT_FIELDS),
        )
    return locked


def engagement_set_audit_time(
    *,
    engagement: Engagement,
    actor: Actor,
    calculation: AuditTime | IntegratedTime | None = None,
    sample: Sample | None = None,
    days: Any = None,
    justification: str = "",
) -> Engagement:
    """Stores the audit time the planner accepts: the calculator's result (`audits.audit_time`: its days, its
    `as_dict()` and its justification, to which the planner may add words), or — where no table applies — the
    person-days (in half days) and a written justification entered by hand; with the multi-site sample used
    (`audits.sampling`), if any."""
    require_manage_engagements(actor, engagement.body)
    errors: dict[str, Any] = {}
    stored: dict[str, Any] = {}
    words = (justification or "").strip()
    value: Decimal | None
    if calculation is not None:
        value = calculation.days
        stored["time"] = calculation.as_dict()
        words = "\n".join(part for part in (calculation.justification_text(), words) if part)
    else:
        try:
            value = Decimal(str(days))
        except (InvalidOperation, TypeError):
            value = None
        if value is None or value <= 0 or (value * 2) % 1 != 0:
            errors["audit_days"] = coded(
                _("Enter the audit time in person-days, in half days (e.g. 2.5)."),
                AuditsErrorCode.AUDIT_TIME_INVALID,
            )
    if sample is not None:
        stored["sample"] = sample.as_dict()
        words = "\n".join(part for part in (words, sample.justification_text()) if part)
    if not words:
        errors["audit_time_justification"] = coded(
            _("Explain how the audit time was reached."), AuditsErrorCode.AUDIT_TIME_INVALID
        )
    if errors:
        raise ValidationError(errors)
    justification = words
    with transaction.atomic():
        locked = (
            Engagement.objects.select_for_update(of=("self",)).select_related("body").get(pk=engagement.pk)
        )
        if locked.status not in (*TEAM_OPEN, *TEAM_HELD):
            raise TransitionNotAllowed(
                _("The audit time of an engagement that is %(status)s cannot be changed.")
                % {"status": locked.get_status_display().lower()},
                current=locked.status,
            )
        fields = ["audit_days", "audit_time", "audit_time_justification"]
        before = snapshot(locked, fields)
        locked.audit_days = value
        locked.audit_time = stored
        locked.audit_time_justification = justification
        locked.save(update_fields=[*fields, "updated_at"])
        audit_changes(
            actor=actor,
            action="audits.engagement.audit_time_set",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, fields),
        )
    return locked
