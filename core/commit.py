"""Work that follows a commit: the one way services hand a job to the broker or send mail after their transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction


def after_commit(fn: Callable[..., Any], *args: Any) -> None:
    """Runs `fn(*args)` once the current transaction commits (at once outside one).

    Robust: a failure (a broker that is down) is logged and never raised into the request whose change is
    already committed; the engines' reconcilers pick the job up later. The callback is a named function, not a
    `functools.partial`: Django logs a failed robust callback by its `__qualname__`, which a partial lacks, and
    that logging itself raised (the committed request then answered 500).
    """

    def call() -> None:
        fn(*args)

    call.__qualname__ = f"after_commit:{getattr(fn, '__qualname__', repr(fn))}"
    transaction.on_commit(call, robust=True)
