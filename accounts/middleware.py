from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import sessions
from .error_codes import AccountsErrorCode


class UserLanguageMiddleware:
    """Activates the language the logged-in user picked (after LocaleMiddleware's guess)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        return response


class EmailConfirmationRequiredMiddleware:
    """An account whose email address is not confirmed yet (`User.email_confirmed`, set by signing up) can log
    in only to read "confirm your email", ask for a new link, confirm, change the language and log out: every
    other page sends it to "confirm your email", and the API answers 403 `email_unconfirmed`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def allowed(self, path: str) -> bool:
        open_paths = (
            reverse("accounts:confirm-email-sent"),
            reverse("accounts:logout"),
            reverse("core:set-language"),
            settings.STATIC_URL,
        )
        return path.startswith(open_paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not getattr(user, "email_confirmed", True)
            and not self.allowed(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": AccountsErrorCode.EMAIL_UNCONFIRMED.value,
                        "message": _("Confirm your email address first: open the link we sent you."),
                        "fieldErrors": {},
                    },
                    status=403,
                )
            return redirect("accounts:confirm-email-sent")
        return self.get_response(request)


class SessionPolicyMiddleware:
    """Ends a logged-in session that sat idle too long, lasted too long, or was ended from elsewhere (the
    account's `session_epoch` moved on: `accounts.sessions`). The person is logged out and sent to the login page,
    which says the session ended; a request to the API is let through logged out, so the API answers 401 as for
    anyone without credentials. The last-used time is written at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            ended = self.ended(session, user)
            if ended:
                logout(request)
                request.session[sessions.ENDED] = ended
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        return self.get_response(request)

    @staticmethod
    def ended(session: Any, user: Any) -> str:
        """Why the session ends now ("timeout" or "ended"), or "" while it holds (and it is marked as used)."""
        if int(session.get(sessions.EPOCH, 0)) != int(getattr(user, "session_epoch", 0) or 0):
            return "ended"
        now = sessions.now_seconds()
        login_at = session.get(sessions.LOGIN_AT)
        seen_at = session.get(sessions.SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before the policy: it starts counting now
            session[sessions.LOGIN_AT] = login_at if login_at is not None else now
            session[sessions.SEEN_AT] = now
            return ""
        if now - int(seen_at) > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
            return "timeout"
        if now - int(login_at) > settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600:
            return "timeout"
        if now - int(seen_at) >= sessions.SEEN_AT_RESOLUTION:
            session[sessions.SEEN_AT] = now
        return ""
