"""Writes for users and API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api.resources import TOKEN_RESOURCES  # what the routed API views name, read on first use
from core.audit import audit_changes, audit_record
from core.error_codes import CoreErrorCode
from core.errors import TransitionNotAllowed, ValidationError, coded, field_error
from core.permissions import require_body_perm, require_registry_staff
from core.types import Actor

from .error_codes import AccountsErrorCode
from .models import ApiToken, User

if TYPE_CHECKING:
    from bodies.models.tenants import Body


def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise field_error("language", _("Unknown language."), CoreErrorCode.INVALID_CHOICE)
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


def _token_checks(*, name: str, scopes: dict[str, str], expires_at: datetime) -> None:
    """A token's name, scopes and expiry, for a body's token and a registry token alike."""
    errors: dict[str, ValidationError] = {}
    if not name.strip():
        errors["name"] = coded(_("Name the integration that will use this token."), CoreErrorCode.REQUIRED)
    elif len(name.strip()) > 50:
        errors["name"] = coded(_("At most 50 characters."), AccountsErrorCode.TOO_LONG)
    if not scopes:
        errors["scopes"] = coded(_("Give the token at least one scope."), AccountsErrorCode.SCOPES_REQUIRED)
    else:
        bad = [
            f"{r}:{lvl}"
            for r, lvl in scopes.items()
            if r not in TOKEN_RESOURCES or lvl not in ApiToken.SCOPE_LEVELS
        ]
        if bad:
            errors["scopes"] = coded(
                _("Unknown scope(s): %(scopes)s") % {"scopes": ", ".join(sorted(bad))},
                AccountsErrorCode.UNKNOWN_SCOPE,
            )
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = coded(_("The expiry must be in the future."), AccountsErrorCode.EXPIRY_IN_PAST)
    elif expires_at > now + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        errors["expires_at"] = coded(
            _("A token may live at most %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS},
            AccountsErrorCode.TOKEN_LIFETIME_TOO_LONG,
        )
    if errors:
        raise ValidationError(errors)


def _token_create(
    *, body: Body | None, actor: Actor, name: str, scopes: dict[str, str], expires_at: datetime
) -> tuple[ApiToken, str]:
    """Creates the token and records it (a body's chain, or the registry's for a registry token)."""
    _token_checks(name=name, scopes=scopes, expires_at=expires_at)
    with transaction.atomic():
        token, secret = ApiToken.objects.create_key(
            name=name.strip(),
            body=body,
            for_registry=body is None,
            created_by=actor,
            scopes=dict(scopes),
            expiry_date=expires_at,
        )
        audit_record(
            actor=actor,
            action="accounts.api_token.created",
            obj=token,
            body=body,
            after={
                "name": token.name,
                "scopes": token.scopes,
                "expires_at": expires_at,
                "prefix": token.prefix,
                "for_registry": token.for_registry,
            },
        )
    return token, secret


def api_token_create(
    *, body: Body, actor: Actor, name: str, scopes: dict[str, str], expires_at: datetime
) -> tuple[ApiToken, str]:
    """Creates a scoped, expiring token for the body; returns it with its secret, which is shown only once."""
    require_body_perm(actor, body, "manage_api_tokens")
    return _token_create(body=body, actor=actor, name=name, scopes=scopes, expires_at=expires_at)


def registry_token_create(
    *, actor: Actor, name: str, scopes: dict[str, str], expires_at: datetime
) -> tuple[ApiToken, str]:
    """Registry staff create a token that acts for the registry: it reads every body, and with the `write`
    scope of a resource takes the registry's decisions on it, as its creator (who must stay registry staff).
    Returns it with its secret, shown only once; recorded on the registry's audit chain."""
    require_registry_staff(actor)
    return _token_create(body=None, actor=actor, name=name, scopes=scopes, expires_at=expires_at)


def require_manage_token(actor: Actor, token: ApiToken) -> None:
    """A body's token is managed by the body's token managers; a registry token by registry staff."""
    if token.for_registry:
        require_registry_staff(actor)
    else:
        require_body_perm(actor, token.body, "manage_api_tokens")  # type: ignore[arg-type]


def api_token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    require_manage_token(actor, token)
    with transaction.atomic():
        claimed = ApiToken.objects.filter(pk=token.pk, revoked=False).update(revoked=True)
        if not claimed:
            raise TransitionNotAllowed(
                _("This token is already revoked."), current="revoked", code=AccountsErrorCode.TOKEN_REVOKED
            )
        token.refresh_from_db()
        audit_record(
            actor=actor,
            action="accounts.api_token.revoked",
            obj=token,
            body=token.body,
            before={"revoked": False},
            after={"revoked": True},
        )
    return token


def api_tokens_lapse(*, body: Body, creator: User, actor: Actor) -> list[ApiToken]:
    """The body's working tokens made by `creator` lapse for good: the creator no longer holds the authority
    they were created with (their membership ended or was suspended, or they lost the role that grants
    `manage_api_tokens`). Called by the membership services inside their transaction; each lapse is recorded
    on the body's chain with `actor` (who changed the membership). Returns the lapsed tokens, oldest first; the
    caller tells the body's administrators, who re-issue what is still needed. Registry staff keep every body
    permission, so their tokens do not lapse."""
    if creator.is_staff:
        return []
    now = timezone.now()
    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update()
            .filter(body=body, created_by=creator, revoked=False, lapsed_at__isnull=True)
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gt=now))
            .order_by("created", "uuid")
        )
        if not tokens:
            return []
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(lapsed_at=now)
        for token in tokens:
            token.lapsed_at = now
            audit_record(
                actor=actor,
                action="accounts.api_token.lapsed",
                obj=token,
                body=body,
                before={"lapsed_at": None},
                after={"lapsed_at": now, "creator": creator.email},
            )
    return tokens


