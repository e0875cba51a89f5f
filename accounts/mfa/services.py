"""Two-step login: set up an authenticator app, recovery codes, the second step at login, turning it off.

Every write is here (keyword-only, atomic, audited as `accounts.mfa.*` on the person's account, the person
emailed after commit). The devices are django-otp's: one confirmed `TOTPDevice` (the authenticator app) and one
`StaticDevice` whose `StaticToken`s are the recovery codes (each deleted when used). Wrong codes are throttled
by django-otp per device (`OTP_TOTP_THROTTLE_FACTOR`: after n wrong codes the device refuses every code for
factor × 2^(n-1) seconds), and the refusal says until when.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.error_codes import CoreErrorCode
from core.errors import PermissionDenied, ValidationError, field_error
from core.permissions import is_registry_staff

from ..error_codes import AccountsErrorCode
from ..models import User

#: the names of the two devices (shown to nobody but kept readable in the database)
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
#: the roles `MFA_REQUIRED_ROLES` may name
REGISTRY_STAFF = "registry_staff"
BODY_ADMIN = "body_admin"
KNOWN_ROLES = (REGISTRY_STAFF, BODY_ADMIN)
_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class Enrolment:
    """An authenticator app being set up: the secret lives in the session until a code confirms it."""

    key: str  # hex, as django-otp stores it

    @property
    def device(self) -> TOTPDevice:
        return TOTPDevice(key=self.key, name=TOTP_DEVICE_NAME, confirmed=False)


# --- reads ------------------------------------------------------------------------------------------------


def totp_device_of(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def mfa_enabled(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_required_for(user: Any) -> bool:
    """Does a role the person holds require two-step login (`MFA_REQUIRED_ROLES`)? Registry staff are the
    `is_staff` accounts (`core.permissions.is_registry_staff`), body administrators hold the role in an active
    membership. At most one query."""
    roles = {role.strip() for role in settings.MFA_REQUIRED_ROLES if role.strip()}
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    if REGISTRY_STAFF in roles and is_registry_staff(user):
        return True
    if BODY_ADMIN in roles:
        from bodies.models.tenants import Membership, Role  # the kernel's tenant models

        return Membership.objects.active().with_role(Role.BODY_ADMIN).filter(user=user).exists()
    return False


def otpauth_url(*, user: Any, enrolment: Enrolment) -> str:
    """The `otpauth://` URL an authenticator app reads from the QR code."""
    device = enrolment.device
    device.user = user
    return str(device.config_url)


def secret_text(enrolment: Enrolment) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    from base64 import b32encode
    from binascii import unhexlify

    text = b32encode(unhexlify(enrolment.key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def enrolment_start() -> Enrolment:
    """A new secret for an authenticator app (nothing is written: the person confirms it with a code)."""
    return Enrolment(key=secrets.token_hex(20))


# --- writes -----------------------------------------------------------------------------------------------


def _normalised(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(int(settings.MFA_RECOVERY_CODES))]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_device(user: User) -> StaticDevice:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


def _tell(user: User, subject: str, message: str) -> None:
    """Emails the person after commit, in their language (accounts is the kernel: plain mail, no notices)."""

    def send() -> None:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            send_mail(
                str(subject),
                str(message),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )

    transaction.on_commit(send)


def _tell_enabled(user: User) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        _tell(
            user,
            _("Two-step login is on for your account"),
            _(
                "Two-step login was turned on for your account. From now on, logging in asks for a code from "
                "your authenticator app after the password.\n\nIf you did not do this, change your password "
                "and contact the registry at once."
            ),
        )


def totp_device_confirm(*, user: User, enrolment: Enrolment, code: str) -> list[str]:
    """Confirms the authenticator app with a current code and returns the new recovery codes (shown once).

    A wrong code is refused (field `code`); a person who already has an app is refused too."""
    device = enrolment.device
    token = _normalised(code)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not (token.isdigit() and totp.verify(int(token), device.tolerance)):
        raise field_error(
            "code",
            _("That code is not right. Enter the 6 digits the app shows now."),
            AccountsErrorCode.MFA_CODE_INVALID,
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one set-up at a time per person
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(
                _("Two-step login is already set up for your account."),
                code=AccountsErrorCode.MFA_ALREADY_ENABLED,
            )
        TOTPDevice.objects.filter(user=user).delete()  # an unconfirmed leftover
        device.user = user
        device.confirmed = True
        device.last_t = totp.t()  # the code just used cannot log in again
        device.save()
        codes = _new_recovery_codes(_recovery_device(user))
        audit_record(
            actor=user, action="accounts.mfa.enabled", obj=user, after={"recovery_codes": len(codes)}
        )
        _tell_enabled(user)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); returns them to be shown once."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(
                _("Two-step login is not set up for your account."), code=AccountsErrorCode.MFA_NOT_ENABLED
            )
        device = _recovery_device(user)
        before = device.token_set.count()
        codes = _new_recovery_codes(device)
        audit_record(
            actor=user,
            action="accounts.mfa.recovery_codes_regenerated",
            obj=user,
            before={"recovery_codes": before},
            after={"recovery_codes": len(codes)},
        )
        with translation.override(user.language or settings.LANGUAGE_CODE):
            _tell(
                user,
                _("New recovery codes for your account"),
                _(
                    "New recovery codes were made for your account; the earlier ones no longer work.\n\n"
                    "If you did not do this, change your password and contact the registry at once."
                ),
            )
    return codes


def mfa_disable(*, user: User) -> None:
    """Turns two-step login off (the app and the recovery codes). Refused while a role of the person requires
    it: the last device of such a person cannot be removed."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(
                _("Two-step login is not set up for your account."), code=AccountsErrorCode.MFA_NOT_ENABLED
            )
        if mfa_required_for(user):
            raise PermissionDenied(
                _("Your role requires two-step login, so it cannot be turned off."),
                code=AccountsErrorCode.MFA_REQUIRED,
            )
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action="accounts.mfa.disabled", obj=user)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            _tell(
                user,
                _("Two-step login is off for your account"),
                _(
                    "Two-step login was turned off for your account: logging in asks only for the password "
                    "now.\n\nIf you did not do this, change your password and contact the registry at once."
                ),
            )


