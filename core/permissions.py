"""Permission checks the services call. Registry staff pass; body people need the body's object grant."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .errors import PermissionDenied


def has_body_perm(actor: Any, body: Any, codename: str) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_staff:
        return True
    return bool(actor.has_perm(f"bodies.{codename}", body))


def require_body_perm(actor: Any, body: Any, codename: str) -> None:
    if not has_body_perm(actor, body, codename):
        raise PermissionDenied(_("You do not have permission to do this for %(body)s.") % {"body": body})


def require_registry_staff(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_registry_staff", False):
        raise PermissionDenied(_("Only registry staff can make this decision."))
