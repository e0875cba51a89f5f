"""Back-office base classes and the read-only audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from .models import AuditEvent


class TenantAdmin(admin.ModelAdmin):
    """Every back-office list goes through the model's `visible_to`: registry staff see all, nobody else any."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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
class AuditEventAdmin(ReadOnlyAdminMixin, TenantAdmin):
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

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    @admin.display(description="changes")
    def changes(self, obj: AuditEvent) -> str:
        return _diff_table(obj.before, obj.after)