def mfa_reset(*, user: User, reason: str) -> None:
    """The operator's way back for a person who lost both the phone and the recovery codes (`manage.py mfa_reset`):
    removes the app and the codes whatever the person's roles (a role that requires two-step login sends them to
    set it up again at their next login). Audited as the platform with the reason; the person is emailed."""
    if not (reason or "").strip():
        raise field_error(
            "reason",
            _("Give the reason (how the person's identity was checked)."),
            CoreErrorCode.REASON_REQUIRED,
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not TOTPDevice.objects.filter(user=user).exists():
            raise ValidationError(
                _("Two-step login is not set up for this account."), code=AccountsErrorCode.MFA_NOT_ENABLED
            )
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=None, action="accounts.mfa.reset", obj=user, after={"reason": reason.strip()})
        with translation.override(user.language or settings.LANGUAGE_CODE):
            _tell(
                user,
                _("Two-step login was reset for your account"),
                _(
                    "The registry removed the authenticator app and the recovery codes of your account, as you "
                    "asked. Set up two-step login again from your profile (if your role requires it, you are "
                    "asked to at your next login).\n\nIf you did not ask for this, contact the registry at once."
                ),
            )


#: a wait after a wrong code this long or longer is told as a lock (with factor 1: from the 7th wrong code on)
LOCK_TOLD_AFTER_SECONDS = 60


def _locked_error(locked_until: datetime | None) -> ValidationError:
    seconds = int((locked_until - timezone.now()).total_seconds()) + 1 if locked_until else 0
    if locked_until is None or seconds < LOCK_TOLD_AFTER_SECONDS:
        message = _("Too many wrong codes in a row. Wait a few seconds, then try again.")
    else:
        message = _(
            "Too many wrong codes in a row: two-step login is locked until %(time)s. Try again then."
        ) % {"time": formats.time_format(timezone.localtime(locked_until), "TIME_FORMAT")}
    return field_error("code", message, AccountsErrorCode.MFA_LOCKED)


def _lock(device: Device) -> tuple[bool, datetime | None]:
    allowed, info = device.verify_is_allowed()
    return bool(allowed), (info or {}).get("locked_until")


def mfa_verify(*, user: User, code: str) -> Device:
    """The second step: a code from the authenticator app or an unused recovery code. Returns the device that
    accepted it (for `django_otp.login`); a recovery code is used up. A wrong code counts against the device's
    throttle (committed even though the call raises), a locked device refuses every code and says until when."""
    token = _normalised(code)
    totp_kind = token.isdigit() and len(token) == TOTPDevice._meta.get_field("digits").default
    verified: Device | None = None
    locked_until: datetime | None = None
    locked = False
    with transaction.atomic():
        if totp_kind:
            device: Device | None = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None:
            allowed, locked_until = _lock(device)
            if not allowed:
                locked = True
            elif device.verify_token(token):  # a wrong code increments the throttle and saves it
                verified = device
                if isinstance(device, StaticDevice):
                    audit_record(
                        actor=user,
                        action="accounts.mfa.recovery_code_used",
                        obj=user,
                        after={"recovery_codes": device.token_set.count()},
                    )
                    with translation.override(user.language or settings.LANGUAGE_CODE):
                        _tell(
                            user,
                            _("A recovery code of your account was used"),
                            _(
                                "One of your recovery codes was used in place of a code from your authenticator "
                                "app (to log in, or to confirm an action). It cannot be used again.\n\nIf this "
                                "was not you, change your password and contact the registry at once."
                            ),
                        )
            else:
                allowed, locked_until = _lock(device)
                locked = (
                    not allowed
                    and locked_until is not None
                    and (locked_until - timezone.now()).total_seconds() >= LOCK_TOLD_AFTER_SECONDS
                )
    if verified is not None:
        return verified
    if locked:
        raise _locked_error(locked_until)
    raise field_error(
        "code",
        _("That code is not right. Enter the 6 digits your app shows now, or one of your recovery codes."),
        AccountsErrorCode.MFA_CODE_INVALID,
    )
