"""Writes for memberships: people in a body, their roles, status and undertaking, and the grants they carry."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import TOKEN_AUTHORITY
from accounts.services import api_tokens_lapse, user_sessions_end_without_membership
from core.audit import audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import ValidationError, coded, field_error
from core.roles import managed_permissions, permissions_for_roles
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..error_codes import BodiesErrorCode
from ..models import Body, Membership, Role
from ..notices import API_TOKENS_LAPSED
from ..permissions import require_manage_members

if TYPE_CHECKING:
    from accounts.models import User

UNDERTAKING_UNSIGNED = "bodies.undertaking_unsigned"


# --- memberships --------------------------------------------------------------------------------------------


def _sync_grants(membership: Membership) -> None:
    """Mirrors a membership's roles into guardian's object grants on the body (the table: `core.roles`)."""
    wanted = (
        permissions_for_roles(membership.roles) if membership.status == Membership.Status.ACTIVE else set()
    )
    for codename in sorted(managed_permissions()):
        if codename in wanted:
            assign_perm(f"bodies.{codename}", membership.user, membership.body)
        else:
            remove_perm(f"bodies.{codename}", membership.user, membership.body)


def membership_grants_resync(using: str = "default", **kwargs: object) -> int:
    """post_migrate: every membership's grants follow the role table as it now stands, so a permission a
    capability newly grants to a role reaches the people who already hold the role. Reads every grant of the
    managed permissions once and touches only the memberships whose grants differ; returns how many."""
    from collections import defaultdict

    from ..models.tenants import BodyUserObjectPermission

    managed = managed_permissions()
    held: dict[tuple[object, object], set[str]] = defaultdict(set)
    grants = BodyUserObjectPermission.objects.using(using).filter(permission__codename__in=managed)
    for user_id, body_id, codename in grants.values_list(
        "user_id", "content_object_id", "permission__codename"
    ):
        held[(user_id, body_id)].add(codename)
    changed = 0
    for membership in Membership.objects.using(using).select_related("user", "body"):
        wanted = (
            permissions_for_roles(membership.roles)
            if membership.status == Membership.Status.ACTIVE
            else set()
        )
        if held.get((membership.user_id, membership.body_id), set()) != (wanted & managed):
            _sync_grants(membership)
            changed += 1
    return changed


def membership_add(*, body: Body, user: User, roles: list[str], actor: Actor) -> Membership:
    require_manage_members(actor, body)
    _validate_roles(roles)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, body=body, defaults={"roles": sorted(set(roles))}
        )
        if not created:
            raise field_error(
                "user", _("This person already belongs to the body."), BodiesErrorCode.ALREADY_MEMBER
            )
        _sync_grants(membership)
        membership_watch_undertaking(membership=membership)
        audit_record(
            actor=actor,
            action="bodies.membership.added",
            obj=membership,
            body=body,
            after={"user": user.email, "roles": roles, "status": membership.status},
        )
    return membership


def membership_set_roles(*, membership: Membership, roles: list[str], actor: Actor) -> Membership:
    require_manage_members(actor, membership.body)
    _validate_roles(roles)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
        if Role.BODY_ADMIN in locked.roles and Role.BODY_ADMIN not in roles:
            _ensure_another_admin(locked)
        before = {"roles": locked.roles}
        locked.roles = sorted(set(roles))
        locked.save(update_fields=["roles"])
        _sync_grants(locked)
        _lapse_tokens_without_authority(locked, actor)
        audit_record(
            actor=actor,
            action="bodies.membership.roles_changed",
            obj=locked,
            body=locked.body,
            before=before,
            after={"roles": locked.roles},
        )
    return locked


def membership_set_status(*, membership: Membership, status: str, actor: Actor) -> Membership:
    """Suspends a person in the body, marks them as having left, or makes them active again.

    Their object grants follow the status at once; a body never loses its last active administrator.
    """
    require_manage_members(actor, membership.body)
    if status not in Membership.Status.values:
        raise field_error("status", _("Unknown status."), CoreErrorCode.INVALID_CHOICE)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
        if locked.status == status:
            return locked
        if locked.is_body_admin and status != Membership.Status.ACTIVE:
            _ensure_another_admin(locked)
        before = {"status": locked.status}
        locked.status = status
        locked.save(update_fields=["status"])
        _sync_grants(locked)
        _lapse_tokens_without_authority(locked, actor)
        if before["status"] == Membership.Status.ACTIVE:  # their sessions end if it was their last active one
            user_sessions_end_without_membership(user=locked.user, actor=actor)
        membership_watch_undertaking(membership=locked)
        audit_record(
            actor=actor,
            action="bodies.membership.status_changed",
            obj=locked,
            body=locked.body,
            before=before,
            after={"status": status},
        )
    return locked


def _lapse_tokens_without_authority(membership: Membership, actor: Actor) -> None:
    """A person who no longer holds `manage_api_tokens` here (the membership ended or is suspended, or the
    role granting it was removed) no longer stands behind the body's tokens they created: those lapse, and
    the body's administrators are told which, to re-issue them (the authentication refuses them regardless)."""
    if membership.status == Membership.Status.ACTIVE and TOKEN_AUTHORITY in permissions_for_roles(
        membership.roles
    ):
        return
    lapsed = api_tokens_lapse(body=membership.body, creator=membership.user, actor=actor)
    if lapsed:
        notify(
            kind=API_TOKENS_LAPSED,
            subject=membership,
            body=membership.body,
            values={
                "person": membership.user.full_name or membership.user.email,
                "tokens": ", ".join(f"{token.name} ({token.prefix})" for token in lapsed),
            },
        )


