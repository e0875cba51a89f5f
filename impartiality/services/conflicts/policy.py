"""The body's impartiality policy: which role may override a conflict."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Role
from core.audit import audit_changes, snapshot
from core.error_codes import CoreErrorCode
from core.errors import field_error
from core.types import Actor

from ...models import ImpartialityPolicy
from ...permissions import require_change_impartiality_policy

POLICY_FIELDS = ["override_role"]


def impartiality_policy_get(*, body: Body) -> ImpartialityPolicy:
    """The body's policy, or the default (unsaved: body administrators override) when it never decided."""
    policy = ImpartialityPolicy.objects.filter(body_id=body.pk).first()
    return policy if policy is not None else ImpartialityPolicy(body=body, override_role=Role.BODY_ADMIN)


def impartiality_policy_set(*, body: Body, actor: Actor, override_role: str) -> ImpartialityPolicy:
    """The body's administrators (`manage_body`) choose which role may override a conflict; audited with before
    and after. Setting the role already in force changes nothing and records nothing."""
    require_change_impartiality_policy(actor, body)
    if override_role not in Role.values:
        raise field_error(
            "override_role",
            _("Choose one of the body's roles."),
            CoreErrorCode.INVALID_CHOICE,
        )
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()  # one change at a time per body
        existing = ImpartialityPolicy.objects.filter(body_id=body.pk).first()
        current = existing.override_role if existing is not None else Role.BODY_ADMIN
        policy = existing if existing is not None else ImpartialityPolicy(body=body, override_role=current)
        if current == override_role:
            return policy  # already in force (a body without a row holds the default): nothing to record
        before = snapshot(policy, POLICY_FIELDS)
        policy.override_role = override_role
        policy.save()
        audit_changes(
            actor=actor,
            action="impartiality.policy.changed",
            obj=policy,
            body=body,
            before=before,
            after=snapshot(policy, POLICY_FIELDS),
        )
    return policy
