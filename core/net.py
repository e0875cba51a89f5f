"""The client's address, read once in one way for throttles, login limits and the audit trail.

Behind no proxy (`TRUSTED_PROXY_HOPS = 0`, the default) the client is the peer, `REMOTE_ADDR`, and
`X-Forwarded-For` is never read: anybody can send it. Behind N trusted proxies, each of which appends the address
it saw to `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`), the client is the N-th entry from the right:
what the outermost trusted proxy saw. Entries further left were written by the caller and are ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest | None) -> str:
    """The client's address as the outermost trusted proxy saw it, or the peer's; "" when unknown."""
    if request is None:
        return ""
    peer = _valid(request.META.get("REMOTE_ADDR", "") or "")
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0) or 0)
    if hops <= 0:
        return peer
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < hops:
        # fewer entries than trusted proxies: the request did not come through all of them; trust only the peer
        return peer
    return _valid(forwarded[-hops]) or peer
