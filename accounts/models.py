"""People who log in, and the bearer tokens integrators use."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from core.tenancy import ObjectGrants, TenantQuerySet


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by email. `is_staff` marks registry staff, who see every tenant."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_("ISO 639-1 codes")
    )
    countries = models.JSONField(
        _("countries worked in"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2 codes")
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_confirmed = models.BooleanField(
        _("email confirmed"),
        default=True,
        help_text=_(
            "Not ticked while a person who signed up has not opened the link sent to their address: they can log in "
            "only to confirm it. Accounts made by a body or by staff set their password through an email, "
            "which confirms it."
        ),
    )
    is_staff = models.BooleanField(
        _("registry staff"), default=False, help_text=_("Registry staff work in the back office and see all.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    session_epoch = models.PositiveIntegerField(
        _("session epoch"),
        default=0,
        editable=False,
        help_text=_("Raised to end every session of the person (accounts.sessions)."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        # people are listed by name everywhere (the people list walks it and stops after a page)
        indexes = [models.Index(fields=["full_name", "email"], name="user_name_email")]

    def __str__(self) -> str:
        return self.full_name or self.email

    #: `is_active` as read from the database (None for a new or partly loaded user), for `save`
    _loaded_is_active: bool | None = None

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> User:
        user = super().from_db(*args, **kwargs)
        user._loaded_is_active = user.__dict__.get("is_active")
        return user

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Disabling the account (the back office's "active" box, or any save that clears it) ends every session
        of the person: the epoch moves on."""
        if getattr(self, "_loaded_is_active", None) is True and self.is_active is False:
            self.session_epoch += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "session_epoch"}
        super().save(*args, **kwargs)
        self._loaded_is_active = self.is_active

    @property
    def is_registry_staff(self) -> bool:
        return bool(self.is_active and self.is_staff)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


#: the body permission a body's token is created with, and stands on for as long as it works
TOKEN_AUTHORITY = "manage_api_tokens"  # noqa: S105 (a permission's codename, not a secret)


class ApiTokenQuerySet(TenantQuerySet["ApiToken"]):
    """A body's tokens, read through the tenant filter: seen by the people who manage the body's tokens, and
    by a person granted one token (the developer who runs that integration sees its scopes, expiry and last
    use, without managing the body's tokens)."""

    object_grants = ObjectGrants(codename="view_apitoken", unless_body_perm="manage_api_tokens")


class ApiTokenManager(BaseAPIKeyManager.from_queryset(ApiTokenQuerySet)):  # type: ignore[misc]
    def get_usable_keys(self) -> models.QuerySet[ApiToken]:
        """Not revoked, with the creator, the body and `creator_holds_authority`: whether the creator still
        holds `manage_api_tokens` on the token's body (by their own grant or a group's), read as two EXISTS
        in the same query as the token, so authenticating costs the same whatever the body's size."""
        from bodies.models.tenants import BodyGroupObjectPermission, BodyUserObjectPermission

        grant = {
            "content_object_id": models.OuterRef("body_id"),
            "permission__codename": TOKEN_AUTHORITY,
            "permission__content_type__app_label": "bodies",
        }
        by_user = BodyUserObjectPermission.objects.filter(user_id=models.OuterRef("created_by_id"), **grant)
        by_group = BodyGroupObjectPermission.objects.filter(
            group__user=models.OuterRef("created_by_id"), **grant
        )
        return (
            super()
            .get_usable_keys()
            .select_related("created_by", "body")
            .annotate(
                creator_holds_authority=models.ExpressionWrapper(
                    models.Q(models.Exists(by_user)) | models.Q(models.Exists(by_group)),
                    output_field=models.BooleanField(),
                )
            )
        )


class ApiToken(AbstractAPIKey):
    """A bearer token for an integration: a body's token, or a registry token.

    The secret is shown once and stored hashed (djangorestframework-api-key). A body's token (made by the
    body's administrators) acts for that one body; a registry token (`for_registry`, no body; made by registry
    staff in the back office) acts for the registry: it reads every body and, with the `write` scope of a
    resource, takes the registry's decisions on it. Either has per-resource scopes such as
    ``{"bodies": "write", "accreditations": "read"}`` and works until it expires or is revoked; the person who
    created it is the actor of what it does. A token stands on its creator's authority: a registry token stops
    working when its creator is no longer registry staff, a body's token when its creator no longer holds
    `manage_api_tokens` on the body (checked at every authentication), and it lapses for good (`lapsed_at`)
    when the creator's membership ends, is suspended or loses that role; the body's administrators re-issue.
    """

    SCOPE_LEVELS = ("read", "write")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(
        "bodies.Body", on_delete=models.CASCADE, related_name="api_tokens", null=True, blank=True
    )
    for_registry = models.BooleanField(
        _("registry token"), default=False, help_text=_("Acts for the registry: every body.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scopes = models.JSONField(default=dict, help_text=_("resource → read | write"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(
        _("lapsed at"),
        null=True,
        blank=True,
        help_text=_("When the token stopped working because its creator lost the authority to create it."),
    )

    objects = ApiTokenManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["body", "revoked"], name="apitoken_body_revoked")]
        constraints = [
            # a token acts for exactly one body, or for the registry
            models.CheckConstraint(
                condition=(
                    models.Q(body__isnull=False, for_registry=False)
                    | models.Q(body__isnull=True, for_registry=True)
                ),
                name="apitoken_body_xor_registry",
            )
        ]

    @property
    def audit_object_id(self) -> str:
        """The audit trail names a token by its public uuid: its pk embeds the key's hash."""
        return str(self.uuid)

    @property
    def usable_by_creator(self) -> bool:
        """The creator can still stand behind the token: active, and registry staff for a registry token."""
        creator = self.created_by
        if not creator.is_active:
            return False
        return bool(creator.is_staff) if self.for_registry else True

    @property
    def creator_authority_lost(self) -> bool:
        """A body's token whose creator no longer stands behind it: it lapsed, or (read with the token by
        `ApiToken.objects.get_usable_keys`) the creator, not registry staff, lacks `manage_api_tokens` on the
        body now."""
        if self.for_registry:
            return False
        if self.lapsed_at is not None:
            return True
        if self.created_by.is_staff:
            return False
        return not getattr(self, "creator_holds_authority", False)

    def allows(self, resource: str, write: bool) -> bool:
        level = self.scopes.get(resource)
        if level is None:
            return False
        return level == "write" or not write


class ApiTokenUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct-foreign-key grant table for API tokens (one person admitted to one token)."""

    content_object = models.ForeignKey(ApiToken, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("person admitted to an API token")
        verbose_name_plural = _("people admitted to API tokens")
