"""The API's throttles, every one keyed on the client's address as `core.net.client_ip` reads it.

DRF's own `get_ident` trusts `X-Forwarded-For` from anyone when `NUM_PROXIES` is unset: a caller changing the
header got a fresh allowance each time. Here the address comes from the proxy only when `TRUSTED_PROXY_HOPS`
names the trusted proxies, the same address the login limits and the audit trail read."""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.settings import api_settings

from core.net import client_ip


class ClientAddressMixin:
    """`get_ident` is `core.net.client_ip` ("unknown" when there is none)."""

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """The `anon` rate per client address, for requests without credentials."""


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """The `user` rate per person or token (per client address without credentials)."""


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    """A view's `throttle_scope` rate per person, or per client address without credentials."""


class PublicAnonThrottle(AnonRateThrottle):
    """The `anon` rate, read when the request arrives rather than when DRF was imported.

    DRF binds `THROTTLE_RATES` once at import, so a changed `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (an
    override in a test, a reloaded setting) would otherwise be ignored.
    """

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return str(rate) if rate else None
