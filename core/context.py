"""The request id and the client's address of the work in progress, for the audit trail (set by middleware and by
tasks)."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("icr_request_id", default="")
_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("icr_client_ip", default=None)


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None = None) -> contextvars.Token[str]:
    return _request_id.set(value or uuid.uuid4().hex)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


def current_client_ip() -> str | None:
    """The client's address of the request in progress (`core.net.client_ip`); None outside a request."""
    return _client_ip.get()


def set_client_ip(value: str | None) -> contextvars.Token[str | None]:
    return _client_ip.set(value or None)


def reset_client_ip(token: contextvars.Token[str | None]) -> None:
    _client_ip.reset(token)
