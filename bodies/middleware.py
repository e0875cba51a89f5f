"""Which body a portal user is working for right now (a person may belong to several)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.http import HttpRequest, HttpResponse

from .models.tenants import Body, Membership

SESSION_KEY = "active_body_id"


class ActiveBody:
    """Lazily resolves the user's active memberships and the one they switched to (one query, on use)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def memberships(self) -> list[Membership]:
        user = self._request.user
        if not user.is_authenticated:
            return []
        return list(
            Membership.objects.active()
            .filter(user=user)
            .exclude(body__status=Body.Status.WITHDRAWN)
            .select_related("body")
            .order_by("body__legal_name")
        )

    @cached_property
    def membership(self) -> Membership | None:
        wanted = self._request.session.get(SESSION_KEY)
        for membership in self.memberships:
            if str(membership.body_id) == wanted:
                return membership
        return self.memberships[0] if self.memberships else None

    @property
    def body(self) -> Body | None:
        return self.membership.body if self.membership else None

    def switch(self, body_id: Any) -> bool:
        for membership in self.memberships:
            if str(membership.body_id) == str(body_id):
                self._request.session[SESSION_KEY] = str(membership.body_id)
                self.__dict__["membership"] = membership
                return True
        return False


class ActiveBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.active = ActiveBody(request)  # type: ignore[attr-defined]
        return self.get_response(request)
