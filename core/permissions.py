"""The permission kernel: who may act on a body. Registry staff pass; a body's people need the body's grant.

Each app states its own rules in `<app>/permissions.py` on top of these (`can_...` answers a yes/no for a page
or a list, `require_...` raises `PermissionDenied` for a service or an API view), so the portal, the API and
the services of one app ask the same question and get the same answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .errors import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bodies.models.tenants import Body

    from .types import Actor

#: whoever is asking: a person, an anonymous visitor, or nobody (a task without a request)
Principal: TypeAlias = "Actor | AnonymousUser | None"


def is_signed_in(actor: Principal) -> TypeGuard[Actor]:
    """A person who logged in and whose account is active (so a real `User`)."""
    return actor is not None and bool(actor.is_authenticated) and bool(actor.is_active)


def is_registry_staff(actor: Principal) -> bool:
    """ICR's own people: they read every body and hold every body permission."""
    return is_signed_in(actor) and bool(actor.is_staff)


def has_body_perm(actor: Principal, body: Body, codename: str) -> bool:
    """Does `actor` hold `bodies.<codename>` on `body` (a guardian grant that follows their roles)?"""
    if not is_signed_in(actor):
        return False
    if actor.is_staff:
        return True
    return bool(actor.has_perm(f"bodies.{codename}", body))


def require_body_perm(actor: Principal, body: Body, codename: str) -> None:
    if not has_body_perm(actor, body, codename):
        raise PermissionDenied(_("You do not have permission to do this for %(body)s.") % {"body": body})


def require_registry_staff(actor: Principal) -> None:
    if actor is None or not getattr(actor, "is_registry_staff", False):
        raise PermissionDenied(_("Only registry staff can make this decision."))


def body_ids_with_perm(actor: Principal, codename: str) -> QuerySet[Any] | list[Any] | None:
    """The ids of the bodies on which `actor` holds `bodies.<codename>`; None means every body (staff).

    Read from guardian's direct-foreign-key grant tables as one subquery (by user or by group), so a list
    filtered by it costs no extra query and never asks guardian row by row.
    """
    if not is_signed_in(actor):
        return []
    if actor.is_staff:
        return None
    from bodies.models.tenants import Body, BodyGroupObjectPermission, BodyUserObjectPermission

    grant = {"permission__codename": codename, "permission__content_type__app_label": "bodies"}
    by_user = BodyUserObjectPermission.objects.filter(user=actor, **grant).values("content_object_id")
    by_group = BodyGroupObjectPermission.objects.filter(group__user=actor, **grant).values(
        "content_object_id"
    )
    return Body.objects.filter(Q(pk__in=by_user) | Q(pk__in=by_group)).values("pk")
