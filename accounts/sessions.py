"""What a portal session remembers about itself, for the session policy (`accounts.middleware.SessionPolicyMiddleware`).

At login (`user_logged_in`) the session stores when it began, when it was last used and the account's
`session_epoch`. The middleware ends it after `SESSION_IDLE_TIMEOUT_MINUTES` without a request, after
`SESSION_ABSOLUTE_TIMEOUT_HOURS` since the login, and as soon as the account's epoch moved on: bumping
`User.session_epoch` (`accounts.services.user_sessions_end`, a disabled account, the end of a person's last
active membership) ends every session of the person wherever sessions are kept, without reading them."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

#: session keys: the login time and the last request (seconds since the epoch), the account's epoch at login
LOGIN_AT = "accounts:login-at"
SEEN_AT = "accounts:seen-at"
EPOCH = "accounts:session-epoch"
#: left in the fresh session after one ended, so the login page can say why
ENDED = "accounts:session-ended"
#: the last-used time is written at most this often (seconds), not on every request
SEEN_AT_RESOLUTION = 60


def now_seconds() -> int:
    return int(time.time())


def session_mark_epoch(request: HttpRequest, epoch: int) -> None:
    request.session[EPOCH] = epoch


@receiver(user_logged_in, dispatch_uid="accounts.sessions.session_start")
def session_start(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None or user is None:
        return
    now = now_seconds()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[EPOCH] = int(getattr(user, "session_epoch", 0) or 0)
