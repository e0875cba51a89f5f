"""Tenant isolation, enforced once.

Every tenant-owned model's queryset subclasses `TenantQuerySet` and names the path to its body. Portal views,
API viewsets and admin classes get their querysets through `visible_to` / `for_body` in their base classes,
and single objects through `get_visible_or_404`, which answers 404 for both "missing" and "not yours".

A tenant model may go further and show each row only to the people granted it (`ObjectGrants`): the people on
one engagement, one appeal panel, one complaint. Those who hold the declared body-wide permission see every row
of their bodies; everyone else sees the rows a guardian grant names them on. `visible_to` applies it, the portal
reads `for_body(body).granted_to(user)`, and `get_visible_or_404` refuses a queryset of such a model that has
not been through either (so no view can forget). List filtering stays one SQL query: the grants are read as a
subquery of the model's direct-foreign-key grant table, never by asking guardian row by row.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, ValidationError
from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.http import Http404

M = TypeVar("M", bound=models.Model)


#: the visible body ids resolved during the current request, by user pk; None outside a request
_visible_bodies_memo: ContextVar[dict[Any, list[Any]] | None] = ContextVar("icr_visible_bodies", default=None)


def _open_memo(**kwargs: Any) -> None:
    _visible_bodies_memo.set({})


def _close_memo(**kwargs: Any) -> None:
    _visible_bodies_memo.set(None)


def _forget_memo(**kwargs: Any) -> None:
    """A membership written during the request (joined, left, suspended) is seen by the rest of it."""
    memo = _visible_bodies_memo.get()
    if memo:
        memo.clear()


request_started.connect(_open_memo, dispatch_uid="core.tenancy.open_memo")
request_finished.connect(_close_memo, dispatch_uid="core.tenancy.close_memo")
post_save.connect(_forget_memo, sender="bodies.Membership", dispatch_uid="core.tenancy.forget_memo_save")
post_delete.connect(_forget_memo, sender="bodies.Membership", dispatch_uid="core.tenancy.forget_memo_delete")


def visible_body_ids(user: Any, token: Any = None) -> models.QuerySet[Any] | list[Any] | None:
    """The ids of the bodies whose records this principal may see; None means every body (registry staff).

    A body's bearer token acts for its own body only, whoever created it; a registry token for every body
    (while its creator is registry staff), read-only unless its scope says write. During a request a person's bodies are read
    once (one indexed query, remembered until the request ends or a membership is written) and handed to each
    list query as literal ids: PostgreSQL plans `body_id IN (...)` in a fraction of the time it takes to plan
    the membership subquery into a list's joins. Outside a request (tasks, the shell, a selector called
    directly) the result is that subquery, so filtering costs no extra query. Never guardian per row.
    """
    if token is not None:
        if getattr(token, "for_registry", False):  # a registry token reads every body, as its staff creator
            return None if user is not None and user.is_active and user.is_staff else []
        return [token.body_id]
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_staff:
        return None
    from bodies.models.tenants import Membership

    active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    memo = _visible_bodies_memo.get()
    if memo is None:
        return active.values("body_id")
    if user.pk not in memo:
        memo[user.pk] = list(active.order_by("body_id").values_list("body_id", flat=True))
    return memo[user.pk]


@dataclass(frozen=True)
class ObjectGrants:
    """A tenant model whose rows are seen one by one: by the people granted a row, and by the holders of a
    body-wide permission (who see every row of their bodies and hand out the grants).

    The model needs guardian's direct-foreign-key grant table (a `UserObjectPermissionBase` subclass with
    `content_object = ForeignKey(TheModel)`), as `bodies.models.tenants` has for Body; grants are written with
    `core.grants.object_grant` / `object_revoke`.
    """

    #: the object permission a grant gives on one row, e.g. "view_engagement" (of the model's own app)
    codename: str
    #: a Body permission whose holders see every row of their bodies, e.g. "manage_engagements"
    unless_body_perm: str | None = None


@functools.cache
def user_grant_table(model: type[models.Model]) -> type[models.Model]:
    """The model's direct-foreign-key user grant table; a model without one cannot declare `ObjectGrants`.

    Found from the model's reverse relations (no content-type lookup, so no query) and remembered.
    """
    from guardian.models import UserObjectPermissionBase

    for relation in model._meta.related_objects:
        table = relation.related_model
        if (
            isinstance(table, type)
            and issubclass(table, UserObjectPermissionBase)
            and relation.field.name == "content_object"
        ):
            return table
    raise ImproperlyConfigured(
        f"{model._meta.label} declares ObjectGrants but has no direct-foreign-key UserObjectPermission table."
    )


def granted_ids(model: type[models.Model], user: Any, codename: str) -> models.QuerySet[Any]:
    """The pks of the rows of `model` on which `user` holds `<app>.<codename>` (a subquery)."""
    return (
        user_grant_table(model)
        ._default_manager.filter(
            user=user,
            permission__codename=codename,
            permission__content_type__app_label=model._meta.app_label,
        )
        .values("content_object_id")
    )


class TenantQuerySet(models.QuerySet[M]):
    #: the lookup path from this model to its Body ("" for Body itself)
    tenant_field: str = "body"
    #: None: every member of a body sees all its rows; else rows are seen by grant (see `ObjectGrants`)
    object_grants: ClassVar[ObjectGrants | None] = None
    #: set once `granted_to` (or `visible_to`) has filtered by grants; kept by every clone of this queryset
    _grants_applied: bool = False

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._grants_applied = self._grants_applied
        return clone  # type: ignore[no-any-return]

    def _body_lookup(self) -> str:
        return f"{self.tenant_field}_id" if self.tenant_field else "pk"

    def visible_to(self, user: Any, token: Any = None) -> Self:
        body_ids = visible_body_ids(user, token)
        if body_ids is None:
            return self.granted_to(user, token)
        path = f"{self.tenant_field}__in" if self.tenant_field else "pk__in"
        return self.filter(**{path: body_ids}).granted_to(user, token)

    def for_body(self, body: Any) -> Self:
        """The body's rows; a model with `object_grants` also needs `.granted_to(user)` (the portal's base
        views apply it)."""
        return self.filter(**{self._body_lookup(): body.pk})

    def granted_to(self, user: Any, token: Any = None) -> Self:
        """Keeps the rows `user` was granted, or every row of the bodies where they hold the declared body-wide
        permission; registry staff and bearer tokens (which act for their body as a whole) keep all.

        One SQL statement: the grants and the body permission are subqueries of the direct grant tables.
        """
        grants = self.object_grants
        if grants is None:
            return self
        from core.permissions import body_ids_with_perm, is_registry_staff, is_signed_in

        if token is not None or is_registry_staff(user):
            narrowed = self._chain()  # type: ignore[attr-defined]
        elif not is_signed_in(user):
            narrowed = self.none()
        else:
            condition = Q(pk__in=granted_ids(self.model, user, grants.codename))
            if grants.unless_body_perm:
                lookup = f"{self._body_lookup()}__in"
                condition |= Q(**{lookup: body_ids_with_perm(user, grants.unless_body_perm)})
            narrowed = self.filter(condition)
        narrowed._grants_applied = True
        return narrowed  # type: ignore[no-any-return]


def get_visible_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """One object from an already tenant-filtered queryset; 404 whether it is missing or someone else's.

    For a model with `object_grants` the queryset must have been narrowed by `visible_to` or `granted_to`:
    a row the person was not granted is a 404 like any other.
    """
    if getattr(queryset, "object_grants", None) is not None and not getattr(
        queryset, "_grants_applied", False
    ):
        raise ImproperlyConfigured(
            f"{queryset.model._meta.label} rows are granted one by one: read them through visible_to() or "
            "for_body().granted_to() before get_visible_or_404()."
        )
    try:
        return queryset.get(**lookup)
    except (
        ObjectDoesNotExist,
        ValidationError,
        ValueError,
        TypeError,
    ) as exc:  # a malformed UUID: ValidationError
        raise Http404 from exc
