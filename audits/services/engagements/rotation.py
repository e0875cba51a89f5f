"""Registry staff's exemptions from the verification rotation limit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_changes, audit_record, snapshot
from core.errors import ValidationError, coded, field_error
from core.permissions import require_registry_staff
from core.types import Actor

from ...error_codes import AuditsErrorCode
from ...models import RotationExemption


def rotation_exemption_record(
    *, actor: Actor, body: Body, project: Any, reason: str, valid_until: date | None = None
) -> RotationExemption:
    """Registry staff exempt a body from the verification rotation limit for one project, with a reason."""
    require_registry_staff(actor)
    reason = (reason or "").strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = coded(_("Give the reason for the exemption."), AuditsErrorCode.EXEMPTION_INVALID)
    if project.body_id != body.pk:
        errors["project"] = coded(
            _("The project is not a project of this body."), AuditsErrorCode.EXEMPTION_INVALID
        )
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = coded(
            _("The exemption cannot end in the past."), AuditsErrorCode.EXEMPTION_INVALID
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exemption = RotationExemption.objects.create(
            body=body, project=project, reason=reason, valid_until=valid_until, granted_by=actor
        )
        audit_record(
            actor=actor,
            action="audits.rotation_exemption.recorded",
            obj=exemption,
            body=body,
            after=snapshot(exemption, ["project", "reason", "valid_until"]),
        )
    return exemption


def rotation_exemption_update(
    *, actor: Actor, exemption: RotationExemption, reason: str, valid_until: date | None
) -> RotationExemption:
    """Registry staff change an exemption's reason or validity (an end in the past ends it)."""
    require_registry_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise field_error(
            "reason", _("Give the reason for the exemption."), AuditsErrorCode.EXEMPTION_INVALID
        )
    fields = ["reason", "valid_until"]
    with transaction.atomic():
        locked = RotationExemption.objects.select_for_update().select_related("body").get(pk=exemption.pk)
        before = snapshot(locked, fields)
        locked.reason, locked.valid_until = reason, valid_until
        locked.save(update_fields=[*fields, "updated_at"])
        audit_changes(
            actor=actor,
            action="audits.rotation_exemption.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, fields),
        )
    return locked
