"""Back office: registry staff watch every tenant's deadlines and can see (not edit) notifications."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import StaffReadOnlyAdmin
from core.admin_labels import registry_kind_filter
from core.labels import registry_label

from .models import Deadline, Notification
from .notices import KINDS as NOTICE_KINDS
from .registry import KINDS


@admin.register(Deadline)
class DeadlineAdmin(StaffReadOnlyAdmin):
    list_display = (
        "kind_label",
        "body",
        "subject_type",
        "subject_id",
        "due_on",
        "next_reminder_on",
        "last_offset_fired",
        "closed",
    )
    list_filter = (
        registry_kind_filter(KINDS),
        ("body", admin.RelatedOnlyFieldListFilter),
        ("closed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("subject_id", "body__legal_name", "body__short_name", "kind")
    list_select_related = ("body", "subject_type")
    date_hierarchy = "due_on"
    ordering = ("due_on", "id")
    show_full_result_count = False
    exclude = ("kind",)
    readonly_fields = ("kind_label",)

    @admin.display(boolean=True, description=_("closed"), ordering="closed_at")
    def closed(self, obj: Deadline) -> bool:
        return obj.closed_at is not None

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: Deadline) -> str:
        return registry_label(KINDS, obj.kind)


@admin.register(Notification)
class NotificationAdmin(StaffReadOnlyAdmin):
    # a notification's `visible_to` is its addressee's own list; staff oversee every person's
    scope_to_tenants = False

    list_display = (
        "title",
        "user",
        "body",
        "kind_label",
        "offset_days",
        "created_at",
        "read_at",
        "email_status",
        "attempts",
    )
    list_filter = (
        registry_kind_filter(NOTICE_KINDS, KINDS),
        "email_status",
        ("read_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("title", "user__email", "key")
    list_select_related = ("user", "body")
    raw_id_fields = ("user", "body", "deadline")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    show_full_result_count = False
    exclude = ("kind",)
    readonly_fields = ("kind_label",)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: Notification) -> str:
        return obj.kind_label
