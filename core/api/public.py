"""Base for public endpoints: no login, no session (so no CSRF), throttled per client address."""

from __future__ import annotations

from rest_framework.permissions import AllowAny

from core.api.filters import StrictListParamsMixin
from core.api.throttling import PublicAnonThrottle


class PublicApiMixin(StrictListParamsMixin):
    """Every caller is anonymous here, so the `anon` rate applies to all of them alike."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicAnonThrottle]
