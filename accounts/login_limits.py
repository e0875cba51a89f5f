"""Limits on guessing: failed logins (django-axes, every way in), password reset requests and bearer tokens.

Logins go through `django.contrib.auth.authenticate(request, ...)` on the portal and in the back office alike;
`axes.backends.AxesStandaloneBackend`, first of `AUTHENTICATION_BACKENDS`, refuses one that is locked out before
any password is checked, and `axes.middleware.AxesMiddleware` turns the refusal into `lockout_response`: the
login form again with "Too many failed attempts…" in the person's language, status 429. What counts (the
settings, read per request):

- `LOGIN_MAX_FAILURES` per account (the email, lower-case) *and* client address (`core.net.client_ip`): the
  next attempt from that address is refused even with the right password; any other address is not affected,
  so nobody can lock a person out from elsewhere. Counted in the cache (Redis: every web host shares it), each
  failure restarting the `LOGIN_FAILURE_WINDOW_SECONDS` window; a successful login forgets the pair's failures.
- `LOGIN_ADDRESS_MAX_FAILURES` per client address whatever the accounts tried (one address spraying many
  accounts), in the same window; not forgotten on a successful login (the attacker's own account would reset it).

The account's owner is emailed once per window when their account is locked out from some address (nothing is
sent for an address without an account), and every lockout is logged on the `icr.security` logger. Lockouts are
not written to the audit trail: they change no record, and an unauthenticated caller must not be able to grow
the registry's chain.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.mail import send_mail
from django.dispatch import receiver
from django.forms import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.counters import window_hit
from core.net import client_ip

security_log = logging.getLogger("icr.security")

#: the error code of a refused login (the form's error, the API's `code`)
TOO_MANY_ATTEMPTS = "too_many_attempts"


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """AXES_FAILURE_LIMIT: failures per account and address."""
    return int(settings.LOGIN_MAX_FAILURES)


def window_seconds() -> int:
    return int(settings.LOGIN_FAILURE_WINDOW_SECONDS)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long failures are remembered and a lockout lasts."""
    return timedelta(seconds=window_seconds())


def login_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the email typed, trimmed and lower-case (the login form does the same)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "data", request.POST).get("username")
    return str(raw).strip().lower() if raw else None


def lockout_message() -> str:
    return _(
        "Too many failed attempts to log in with this email address. Wait %(minutes)s minutes, or reset "
        "your password."
    ) % {"minutes": max(1, window_seconds() // 60)}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page the view drew (portal or back office), its error replaced by
    "Too many failed attempts…", status 429; JSON under /api/; plain text when there is no form to show."""
    message = lockout_message()
    retry_after = str(window_seconds())
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": TOO_MANY_ATTEMPTS, "message": message, "fieldErrors": {}}, status=429
        )
    elif (
        isinstance(original_response, SimpleTemplateResponse)
        and original_response.context_data
        and original_response.context_data.get("form") is not None
    ):
        form = original_response.context_data["form"]
        form.errors[NON_FIELD_ERRORS] = form.error_class(
            [ValidationError(message, code=TOO_MANY_ATTEMPTS)], error_class="nonfield", renderer=form.renderer
        )
        original_response.content = original_response.rendered_content
        original_response.status_code = 429
        response = original_response
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after
    return response


def _address_key(address: str) -> str:
    return f"accounts:login-address-failures:{_digest(address)}"


def address_failures(address: str) -> int:
    return int(cache.get(_address_key(address)) or 0) if address else 0


class LoginLimitHandler(AxesCacheHandler):
    """axes' cache handler (the account-and-address limit), plus the looser per-address limit, which axes cannot
    express: it has one failure limit for every lockout parameter."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        limit = int(settings.LOGIN_ADDRESS_MAX_FAILURES)
        return bool(limit) and address_failures(client_ip(request)) >= limit

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        address = client_ip(request) if request is not None else ""
        limit = int(settings.LOGIN_ADDRESS_MAX_FAILURES)
        if not address or not limit:
            return
        key = _address_key(address)
        count = window_hit(key, seconds=window_seconds())
        if count > 1:
            cache.touch(key, timeout=window_seconds())
        if count >= limit and not request.axes_locked_out:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            security_log.warning("login refused: address %s reached %s failed logins", address, count)


@receiver(user_locked_out, dispatch_uid="accounts.login_limits.tell_owner")
def tell_the_account_owner(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str = "",
    **kwargs: Any,
) -> None:
    """Logs the lockout; emails the account's owner, once per window, that someone tried their account."""
    from .models import User

    security_log.warning("login locked out: account %s from address %s", username or "?", ip_address or "?")
    if not username:
        return
    owner = User.objects.filter(email__iexact=username, is_active=True).first()
    if owner is None:
        return
    if not cache.add(f"accounts:lockout-told:{_digest(owner.email)}", 1, timeout=window_seconds()):
        return
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        context = {
            "user": owner,
            "address": ip_address or _("an unknown address"),
            "failures": failure_limit(request, None),
            "minutes": max(1, window_seconds() // 60),
            "reset_link": f"{settings.SITE_URL}{reverse('accounts:password-reset')}",
            "site_url": settings.SITE_URL,
        }
        subject = _("Someone tried to log in to your ICR Conformity account")
        message = render_to_string("accounts/login_locked_out_email.txt", context)
    send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [owner.email])


# --- password reset requests ---


def password_reset_allowed(*, email: str, address: str) -> bool:
    """Counts one request; False past `PASSWORD_RESET_MAX_PER_ACCOUNT` for this email from this address, or
    `PASSWORD_RESET_MAX_PER_ADDRESS` from this address, within `PASSWORD_RESET_WINDOW_SECONDS`."""
    window = int(settings.PASSWORD_RESET_WINDOW_SECONDS)
    limits = (
        (
            f"accounts:reset:{_digest(email.strip().lower(), address)}",
            int(settings.PASSWORD_RESET_MAX_PER_ACCOUNT),
        ),
        (f"accounts:reset-address:{_digest(address)}", int(settings.PASSWORD_RESET_MAX_PER_ADDRESS)),
    )
    allowed = True
    for key, limit in limits:
        count = window_hit(key, seconds=window)
        if limit and count > limit:
            allowed = False
    if not allowed:
        security_log.warning("password reset refused: too many requests from address %s", address or "?")
    return allowed


# --- bearer tokens ---


def _bearer_key(address: str) -> str:
    return f"accounts:bearer-failures:{_digest(address)}"


def bearer_refused(request: HttpRequest) -> bool:
    """True when this client address sent `BEARER_MAX_FAILURES` wrong tokens within the login window."""
    limit = int(settings.BEARER_MAX_FAILURES)
    address = client_ip(request)
    return bool(limit and address) and int(cache.get(_bearer_key(address)) or 0) >= limit


def bearer_failure_record(request: HttpRequest) -> None:
    address = client_ip(request)
    if not address or not int(settings.BEARER_MAX_FAILURES):
        return
    window_hit(_bearer_key(address), seconds=window_seconds())
