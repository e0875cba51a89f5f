"""Tenant isolation, enforced once.

Every tenant-owned model's queryset subclasses `TenantQuerySet` and names the path to its body. Portal views,
API viewsets and admin classes get their querysets through `visible_to` / `for_body` in their base classes,
and single objects through `get_visible_or_404`, which answers 404 for both "missing" and "not yours".
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def visible_body_ids(user: Any, token: Any = None) -> models.QuerySet[Any] | list[Any] | None:
    """The ids of the bodies whose records this principal may see; None means every body (registry staff).

    A bearer token acts for its own body only, whoever created it. The result is a subquery, so list
    filtering costs no extra query and never calls guardian per row.
    """
    if token is not None:
        return [token.body_id]
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_staff:
        return None
    from bodies.models.tenants import Membership

    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("body_id")


class TenantQuerySet(models.QuerySet[M]):
    #: the lookup path from this model to its Body ("" for Body itself)
    tenant_field: str = "body"

    def _body_lookup(self) -> str:
        return f"{self.tenant_field}_id" if self.tenant_field else "pk"

    def visible_to(self, user: Any, token: Any = None) -> Self:
        body_ids = visible_body_ids(user, token)
        if body_ids is None:
            return self
        path = f"{self.tenant_field}__in" if self.tenant_field else "pk__in"
        return self.filter(**{path: body_ids})

    def for_body(self, body: Any) -> Self:
        return self.filter(**{self._body_lookup(): body.pk})


def get_visible_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """One object from an already tenant-filtered queryset; 404 whether it is missing or someone else's."""
    try:
        return queryset.get(**lookup)
    except (
        ObjectDoesNotExist,
        ValidationError,
        ValueError,
        TypeError,
    ) as exc:  # a malformed UUID: ValidationError
        raise Http404 from exc
