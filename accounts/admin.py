from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import StaffReadOnlyAdmin

from .models import ApiToken, User


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


@admin.register(ApiToken)
class ApiTokenAdmin(StaffReadOnlyAdmin):
    list_display = (
        "name",
        "prefix",
        "body",
        "created_by",
        "created",
        "expiry_date",
        "revoked",
        "last_used_at",
    )
    list_filter = ("revoked", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "prefix", "body__legal_name")
    list_select_related = ("body", "created_by")
    exclude = ("hashed_key",)


# djangorestframework-api-key registers its own APIKey model; the platform uses ApiToken only.
admin.site.unregister(__import__("rest_framework_api_key.models", fromlist=["APIKey"]).APIKey)
