"""Registry staff see every body's import batches (read-only: bodies upload and apply their own)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import StaffReadOnlyAdmin
from core.admin_labels import registry_kind_filter
from core.labels import registry_label

from .models import ImportBatch
from .registry import KINDS


@admin.register(ImportBatch)
class ImportBatchAdmin(StaffReadOnlyAdmin):
    list_display = (
        "filename",
        "kind_label",
        "body",
        "status",
        "row_count",
        "error_count",
        "created_by",
        "created_at",
    )
    list_filter = (registry_kind_filter(KINDS), "status", ("body", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("body", "created_by")
    exclude = ("rows", "kind")  # every row of the file: too long for a page; the preview shows them
    readonly_fields = ("kind_label",)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: ImportBatch) -> str:
        return registry_label(KINDS, obj.kind)
