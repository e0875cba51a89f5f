"""Written overrides of a conflict the check finds (never an absolute one, never one's own)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bodies.models.tenants import Membership
from core.audit import audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import PermissionDenied, field_error
from core.types import Actor
from reminders.notices import notify

from ...error_codes import ImpartialityErrorCode
from ...models import ConflictOverride
from ...permissions import require_override_conflicts
from .check import conflict_check
from .rules import ABSOLUTE, ConflictRule

OVERRIDE_SNAPSHOT_FIELDS = [
    "membership",
    "client",
    "project",
    "rule",
    "starts_on",
    "ends_on",
    "justification",
    "overridden_by",
]


def conflict_override(
    *,
    actor: Actor,
    membership: Membership,
    client: Any = None,
    project: Any = None,
    rule: str,
    starts_on: date,
    ends_on: date,
    justification: str,
) -> ConflictOverride:
    """Allows one conflict the check finds (its rule) for this person, client or project and period, with a
    written justification. Only a person holding the role the body's impartiality policy names (body
    administrators by default), never for a conflict of their own, never an absolute rule (cooling-off,
    current employment). Audited; the body's administrators and the person are told."""
    body = membership.body
    require_override_conflicts(actor, body)
    if membership.user_id == actor.pk:
        raise PermissionDenied(
            _("Nobody overrides a conflict of their own."), code=ImpartialityErrorCode.OVERRIDE_OWN_CONFLICT
        )
    if rule not in ConflictRule.values:
        raise field_error("rule", _("Choose one of the conflict rules."), CoreErrorCode.INVALID_CHOICE)
    if rule in ABSOLUTE:
        raise field_error(
            "rule",
            _("%(rule)s is an absolute conflict: it can never be overridden.")
            % {"rule": ConflictRule(rule).label},
            ImpartialityErrorCode.CONFLICT_ABSOLUTE,
        )
    justification = (justification or "").strip()
    if not justification:
        raise field_error(
            "justification",
            _("Write why this conflict is allowed."),
            ImpartialityErrorCode.JUSTIFICATION_REQUIRED,
        )
    with transaction.atomic():
        # one override at a time per person: two planners cannot both record the same one
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        report = conflict_check(
            membership=membership, client=client, project=project, starts_on=starts_on, ends_on=ends_on
        )
        matching = [c for c in report.conflicts if c.rule == rule]
        if not matching:
            raise field_error(
                "rule",
                _(
                    "The conflict check finds no conflict of this rule for this person, counterparty and period."
                ),
                ImpartialityErrorCode.CONFLICT_NOT_FOUND,
            )
        if all(c.overridden for c in matching):
            raise field_error(
                "rule",
                _("An override already covers this conflict for this person, counterparty and period."),
                ImpartialityErrorCode.CONFLICT_ALREADY_OVERRIDDEN,
            )
        override = ConflictOverride.objects.create(
            body_id=membership.body_id,
            membership=report.membership,
            client=report.client,
            project=report.project,
            rule=rule,
            starts_on=starts_on,
            ends_on=ends_on,
            justification=justification,
            overridden_by=actor,
        )
        audit_record(
            actor=actor,
            action="impartiality.conflict.overridden",
            obj=override,
            body=report.membership.body,
            after=snapshot(override, OVERRIDE_SNAPSHOT_FIELDS),
        )
        notify(
            kind="impartiality.conflict.overridden",
            subject=override,
            body=report.membership.body,
            values={
                "person": report.membership.user.full_name or report.membership.user.email,
                "rule": ConflictRule(rule).label,
                "party": str(report.counterparty),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "actor": getattr(actor, "full_name", "") or str(actor),
            },
            reason=justification,
        )
    return override
