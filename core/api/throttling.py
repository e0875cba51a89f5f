"""Throttles for the public (unauthenticated) endpoints."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class PublicAnonThrottle(AnonRateThrottle):
    """The `anon` rate, read when the request arrives rather than when DRF was imported.

    DRF binds `THROTTLE_RATES` once at import, so a changed `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (an
    override in a test, a reloaded setting) would otherwise be ignored.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
