import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .context import reset_client_ip, reset_request_id, set_client_ip, set_request_id
from .dates import zone_named
from .net import client_ip

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

#: paths answered in UTC whatever the body: the API speaks ISO 8601 with a "Z"
UTC_PATH_PREFIXES = ("/api/",)


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane incoming X-Request-ID) for logs and the audit trail, and makes
    the client's address (`core.net.client_ip`) known to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        token = set_request_id(incoming if _SAFE_ID.match(incoming) else None)
        ip_token = set_client_ip(client_ip(request))
        try:
            request.request_id = token.var.get()  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
            return response
        finally:
            reset_client_ip(ip_token)
            reset_request_id(token)


class BodyTimeZoneMiddleware:
    """Shows dates and times in the active body's time zone (after `bodies.middleware.ActiveBodyMiddleware`).

    "Today", "in N days" and every datetime on a portal page are then what the people of that body see on
    their own calendar; the API keeps UTC, and someone in no body sees the platform's zone (UTC).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone_name = self.zone_name(request)
        if zone_name is None:
            return self.get_response(request)
        with timezone.override(zone_named(zone_name)):
            return self.get_response(request)

    @staticmethod
    def zone_name(request: HttpRequest) -> str | None:
        if request.path_info.startswith(UTC_PATH_PREFIXES):
            return None
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        active: Any = getattr(request, "active", None)
        body = active.body if active is not None else None
        return body.time_zone if body is not None else None
