"""Back-office base classes (tenant-scoped lists, the staff read-only admin and inline) and the read-only
audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from .models import AuditEvent
from .permissions import is_registry_staff


class TenantAdmin(admin.ModelAdmin):
    """Every back-office list goes through the model's `visible_to`: registry staff see all, nobody else any."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


class ReadOnlyAdminMixin:
    """No add, change or delete: rows change only through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffReadOnlyAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The back office's oversight lists: registry staff read every body's rows; nobody adds, changes or
    deletes (bodies keep their own records through the portal and the API, the registry decides through the
    services). Admin actions that call a service stay possible (e.g. re-rendering a failed document)."""

    #: False for a model whose `visible_to` means "one's own rows" (notifications): staff oversee all of them
    scope_to_tenants = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if self.scope_to_tenants:
            return super().get_queryset(request)
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user)


class StaffReadOnlyInline(admin.TabularInline):
    """A read-only table of a record's children on its admin page: every listed field read-only, no rows
    added or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(self.fields or ()), *super().get_readonly_fields(request, obj)]))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _diff_table(before: dict[str, Any], after: dict[str, Any]) -> str:
    keys = sorted(set(before) | set(after))
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
        ((key, before.get(key, "—"), after.get(key, "—")) for key in keys),
    )
    return format_html("<table><tr><th></th><th>before</th><th>after</th></tr>{}</table>", rows)


@admin.register(AuditEvent)
class AuditEventAdmin(StaffReadOnlyAdmin):
    list_display = ("created_at", "action", "object_repr", "actor_label", "body", "request_id")
    list_filter = ("action", ("body", admin.RelatedOnlyFieldListFilter), "created_at")
    search_fields = ("object_repr", "object_id", "actor_label", "action", "request_id")
    date_hierarchy = "created_at"
    list_select_related = ("body",)
    readonly_fields = (
        "created_at",
        "chain",
        "sequence",
        "body",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "request_id",
        "prev_hash",
        "hash",
    )
    exclude = ("before", "after")

    @admin.display(description="changes")
    def changes(self, obj: AuditEvent) -> str:
        return _diff_table(obj.before, obj.after)
