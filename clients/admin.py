"""Registry staff see every body's clients (with their sites and client users) and projects, with filters (read-only: bodies
keep their own through the portal and the API)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline

from .models import Client, ClientUser, Project, Site


class SiteInline(StaffReadOnlyInline):
    model = Site
    fields = ("name", "country", "activities", "effective_personnel", "is_central_function")


@admin.register(Client)
class ClientAdmin(StaffReadOnlyAdmin):
    list_display = ("legal_name", "short_name", "body", "country", "kind", "registration_number")
    list_filter = ("kind", "country", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("legal_name", "short_name", "registration_number", "contact_name", "body__legal_name")
    list_select_related = ("body",)
    inlines = (SiteInline,)


@admin.register(Site)
class SiteAdmin(StaffReadOnlyAdmin):
    list_display = ("name", "client", "body", "country", "effective_personnel", "is_central_function")
    list_filter = ("is_central_function", "country", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "client__legal_name", "body__legal_name")
    list_select_related = ("client", "body")


@admin.register(Project)
class ProjectAdmin(StaffReadOnlyAdmin):
    list_display = ("name", "registry_number", "body", "proponent", "sector", "country")
    list_filter = ("sector", "country", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "name",
        "registry_number",
        "registry_project_id",
        "proponent__legal_name",
        "body__legal_name",
    )
    list_select_related = ("body", "proponent", "sector")
    date_hierarchy = "crediting_period_start"


@admin.register(ClientUser)
class ClientUserAdmin(StaffReadOnlyAdmin):
    """The people at clients whom bodies invited to the client view (the invitation link's hash stays out)."""

    list_display = (
        "full_name",
        "email",
        "client",
        "body",
        "status",
        "invited_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("status", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("full_name", "email", "client__legal_name", "body__legal_name")
    list_select_related = ("client", "body")
    fields = (
        "full_name",
        "email",
        "client",
        "body",
        "user",
        "status",
        "status_reason",
        "invited_by",
        "invited_at",
        "accepted_at",
        "revoked_at",
    )
