"""Where a logged-in person without an active body goes: the kernel asks, the capabilities answer.

The portal (`core.portal.PortalMixin`, so the dashboard and every body page) sends a person who works for no
body somewhere: registry staff to the back office, everyone else to the first destination a capability
declares for them, and failing that to "apply as a body". A capability declares its destination in its own
module imported from `ready()` (the kernel never names it), e.g. the clients capability::

    register(Landing(key="clients.client_view", destination=client_view_landing, order=10))

`destination(user)` answers a path for that person or None (not theirs); it costs a constant few queries.
Destinations are asked in `order` (lowest first); the first path wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .registry import Registry


@dataclass(frozen=True)
class Landing:
    """One destination for people without an active body, e.g. `clients.client_view`."""

    #: "<app>.<what>", unique
    key: str
    #: the path for this person, or None when the destination is not theirs
    destination: Callable[[Any], str | None]
    order: int = 100


LANDINGS = Registry[Landing]("landing", key=lambda landing: landing.key, order=lambda landing: landing.order)
register = LANDINGS.register
unregister = LANDINGS.unregister


def landing_for(user: Any) -> str | None:
    """The first declared destination for `user` (a logged-in person without an active body), else None."""
    for landing in LANDINGS.all():
        path = landing.destination(user)
        if path:
            return path
    return None
