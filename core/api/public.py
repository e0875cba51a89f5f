"""Base for public endpoints: no login, no session (so no CSRF), throttled per client address."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.api.filters import StrictListParamsMixin
from core.api.throttling import PublicAnonThrottle

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass


class PublicApiMixin(StrictListParamsMixin):
    """Every caller is anonymous here, so the `anon` rate applies to all of them alike."""

    authentication_classes: Sequence[type[BaseAuthentication]] = []
    permission_classes: Sequence[_PermissionClass] = [AllowAny]
    throttle_classes: Sequence[type[BaseThrottle]] = [PublicAnonThrottle]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        from core.api.views import refuse_nul_characters  # core.api.views imports the token model

        refuse_nul_characters(request)
