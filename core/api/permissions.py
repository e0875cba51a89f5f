"""API permission: logged in (session) or a bearer token whose scope covers the view's resource."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiToken


class IsAuthenticatedWithScope(BasePermission):
    """Session users pass on to the services' own checks; a token needs `resource: read|write` scope.

    Each view names its `resource`; a view without one cannot be reached with a token at all.
    """

    message = _("Your token's scope does not cover this resource.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            return True
        resource = getattr(view, "resource", None)
        if resource is None:
            return False
        write = request.method not in SAFE_METHODS
        return token.allows(resource, write=write)


class PublicReadOnly(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS
