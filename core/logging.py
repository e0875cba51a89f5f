"""Structured logs: every record knows the request (or Celery task) it belongs to.

`RequestContextFilter` (on the console handler, `LOGGING` in settings) adds to every record `request_id` (the id
`core.middleware.RequestIdMiddleware` answers as `X-Request-ID`, the same the audit trail records), and, inside
a request, `user_id` (when the person was already loaded: the filter never queries) and `client_ip`
(`core.net.client_ip`); inside a Celery task `task_id` and `task` instead. `JsonFormatter` writes one JSON object
per line (`LOG_FORMAT=json`, the production default). `AccessLogMiddleware` writes one line per request on the
logger `icr.access` (method, path, status, duration), so the access log is JSON too and carries the same id.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from .context import current_request_id
from .net import client_ip

access_logger = logging.getLogger("icr.access")

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "icr_log_request", default=None
)


def _loaded_user_id(request: HttpRequest) -> str:
    """The signed-in person's id if the request already loaded them, else "" (never a query from a log call)."""
    user = request.__dict__.get("user")
    if user is None:
        return ""
    wrapped = getattr(user, "_wrapped", user)  # the lazy object AuthenticationMiddleware sets
    if wrapped is None or type(wrapped) is object:  # `empty`: not loaded yet
        return ""
    if not getattr(wrapped, "is_authenticated", False):
        return ""
    return str(getattr(wrapped, "pk", "") or "")


def _celery_task() -> tuple[str, str]:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return "", ""
    task = current_task._get_current_object()  # the proxy's target: None outside a task
    task_id = getattr(getattr(task, "request", None), "id", None) if task is not None else None
    if not task_id:
        return "", ""
    return str(task_id), str(getattr(task, "name", "") or "")


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id, client_ip (a request) or task_id, task (a Celery task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        task_id, task_name = ("", "") if request is not None else _celery_task()
        if not getattr(record, "request_id", ""):
            # Django's own request records (django.request) are written after the middleware let go of the id,
            # but carry the request, which keeps it
            logged_request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(logged_request, "request_id", "") or task_id
        if request is not None:
            if not getattr(record, "user_id", ""):
                record.user_id = _loaded_user_id(request)
            if not getattr(record, "client_ip", ""):
                record.client_ip = client_ip(request)
        elif task_id:
            record.task_id = task_id
            record.task = task_name
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, then the record's extras.

    Django's own request records carry the request object itself; it is left out (its id, path and person
    are already there).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "{levelname}{name}{message}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)


class AccessLogMiddleware:
    """One line per request on `icr.access`, and the request known to the log filter while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _current_request.reset(token)
