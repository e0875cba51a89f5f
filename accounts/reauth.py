"""Re-authentication before sensitive actions (issue 11 §2): a new API token, a person's roles, two-step login.

"Recent" means within `REAUTH_MAX_AGE_MINUTES` of the last login, second step or re-authentication of *this
session* (the time is kept in the session, set by `mark_authenticated`; every login sets it through the
`user_logged_in` signal, connected in `AccountsConfig.ready`). At exactly the maximum age the session is still
recent; one second later it is not.

- Portal views mix in `RecentAuthRequiredMixin` (or decorate a function view with `require_recent_auth`): a
  session that is not recent is sent to `accounts:reauth?next=<this page>`, which asks for the password (or a
  code from the authenticator app when the person uses two-step login) and comes back.
- API views decorate an action with `require_recent_auth_api` (optionally `when=` a predicate on the request):
  a request authenticated by the *session* that is not recent answers 403 `reauthentication_required`. Bearer
  tokens are not asked: a token is its own credential, made by a person who re-authenticated to make it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.errors import PermissionDenied

from .error_codes import AccountsErrorCode

#: when this session last proved who it is (seconds since the epoch)
REAUTH_SESSION_KEY = "accounts:authenticated-at"

F = TypeVar("F", bound=Callable[..., Any])


def max_age_seconds() -> int:
    return int(settings.REAUTH_MAX_AGE_MINUTES) * 60


def mark_authenticated(request: HttpRequest, *, at: float | None = None) -> None:
    """The session has just proved who it is (a login, the second step, or the re-authentication page)."""
    request.session[REAUTH_SESSION_KEY] = time.time() if at is None else at


def is_recent(request: HttpRequest, *, now: float | None = None) -> bool:
    """Did this session prove who it is within REAUTH_MAX_AGE_MINUTES (the boundary included)?"""
    session = getattr(request, "session", None)
    at = session.get(REAUTH_SESSION_KEY) if session is not None else None
    if at is None:
        return False
    now = time.time() if now is None else now
    return 0 <= now - float(at) <= max_age_seconds()


def reauth_url(next_url: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}"


def redirect_to_reauth(request: HttpRequest, next_url: str | None = None) -> HttpResponseRedirect:
    """To the re-authentication page, then back to `next_url` (this page by default; a POST comes back to the
    page as a GET, where the person submits again)."""
    return HttpResponseRedirect(reauth_url(next_url or request.get_full_path()))


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in`: a login is an authentication (and whether the person has an authenticator app is noted
    for the session)."""
    from .mfa.middleware import note_device_state

    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)
        note_device_state(request, user)


class RecentAuthRequiredMixin:
    """A portal view that needs a recent authentication; put it before the view's other mixins (it runs after
    the login check: an anonymous visitor is left to the login mixin)."""

    #: where to come back after re-authenticating (a URL name); this page when empty (a POST-only view names
    #: the page its form is on)
    reauth_next: str = ""
    #: the methods that need it (a page that only shows a form for the action may ask only when it is sent)
    reauth_methods: tuple[str, ...] | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        asked = self.reauth_methods is None or request.method in self.reauth_methods
        if asked and request.user.is_authenticated and not is_recent(request):
            return redirect_to_reauth(request, reverse(self.reauth_next) if self.reauth_next else None)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def require_recent_auth(view: F) -> F:
    """The same for a function view."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not is_recent(request):
            return redirect_to_reauth(request)
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def by_session(request: Any) -> bool:
    """Was this API request authenticated by the session cookie (not a bearer token)?"""
    from rest_framework.authentication import SessionAuthentication

    return isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication)


def require_recent_auth_api(action: F | None = None, *, when: Callable[[Any], bool] | None = None) -> Any:
    """Decorates an API view method (`def create(self, request, ...)`, or what `transition_action` made): a
    session that is not recent is refused with 403 `reauthentication_required`; `when(request)` narrows it
    (e.g. only when the roles change). The schema annotations of the wrapped method are kept."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapped(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if by_session(request) and (when is None or when(request)) and not is_recent(request):
                raise PermissionDenied(
                    _(
                        "Confirm your password (or your two-step login code) again first: open "
                        "%(url)s, then repeat the request."
                    )
                    % {"url": reverse("accounts:reauth")},
                    code=AccountsErrorCode.REAUTHENTICATION_REQUIRED,
                )
            return method(self, request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    def decorate_any(target: Any) -> Any:
        # `core.api.views.transition_action` builds its handler when the class names it: wrap what it builds
        return _BuiltThenWrapped(target, decorate) if hasattr(target, "build") else decorate(target)

    return decorate_any(action) if action is not None else decorate_any


class _BuiltThenWrapped:
    def __init__(self, builder: Any, decorate: Callable[[Any], Any]) -> None:
        self.builder = builder
        self.decorate = decorate

    def __set_name__(self, owner: type, name: str) -> None:
        setattr(owner, name, self.decorate(self.builder.build(name)))