def _validate_roles(roles: list[str]) -> None:
    valid = set(Role.values)
    bad = [role for role in roles if role not in valid]
    if bad:
        raise field_error(
            "roles", _("Unknown role(s): %(roles)s") % {"roles": ", ".join(bad)}, BodiesErrorCode.UNKNOWN_ROLE
        )


def _ensure_another_admin(membership: Membership) -> None:
    others = Membership.objects.active().filter(body=membership.body).exclude(pk=membership.pk)
    if not any(Role.BODY_ADMIN in m.roles for m in others):
        raise field_error(
            "roles",
            _("A body must keep at least one active body administrator."),
            BodiesErrorCode.LAST_BODY_ADMIN,
        )


# --- membership details (employment, undertaking) -------------------------------------------------------------------------------------------------


def membership_update_details(
    *,
    membership: Membership,
    actor: Actor,
    employment: str | None = None,
    undertaking_signed_on: date | None = None,
) -> Membership:
    """Employment and the signed confidentiality and impartiality undertaking of a person in one body."""
    require_manage_members(actor, membership.body)
    errors: dict[str, ValidationError] = {}
    if employment is not None and employment not in Membership.Employment.values:
        errors["employment"] = coded(_("Unknown kind of employment."), CoreErrorCode.INVALID_CHOICE)
    if undertaking_signed_on is not None and undertaking_signed_on > timezone.localdate():
        errors["undertaking_signed_on"] = coded(
            _("The undertaking cannot be signed in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
        before = snapshot(locked, ["employment", "undertaking_signed_on"])
        if employment is not None:
            locked.employment = employment
        if undertaking_signed_on is not None:
            locked.undertaking_signed_on = undertaking_signed_on
        locked.save(update_fields=["employment", "undertaking_signed_on"])
        after = snapshot(locked, ["employment", "undertaking_signed_on"])
        if after != before:
            audit_record(
                actor=actor,
                action="bodies.membership.details_changed",
                obj=locked,
                body=locked.body,
                before=before,
                after=after,
            )
        membership_watch_undertaking(membership=locked)
    return locked


def membership_watch_undertaking(*, membership: Membership) -> None:
    """Keeps the "undertaking not signed" deadline in step: open while unsigned, closed once signed."""
    if membership.undertaking_signed_on is None and membership.status == Membership.Status.ACTIVE:
        due = membership.created_at.date() + timedelta(days=settings.UNDERTAKING_GRACE_DAYS)
        deadline_upsert(kind=UNDERTAKING_UNSIGNED, subject=membership, body=membership.body, due_on=due)
    else:
        deadline_close(kind=UNDERTAKING_UNSIGNED, subject=membership)
