"""The kinds of webhook events. Each capability declares its own in `<app>/webhooks.py`, imported from its
`ready()`:

    register_event("certificate.issued", _("Certificate issued"))

and its services call `webhooks.services.emit(body=, event="certificate.issued", payload={...})` inside their
transaction. A subscription may only name declared events; the engine declares `webhook.ping` itself (the
test a person sends from the portal or the API).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.labels import RegistryChoices
from core.registry import Registry

#: dotted lower-case words, e.g. certificate.issued, engagement.status_changed
EVENT_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
EVENT_CODE_MAX_LENGTH = 100

PING = "webhook.ping"


@dataclass(frozen=True)
class EventType:
    """One kind of event an integrator may subscribe to: a stable code (what the JSON's `event` says) and the
    label people read."""

    code: str
    label: str | Promise

    def __post_init__(self) -> None:
        if not EVENT_CODE_RE.match(self.code) or len(self.code) > EVENT_CODE_MAX_LENGTH:
            raise ValueError(f"{self.code!r} is not an event code (dotted lower-case words, at most 100).")


#: a different declaration of a code already declared is a configuration error; `get_event` raises KeyError
#: for an undeclared code; `all_events` sorts by code
EVENTS = Registry[EventType]("webhook event", key=lambda event: event.code)
get_event = EVENTS.get
find_event = EVENTS.find
all_events = EVENTS.all
unregister_event = EVENTS.unregister
#: every declared event as (code, label), read at each use: `{{ codes|label:"webhooks.registry.EVENT_LABELS" }}`
EVENT_LABELS = RegistryChoices(EVENTS)


def register_event(code: str, label: str | Promise) -> EventType:
    """Declares an event type (harmless when declared again the same way)."""
    return EVENTS.register(EventType(code=code, label=label))


def event_choices(*, subscribable: bool = True) -> list[tuple[str, str | Promise]]:
    """(code, label) of every declared event, for forms and filters; the ping is sent on demand, never
    subscribed to, so it is left out unless `subscribable` is False."""
    return [(e.code, e.label) for e in all_events() if not (subscribable and e.code == PING)]


register_event(PING, _("Test ping"))
