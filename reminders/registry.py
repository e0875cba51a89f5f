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
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from core.registry import Registry

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
    #: who among the body's people may see deadlines of this kind in lists, as a filter on Deadline rows for a
    #: signed-in person (None: everyone who sees the body's deadlines), like `documents`' `readable_by`
    readable_by: Callable[[Any], Q] | None = None

    def sorted_offsets(self) -> list[int]:
        return sorted({int(offset) for offset in self.offsets()})


def page_url(viewname: str, *, with_subject: bool = False) -> Callable[[Deadline], str]:
    """A kind's `url`: the portal page `viewname` (given the deadline's subject id when `with_subject`), or "/"
    where the portal's URLs are not installed."""

    def url(deadline: Deadline) -> str:
        try:
            return reverse(viewname, args=[deadline.subject_id] if with_subject else None)
        except NoReverseMatch:
            return "/"

    return url


def _unknown(code: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Unknown deadline kind {code!r}: declare it in <app>/deadlines.py and import that module in "
        "the app's ready()."
    )


def readable_condition(user: Any) -> Q:
    """The deadlines a signed-in person may see among those of the bodies they see: every kind without a read
    rule, and of each kind with one, the rows its rule lets through."""
    restricted = [kind for kind in KINDS.all() if kind.readable_by is not None]
    if not restricted:
        return Q()
    condition = ~Q(kind__in=[kind.code for kind in restricted])
    for kind in restricted:
        condition |= Q(kind=kind.code) & kind.readable_by(user)  # type: ignore[misc]
    return condition


#: two different kinds claiming one code is a configuration error, and so is asking for an undeclared one
#: (`find_kind` answers None instead); `all_kinds` sorts by code
KINDS = Registry[DeadlineKind]("deadline kind", key=lambda kind: kind.code, unknown=_unknown)
register = KINDS.register
unregister = KINDS.unregister
get_kind = KINDS.get
find_kind = KINDS.find
all_kinds = KINDS.all
