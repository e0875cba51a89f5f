"""Writes for a body's people as the competence portal keeps them: adding a person, editing their details.

Each is one transaction over the bodies services (membership_add, membership_set_roles,
membership_update_details), so a refused detail leaves no half-added person or half-changed membership.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from bodies.models.tenants import Body, Membership
from bodies.permissions import require_manage_members
from bodies.services import (
    membership_add,
    membership_set_roles,
    membership_set_status,
    membership_update_details,
)
from core.errors import ValidationError


def _user_get_or_create(*, email: str, full_name: str) -> User:
    """The account with this email, or a new one without a password (they set one through "forgot password").

    An existing account keeps its own name: the person keeps their profile, not the body.
    """
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():  # a savepoint: a concurrent request may create the same account first
            return User.objects.create_user(email, None, full_name=full_name)
    except IntegrityError:
        return User.objects.get(email=email)


def person_validate(*, email: str, full_name: str, employment: str) -> None:
    """A new person's email, name and employment: raises `ValidationError` by field. Adding a person and the
    bulk import check through here."""
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if not full_name:
        errors["full_name"] = _("Give the person's full name.")
    if employment not in Membership.Employment.values:
        errors["employment"] = _("Unknown kind of employment.")
    if errors:
        raise ValidationError(errors)


def person_add(
    *,
    body: Body,
    actor: Any,
    email: str,
    full_name: str,
    roles: list[str],
    employment: str = Membership.Employment.EMPLOYEE,
    undertaking_signed_on: date | None = None,
) -> Membership:
    """Adds a person to the body with roles and employment, creating their account if they have none.

    The portal, the API and the bulk import all add people through here.
    """
    require_manage_members(actor, body)
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    person_validate(email=email, full_name=full_name, employment=employment)
    with transaction.atomic():
        user = _user_get_or_create(email=email, full_name=full_name)
        membership = membership_add(body=body, user=user, roles=roles, actor=actor)
        if employment != membership.employment or undertaking_signed_on is not None:
            membership = membership_update_details(
                membership=membership,
                actor=actor,
                employment=employment,
                undertaking_signed_on=undertaking_signed_on,
            )
    return membership


def person_update(
    *,
    membership: Membership,
    actor: Any,
    roles: list[str] | None = None,
    employment: str | None = None,
    undertaking_signed_on: date | None = None,
    status: str | None = None,
) -> Membership:
    """A person's roles, employment, signed undertaking and status in one body, changed together or not at all.

    What is None stays as it is (a signed undertaking is not unsigned by an edit).
    """
    require_manage_members(actor, membership.body)
    with transaction.atomic():
        if roles is not None and sorted(set(roles)) != sorted(membership.roles):
            membership = membership_set_roles(membership=membership, roles=roles, actor=actor)
        if employment is not None or undertaking_signed_on is not None:
            membership = membership_update_details(
                membership=membership,
                actor=actor,
                employment=employment,
                undertaking_signed_on=undertaking_signed_on,
            )
        if status is not None and status != membership.status:
            membership = membership_set_status(membership=membership, status=status, actor=actor)
    return membership
