"""The types the domain layer is written against: who acts, and a portal request with its active body."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import ApiToken, User
    from bodies.middleware import ActiveBody

#: a named, logged-in person taking an action (registry staff or a body's person)
Actor: TypeAlias = "User"
#: who set a change in motion when the platform itself may act too (a sweep, a task): None means "system"
ActorOrSystem: TypeAlias = "User | None"


class PortalRequest(HttpRequest):
    """A request that went through the portal's middleware: a logged-in user and the active body."""

    user: User  # type: ignore[assignment]
    active: ActiveBody


class ApiRequest(HttpRequest):
    """A DRF request as the views see it: a person (session) or a bearer token acting for its body."""

    user: User  # type: ignore[assignment]
    auth: ApiToken | None
