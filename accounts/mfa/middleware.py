"""Enforces two-step login after the password, for the portal, the back office (/admin/) and the session API.

Runs after django-otp's `OTPMiddleware` (which gives `request.user.is_verified()` from the session):

- a person with an authenticator app whose session has not passed the second step is sent to
  `accounts:mfa-verify?next=...` from every page but the open ones (the second step, log out, the language
  switch, static files); the session API answers 403 `mfa_required`;
- a person holding a role `MFA_REQUIRED_ROLES` names (registry staff, body administrators) without an app is
  sent to `accounts:mfa-setup` (and the re-authentication page it needs, and the recovery codes shown after);
  the session API answers 403 `mfa_required`.

Bearer tokens are not affected: a request with `Authorization: Bearer` is left to the API's own
authentication (a token is its own factor). Whether the person has an app is read at login and kept in the
session (read again when this session changes the app, or on the first request of a session that has no note);
the required roles are read once per request and only while `MFA_REQUIRED_ROLES` is not empty, and only for
people without an app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..error_codes import AccountsErrorCode
from .services import mfa_enabled, mfa_required_for

#: does this session's person have an authenticator app ("1"/"0"; missing: not read yet)
HAS_DEVICE_SESSION_KEY = "accounts:mfa-has-device"


def forget_device_state(request: HttpRequest) -> None:
    """The person's app changed (or they logged in): read it again on the next request."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(HAS_DEVICE_SESSION_KEY, None)


def note_device_state(request: HttpRequest, user: Any) -> None:
    """At login: whether the person has an authenticator app, kept for the session (so pages cost no query)."""
    request.session[HAS_DEVICE_SESSION_KEY] = "1" if mfa_enabled(user) else "0"


def has_device(request: HttpRequest) -> bool:
    state = request.session.get(HAS_DEVICE_SESSION_KEY)
    if state is None:
        state = "1" if mfa_enabled(request.user) else "0"
        request.session[HAS_DEVICE_SESSION_KEY] = state
    return state == "1"


def mfa_required(request: HttpRequest) -> bool:
    """Cached on the request: does a role of the person require two-step login?"""
    cached = getattr(request, "_mfa_required", None)
    if cached is None:
        cached = mfa_required_for(request.user)
        request._mfa_required = cached  # type: ignore[attr-defined]
    return bool(cached)


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _always_open() -> tuple[str, ...]:
        return (reverse("accounts:logout"), reverse("core:set-language"), settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path
        is_api = path.startswith("/api/")
        if is_api and request.headers.get("Authorization", "").lower().startswith("bearer "):
            return self.get_response(request)
        if path.startswith(self._always_open()):
            return self.get_response(request)
        if has_device(request):
            if user.is_verified():  # type: ignore[union-attr]
                return self.get_response(request)
            if path.startswith(reverse("accounts:mfa-verify")):
                return self.get_response(request)
            if is_api:
                return self._refuse(_("Complete the two-step login in the portal first."))
            return self._redirect("accounts:mfa-verify", request)
        if settings.MFA_REQUIRED_ROLES and mfa_required(request):
            open_paths = (
                reverse("accounts:mfa-setup"),
                reverse("accounts:mfa-recovery-codes"),
                reverse("accounts:reauth"),
            )
            if path.startswith(open_paths):
                return self.get_response(request)
            if is_api:
                return self._refuse(
                    _("Your role requires two-step login: set it up in the portal (your profile) first.")
                )
            return self._redirect("accounts:mfa-setup", request)
        return self.get_response(request)

    @staticmethod
    def _refuse(message: str) -> JsonResponse:
        return JsonResponse(
            {"code": AccountsErrorCode.MFA_REQUIRED.value, "message": message, "fieldErrors": {}}, status=403
        )

    @staticmethod
    def _redirect(name: str, request: HttpRequest) -> HttpResponse:
        if request.headers.get("HX-Request"):  # a fragment (the notification badge): nothing to swap in
            return HttpResponse(status=204)
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
