"""Registry staff see every body's import batches (read-only: bodies upload and apply their own)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import StaffReadOnlyAdmin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(StaffReadOnlyAdmin):
    list_display = (
        "filename",
        "kind",
        "body",
        "status",
        "row_count",
        "error_count",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "status", ("body", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("body", "created_by")
    exclude = ("rows",)  # every row of the file: too long for a page; the preview shows them
