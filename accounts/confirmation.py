"""Signing up confirms the email address before the account can act (issue 7 §4).

A person who signs up gets an account with `email_confirmed=False` and an email with a signed link
(`django.core.signing`, salted, timestamped): it names the account, the address it was sent to and where to go
next, and is good for EMAIL_CONFIRMATION_MAX_AGE. Opening it confirms the address once; an expired link, a
link for an address since changed or a used one are refused with their own codes. Until then the account can
log in only to read "confirm your email" and ask for a new link
(`accounts.middleware.EmailConfirmationRequiredMiddleware`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ValidationError, coded

from .error_codes import AccountsErrorCode
from .models import User
from .services import user_register

SALT = "accounts.email-confirmation"
#: how long a confirmation link works (seconds); a new one can always be asked for
EMAIL_CONFIRMATION_MAX_AGE: int = settings.EMAIL_CONFIRMATION_MAX_AGE
#: at most this many new links per account per hour
RESENDS_PER_HOUR = 5


def safe_next(next_url: str | None) -> str:
    """A path on this site to go to after confirming (the application form, say), or "" for the default."""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None, require_https=False):
        return next_url
    return ""


def email_confirmation_token(*, user: User, next_url: str = "") -> str:
    return signing.dumps(
        {"u": str(user.pk), "e": user.email, "n": safe_next(next_url)}, salt=SALT, compress=True
    )


def email_confirmation_link(*, user: User, next_url: str = "") -> str:
    token = email_confirmation_token(user=user, next_url=next_url)
    return f"{settings.SITE_URL}{reverse('accounts:confirm-email', args=[token])}"


def _send(user: User, next_url: str) -> None:
    link = email_confirmation_link(user=user, next_url=next_url)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "user": user,
            "link": link,
            "hours": EMAIL_CONFIRMATION_MAX_AGE // 3600,
            "site_url": settings.SITE_URL,
        }
        subject = _("Confirm your email address for ICR Conformity")
        message = render_to_string("registration/email_confirmation_email.txt", context)
    send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [user.email])


def user_signup(*, email: str, full_name: str, password: str, language: str = "", next_url: str = "") -> User:
    """A person creates an account (`user_register`), unconfirmed until they open the link emailed to them
    (sent after the transaction commits)."""
    with transaction.atomic():
        user = user_register(email=email, full_name=full_name, password=password)
        user.email_confirmed = False
        if language and language in dict(settings.LANGUAGES):
            user.language = language
        user.save(update_fields=["email_confirmed", "language"])
        transaction.on_commit(lambda: _send(user, next_url))
    return user


def email_confirmation_resend(*, user: User, next_url: str = "") -> None:
    """A new link for an unconfirmed account (at most RESENDS_PER_HOUR an hour)."""
    if user.email_confirmed:
        raise ValidationError(
            coded(_("Your email address is already confirmed."), AccountsErrorCode.CONFIRMATION_USED)
        )
    key = f"accounts:confirmation-resends:{user.pk}"
    cache.add(key, 0, timeout=3600)
    if int(cache.incr(key)) > RESENDS_PER_HOUR:
        raise ValidationError(_("Too many links were sent to this address. Try again in an hour."))
    _send(user, next_url)


def email_confirm(*, token: str) -> tuple[User, str]:
    """Confirms the address the link was sent to; answers the account and where to go next. A link works once
    and for EMAIL_CONFIRMATION_MAX_AGE; audited as `accounts.user.email_confirmed`."""
    try:
        data = signing.loads(token, salt=SALT, max_age=EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            coded(_("This link has expired. Ask for a new one."), AccountsErrorCode.CONFIRMATION_EXPIRED)
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            coded(_("This link is not valid. Ask for a new one."), AccountsErrorCode.CONFIRMATION_INVALID)
        ) from exc
    invalid = ValidationError(
        coded(_("This link is not valid. Ask for a new one."), AccountsErrorCode.CONFIRMATION_INVALID)
    )
    if not isinstance(data, dict) or not isinstance(data.get("u"), str):
        raise invalid
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["u"]).first()
        if user is None or user.email != data.get("e"):
            raise invalid
        if user.email_confirmed:
            raise ValidationError(
                coded(
                    _("This link was already used: your email address is confirmed."),
                    AccountsErrorCode.CONFIRMATION_USED,
                )
            )
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
        audit_record(
            actor=user,
            action="accounts.user.email_confirmed",
            obj=user,
            before={"email_confirmed": False},
            after={"email_confirmed": True},
        )
    return user, safe_next(data.get("n"))
