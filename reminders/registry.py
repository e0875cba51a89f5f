"""The deadline kinds the reminders engine watches; each capability declares its own in `<app>/deadlines.py`.

A kind says when to remind (offsets in days relative to the due date, read from settings so they stay
settings), whom to remind (resolved for a whole batch of deadlines with a constant number of queries), what to
say and where to link. The engine (`reminders.services.deadlines_sweep`) knows nothing else about the kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Deadline


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of deadline, e.g. `bodies.accreditation_expiry`."""

    #: "<app>.<what>", stored on every Deadline and Notification of the kind
    code: str
    #: human label (lazy translation)
    label: Any
    #: days relative to the due date at which to remind (negative = before); a callable so it reads settings
    offsets: Callable[[], Sequence[int]]
    #: the people to remind for each deadline of a batch: {deadline.id: [user, ...]}; constant query count
    recipients: Callable[[list[Deadline]], dict[UUID, list[User]]]
    #: (title, message) for a deadline at an offset; runs under the recipient's language. The sweep sets
    #: `deadline.reminded_on` (today in the deadline's time zone) before calling it.
    message: Callable[[Deadline, int], tuple[str, str]]
    #: the page the reminder links to (a path)
    url: Callable[[Deadline], str]

    def sorted_offsets(self) -> list[int]:
        return sorted({int(offset) for offset in self.offsets()})


_KINDS: dict[str, DeadlineKind] = {}


def register(kind: DeadlineKind) -> DeadlineKind:
    """Declares a kind; two different kinds claiming one code is a configuration error."""
    existing = _KINDS.get(kind.code)
    if existing is not None and existing is not kind:
        raise ImproperlyConfigured(f"The deadline kind {kind.code!r} is already registered.")
    _KINDS[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    """Forgets a kind (tests that declare a kind of their own clean up with this)."""
    _KINDS.pop(code, None)


def get_kind(code: str) -> DeadlineKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown deadline kind {code!r}: declare it in <app>/deadlines.py and import that module in "
            "the app's ready()."
        ) from None


def find_kind(code: str) -> DeadlineKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[DeadlineKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)
