"""Base classes every API view builds on, so tenant filtering cannot be forgotten."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from accounts.models import ApiToken
from core.tenancy import get_visible_or_404


def request_token(request: Any) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class TenantViewSetMixin:
    """`get_queryset` is the model's `visible_to(user, token)`; `get_object` answers 404 for others' rows.

    Subclasses name `resource` (for token scopes), `envelope_key` (the list's plural) and override
    `base_queryset()` to add select/prefetch for constant query counts.
    """

    resource: str
    envelope_key: str
    lookup_field = "id"
    lookup_url_kwarg = "id"

    def base_queryset(self) -> QuerySet[Any]:
        return self.queryset.all()  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Any]:
        request = self.request  # type: ignore[attr-defined]
        return self.base_queryset().visible_to(request.user, request_token(request))  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        obj = get_visible_or_404(queryset, **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]})  # type: ignore[attr-defined]
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    pass
