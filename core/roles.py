"""Who holds which permission on a body: the kernel's role → permission registry.

A body's people hold guardian object permissions on the `Body`, mirrored from their membership roles by
`bodies.services._sync_grants`. The kernel's own entries (the body's profile, its people, API tokens, the
audit trail; `view_body` for every active member) are `ROLE_PERMISSIONS` / `MEMBER_PERMISSIONS` in
`bodies.models.tenants`, declared in `Body.Meta.permissions`. Every capability declares its own in
`<app>/roles.py`, imported from its `ready()`:

    declare_permission("manage_competence", "Can keep ...", app="competence")
    grant(Role.BODY_ADMIN, "manage_competence")

A declared permission is created on the `Body` content type after every migrate (and flush), so the
capability needs no edit of the kernel's model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .registry import Registry


@dataclass(frozen=True)
class BodyPermission:
    """A permission a capability holds on a body, e.g. `manage_competence` (codename without the app)."""

    codename: str
    name: str
    app: str


#: two apps claiming one codename is a configuration error; sorted by codename
_PERMISSIONS = Registry[BodyPermission](
    "body permission",
    key=lambda permission: permission.codename,
    conflict=lambda existing: ImproperlyConfigured(
        f"The body permission {existing.codename!r} is already declared by {existing.app}."
    ),
)
#: role → codenames, in declaration order
_ROLE_GRANTS: dict[str, list[str]] = {}
_MEMBER_GRANTS: list[str] = []


def declare_permission(codename: str, name: str, *, app: str) -> BodyPermission:
    """Declares a permission on bodies; two apps claiming one codename is a configuration error."""
    return _PERMISSIONS.register(BodyPermission(codename=codename, name=name, app=app))


def grant(role: str, *codenames: str) -> None:
    """Every active member holding `role` gets these permissions on their body."""
    granted = _ROLE_GRANTS.setdefault(str(role), [])
    granted.extend(codename for codename in codenames if codename not in granted)


def grant_members(*codenames: str) -> None:
    """Every active member gets these permissions on their body, whatever their roles."""
    _MEMBER_GRANTS.extend(codename for codename in codenames if codename not in _MEMBER_GRANTS)


def _kernel() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    from bodies.models.tenants import MEMBER_PERMISSIONS, ROLE_PERMISSIONS

    return ROLE_PERMISSIONS, MEMBER_PERMISSIONS


def role_permissions() -> dict[str, tuple[str, ...]]:
    """role → the permissions it carries: the kernel's entries first, then what the apps granted."""
    kernel_roles, _members = _kernel()
    roles = {str(role): list(codenames) for role, codenames in kernel_roles.items()}
    for role, codenames in _ROLE_GRANTS.items():
        held = roles.setdefault(role, [])
        held.extend(codename for codename in codenames if codename not in held)
    return {role: tuple(codenames) for role, codenames in roles.items()}


def member_permissions() -> tuple[str, ...]:
    _roles, kernel_members = _kernel()
    return tuple(dict.fromkeys([*kernel_members, *_MEMBER_GRANTS]))


def permissions_for_roles(roles: Iterable[str]) -> set[str]:
    """What an active member with these roles holds on their body."""
    table = role_permissions()
    held = set(member_permissions())
    for role in roles:
        held.update(table.get(str(role), ()))
    return held


def managed_permissions() -> set[str]:
    """Every permission the grant sync owns: it adds and removes these, and leaves any other alone."""
    return set(member_permissions()) | {
        codename for codes in role_permissions().values() for codename in codes
    }


def declared_permissions() -> list[BodyPermission]:
    return _PERMISSIONS.all()


def create_declared_permissions(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the declared permissions exist on the `Body` content type (idempotent)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from bodies.models.tenants import Body

    content_type = ContentType.objects.db_manager(using).get_for_model(Body, for_concrete_model=True)
    for permission in declared_permissions():
        Permission.objects.using(using).get_or_create(
            content_type=content_type, codename=permission.codename, defaults={"name": permission.name}
        )
