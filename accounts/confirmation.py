"""Signing up confirms the email address before the account can act (issue 7 §4).

A person who signs up gets an account with `email_confirmed=False` and an email with a signed link
(`django.core.signing`, salted, timestamped): it names the account, the address it was sent to and where to go
next, and is good for EMAIL_CONFIRMATION_MAX_AGE. Opening it confirms the address once; an expired link, a
link for an address since changed or a used one are refused with their own codes. Until then the account can
log in only to read "confirm your email" and ask for a new link
(`accounts.middleware.EmailConfirmationRequiredMiddleware`).

Signing up does not tell whether an address has an account (issue 11 §1): an address that has one gets no
new account and no change, and its owner is emailed that someone tried, with links to log in and to reset the
password (never a confirmation link: confirming an account someone else made with the address would hand it
to them). The visitor reads the same page either way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.counters import window_hit
from core.errors import ValidationError, coded

from .error_codes import AccountsErrorCode
from .models import User
from .services import user_register

SALT = "accounts.email-confirmation"
#: how long a confirmation link works (seconds); a new one can always be asked for
EMAIL_CONFIRMATION_MAX_AGE: int = settings.EMAIL_CONFIRMATION_MAX_AGE
#: at most this many new links per account per hour
RESENDS_PER_HOUR = 5
#: at most this many "someone tried to sign up with your address" emails per account per hour
SIGNUP_NOTICES_PER_HOUR = 3


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


def _send_account_exists(user: User, next_url: str) -> None:
    login = reverse("accounts:login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "user": user,
            "login_link": f"{settings.SITE_URL}{login}",
            "reset_link": f"{settings.SITE_URL}{reverse('accounts:password-reset')}",
            "site_url": settings.SITE_URL,
        }
        subject = _("Someone tried to create an ICR Conformity account with your address")
        message = render_to_string("accounts/signup_account_exists_email.txt", context)
    send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [user.email])


def _email_taken(exc: ValidationError) -> bool:
    errors = getattr(exc, "error_dict", {}).get("email", [])
    return any(error.code == AccountsErrorCode.EMAIL_TAKEN for error in errors)


def _notice_allowed(user: User) -> bool:
    """At most SIGNUP_NOTICES_PER_HOUR emails an hour to one account, so sign-up cannot flood a mailbox."""
    return window_hit(f"accounts:signup-notices:{user.pk}", seconds=3600) <= SIGNUP_NOTICES_PER_HOUR


def user_signup(
    *, email: str, full_name: str, password: str, language: str = "", next_url: str = ""
) -> User | None:
    """A person signs up with an address. A new address gets an account (`user_register`), unconfirmed until
    they open the link emailed to them. An address that has an account gets nothing new and changes nothing:
    the owner, if the account is active, is emailed that someone tried, with links to log in and to reset the
    password (at most SIGNUP_NOTICES_PER_HOUR an hour). Both ways validate the name and the password first
    and hash the password once (the insert is tried, and refused by the database's unique email), and the
    email leaves after the commit, so the answer takes about as long (issue 11 §1).

    Answers the new account, or None when the address had one; a face answers the same either way.
    """
    try:
        with transaction.atomic():
            user = user_register(email=email, full_name=full_name, password=password)
            user.email_confirmed = False
            if language and language in dict(settings.LANGUAGES):
                user.language = language
            user.save(update_fields=["email_confirmed", "language"])
            transaction.on_commit(lambda: _send(user, next_url), robust=True)
    except ValidationError as exc:
        if not _email_taken(exc):
            raise
    else:
        return user
    address = User.objects.normalize_email(email).strip().lower()
    owner = User.objects.filter(email__iexact=address, is_active=True).first()
    if owner is not None and _notice_allowed(owner):
        transaction.on_commit(lambda: _send_account_exists(owner, safe_next(next_url)))
    return None


def email_confirmation_resend(*, user: User, next_url: str = "") -> None:
    """A new link for an unconfirmed account (at most RESENDS_PER_HOUR an hour)."""
    if user.email_confirmed:
        raise ValidationError(
            coded(_("Your email address is already confirmed."), AccountsErrorCode.CONFIRMATION_USED)
        )
    if window_hit(f"accounts:confirmation-resends:{user.pk}", seconds=3600) > RESENDS_PER_HOUR:
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
