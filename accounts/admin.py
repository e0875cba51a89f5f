from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import StaffReadOnlyAdmin
from core.api.resources import SCOPE_LEVEL_LABELS, scope_labels, token_resources
from core.errors import TransitionNotAllowed
from core.permissions import is_registry_staff
from core.portal import form_add_service_errors

from .models import ApiToken, User
from .reauth import is_recent, redirect_to_reauth
from .services import api_token_revoke, registry_token_create

SCOPE_NONE = "none"
REGISTRY_TOKEN_DEFAULT_DAYS = 90


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "language", "date_joined")
    list_filter = ("is_staff", "is_active", "language")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


class RegistryTokenForm(forms.Form):
    """A new registry token: its name, its last day, and per resource no access, read or read and write."""

    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("The registry system that will use the token, e.g. “Registry reporting”."),
    )
    expires_on = forms.DateField(
        label=_("Last day of validity"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The token stops working at the end of this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = [
            (SCOPE_NONE, _("No access")),
            *((level, SCOPE_LEVEL_LABELS[level]) for level in ApiToken.SCOPE_LEVELS),
        ]
        for resource in token_resources():  # what the API views declare (`resource`, `resource_label`)
            self.fields[f"scope_{resource.name}"] = forms.ChoiceField(
                label=resource.label, choices=levels, initial=SCOPE_NONE, required=False
            )

    def scopes(self) -> dict[str, str]:
        return {
            resource.name: self.cleaned_data[f"scope_{resource.name}"]
            for resource in token_resources()
            if self.cleaned_data.get(f"scope_{resource.name}") not in (None, "", SCOPE_NONE)
        }

    def expires_at(self) -> datetime:
        day: date = self.cleaned_data["expires_on"]
        return datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())


class RevokeConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, revoke these tokens"), required=True)


@admin.register(ApiToken)
class ApiTokenAdmin(StaffReadOnlyAdmin):
    """Every token, the bodies' and the registry's. Registry staff add registry tokens here (the secret is shown
    once) and revoke tokens after a confirmation; nothing else is edited."""

    list_display = (
        "name",
        "prefix",
        "acts_for",
        "scopes_label",
        "created_by",
        "created",
        "expiry_date",
        "revoked",
        "last_used_at",
    )
    list_filter = ("for_registry", "revoked", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "prefix", "body__legal_name")
    list_select_related = ("body", "created_by")
    exclude = ("hashed_key", "scopes")
    readonly_fields = ("scopes_label",)
    actions = ["revoke_selected"]

    @admin.display(description=_("acts for"), ordering="body__legal_name")
    def acts_for(self, obj: ApiToken) -> str:
        return str(obj.body) if obj.body_id else str(_("The registry (every body)"))

    @admin.display(description=_("scopes"))
    def scopes_label(self, obj: ApiToken) -> str:
        """Per resource, its label and "Read" or "Read and write" (the stored scopes are codes)."""
        return format_html_join("", "<div>{}: {}</div>", scope_labels(obj.scopes)) or "—"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """A registry token: made by a member of the registry staff, its secret shown on this response only."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if not is_recent(request):  # a new registry token asks for a recent authentication
            return redirect_to_reauth(request)
        initial = {"expires_on": timezone.localdate() + timedelta(days=REGISTRY_TOKEN_DEFAULT_DAYS)}
        form = RegistryTokenForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                token, secret = registry_token_create(
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    scopes=form.scopes(),
                    expires_at=form.expires_at(),
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc, rename={"expires_at": "expires_on"})
            else:
                context = {
                    **self.admin_site.each_context(request),
                    "title": _("Registry token created"),
                    "token": token,
                    "secret": secret,
                    "opts": self.model._meta,
                }
                response = TemplateResponse(request, "admin/accounts/apitoken/created.html", context)
                response["Cache-Control"] = "no-store"
                return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add a registry token"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/apitoken/add_registry_token.html", context)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> HttpResponse | None:
        """Asks for confirmation first; then revokes each token through the service (already revoked ones
        are reported and left as they are)."""
        form = RevokeConfirmForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done, refused = 0, []
            for token in queryset.select_related("body"):
                try:
                    api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
                    done += 1
                except (TransitionNotAllowed, PermissionDenied) as exc:
                    refused.append(f"{token.name}: {getattr(exc, 'message', None) or exc}")
            if done:
                self.message_user(
                    request, ngettext("%(n)s token revoked.", "%(n)s tokens revoked.", done) % {"n": done}
                )
            for line in refused:
                self.message_user(request, line, level=messages.WARNING)
            return None
        count = queryset.count()
        context = {
            **self.admin_site.each_context(request),
            "title": ngettext("Revoke %(n)s token?", "Revoke %(n)s tokens?", count) % {"n": count},
            "tokens": queryset.select_related("body"),
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/apitoken/revoke_selected.html", context)


# djangorestframework-api-key registers its own APIKey model; the platform uses ApiToken only.
admin.site.unregister(__import__("rest_framework_api_key.models", fromlist=["APIKey"]).APIKey)

# django-otp registers admin pages for its devices: the back office shows none of them, so nobody there reads an
# authenticator's secret or a person's recovery codes (two-step login is kept by each person on their profile).
for _otp_model in (
    __import__("django_otp.plugins.otp_totp.models", fromlist=["TOTPDevice"]).TOTPDevice,
    __import__("django_otp.plugins.otp_static.models", fromlist=["StaticDevice"]).StaticDevice,
):
    if admin.site.is_registered(_otp_model):
        admin.site.unregister(_otp_model)