def _language_codes() -> set[str]:
    from django.conf.locale import LANG_INFO

    return {code for code in LANG_INFO if len(code) == 2}


def user_update_profile(
    *,
    user: User,
    full_name: str,
    language: str,
    phone: str | None = None,
    languages: list[str] | None = None,
    countries: list[str] | None = None,
) -> User:
    """A person keeps their own profile (it belongs to them, not to the bodies they work for).

    Name, phone, spoken languages (ISO 639-1) and countries worked in (ISO 3166-1) are recorded when they
    change; the interface language is a preference and is not. What is None stays as it is.
    """
    from django_countries import countries as all_countries

    errors: dict[str, ValidationError] = {}
    full_name = (full_name or "").strip()
    if not full_name:
        errors["full_name"] = coded(_("Enter your name."), CoreErrorCode.REQUIRED)
    elif len(full_name) > (User._meta.get_field("full_name").max_length or 200):
        errors["full_name"] = coded(_("The name is too long."), AccountsErrorCode.TOO_LONG)
    if language not in dict(settings.LANGUAGES):
        errors["language"] = coded(_("Unknown language."), CoreErrorCode.INVALID_CHOICE)
    if phone is not None and len(phone.strip()) > (User._meta.get_field("phone").max_length or 40):
        errors["phone"] = coded(_("The phone number is too long."), AccountsErrorCode.TOO_LONG)
    if languages is not None and set(languages) - _language_codes():
        errors["languages"] = coded(_("Unknown language code(s)."), CoreErrorCode.INVALID_CHOICE)
    if countries is not None and {c.upper() for c in countries} - set(dict(all_countries)):
        errors["countries"] = coded(_("Unknown country code(s)."), CoreErrorCode.INVALID_CHOICE)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        recorded = ["full_name", "phone", "languages", "countries"]
        before = {name: getattr(locked, name) for name in recorded}
        locked.full_name = full_name
        locked.language = language
        if phone is not None:
            locked.phone = phone.strip()
        if languages is not None:
            locked.languages = sorted(set(languages))
        if countries is not None:
            locked.countries = sorted({c.upper() for c in countries})
        locked.save(update_fields=["full_name", "language", "phone", "languages", "countries"])
        audit_changes(
            actor=user,
            action="accounts.user.profile_updated",
            obj=locked,
            before=before,
            after={name: getattr(locked, name) for name in recorded},
        )
    for name in ("full_name", "language", "phone", "languages", "countries"):
        setattr(user, name, getattr(locked, name))
    return user


def user_register(*, email: str, full_name: str, password: str) -> User:
    """A person creates an account (to apply for a body, or before a body adds them). Email is the login."""
    from django.contrib.auth.password_validation import validate_password
    from django.db import IntegrityError

    email = User.objects.normalize_email(email).strip().lower()
    errors: dict[str, list[ValidationError]] = {}
    if not full_name.strip():
        errors["full_name"] = [coded(_("Enter your name."), CoreErrorCode.REQUIRED)]
    candidate = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = [coded(message, AccountsErrorCode.PASSWORD_TOO_WEAK) for message in exc.messages]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, full_name=full_name.strip())
            audit_record(
                actor=user,
                action="accounts.user.registered",
                obj=user,
                after={"email": user.email, "full_name": user.full_name},
            )
    except IntegrityError as exc:
        raise field_error(
            "email", _("An account with this email address already exists."), AccountsErrorCode.EMAIL_TAKEN
        ) from exc
    return user


#: why every session of a person ended, as recorded in the audit trail
SESSIONS_END_REASONS = ("requested", "membership_ended")


def user_sessions_end(*, user: User, actor: Actor, reason: str) -> int:
    """Ends every session of the person wherever it is kept, by moving their `session_epoch` on (the session
    policy middleware compares it on each request; `accounts.sessions`). Recorded with the epochs before and
    after and the reason. Returns the new epoch: a view that keeps the current session stores it there."""
    if reason not in SESSIONS_END_REASONS:
        raise ValueError(f"Unknown reason {reason!r} for ending sessions.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = locked.session_epoch
        locked.session_epoch = before + 1
        locked.save(update_fields=["session_epoch"])
        audit_record(
            actor=actor,
            action="accounts.user.sessions_ended",
            obj=locked,
            before={"session_epoch": before},
            after={"session_epoch": locked.session_epoch, "reason": reason},
        )
    user.session_epoch = locked.session_epoch
    return locked.session_epoch


def user_sessions_end_without_membership(*, user: User, actor: Actor) -> bool:
    """Called by the membership services inside their transaction when a membership stops being active: once the
    person holds no active membership anywhere, every session of theirs ends. Returns whether they ended."""
    from bodies.models.tenants import Membership

    if Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists():
        return False
    user_sessions_end(user=user, actor=actor, reason="membership_ended")
    return True
