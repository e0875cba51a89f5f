"""The parts of the demo data: each capability contributes one in `demo/contributors/<app>.py`, and
`manage.py seed_demo` runs them in order, inside one transaction, through the services (so the audit trail,
deadlines, notifications and documents are real).

A contributor may also list the logins it created, which the command prints at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts.models import User
from core.registry import Registry

#: every demo account's password (printed with the logins; demo data only)
PASSWORD = "demo-password-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoContext:
    """What every contributor is given: the day the demo is loaded for."""

    today: date


@dataclass(frozen=True)
class Contributor:
    """One capability's part of the demo data, e.g. `competence` (people's competences and evaluations)."""

    key: str
    #: lowest first; a part may rely on what the parts before it created
    order: int
    load: Callable[[DemoContext], None]
    #: (email, what the account is) for the logins the command prints
    logins: Callable[[], list[tuple[str, str]]] | None = None


#: the parts in the order they load (ties broken by key)
CONTRIBUTORS = Registry[Contributor](
    "demo contributor", key=lambda part: part.key, order=lambda part: (part.order, part.key)
)
register = CONTRIBUTORS.register
unregister = CONTRIBUTORS.unregister
all_contributors = CONTRIBUTORS.all


def demo_user(email: str, name: str, **extra: Any) -> User:
    """The demo account with this email, created with the demo password the first time."""
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, **extra})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user
