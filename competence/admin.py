"""Registry staff see every body's people and competences, with filters (read-only: bodies keep their own)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline

from .models import (
    CompetenceEvidence,
    CompetenceRecord,
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)


class EvidenceInline(StaffReadOnlyInline):
    model = CompetenceEvidence
    fields = ("description", "file", "sha256", "uploaded_by", "uploaded_at")


@admin.register(CompetenceRecord)
class CompetenceRecordAdmin(StaffReadOnlyAdmin):
    list_display = ("person", "body", "standard", "sector", "role", "status", "evaluated_on", "valid_until")
    list_filter = (
        "status",
        "role",
        "standard",
        "sector__scheme",
        ("body", admin.RelatedOnlyFieldListFilter),
        "valid_until",
    )
    search_fields = ("person__full_name", "person__email", "body__legal_name", "sector__code", "sector__name")
    list_select_related = ("person", "body", "standard", "sector")
    date_hierarchy = "valid_until"
    inlines = (EvidenceInline,)


@admin.register(TrainingEntry)
class TrainingEntryAdmin(StaffReadOnlyAdmin):
    list_display = ("membership", "title", "kind", "completed_on", "hours")
    list_filter = ("kind", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "provider", "membership__user__full_name")
    list_select_related = ("membership__user", "membership__body")


@admin.register(WitnessedAudit)
class WitnessedAuditAdmin(StaffReadOnlyAdmin):
    list_display = ("membership", "witnessed_on", "standard", "sector", "outcome", "witnessed_by")
    list_filter = ("outcome", "standard", ("body", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("membership__user", "membership__body", "standard", "sector", "witnessed_by")


@admin.register(PeriodicEvaluation)
class PeriodicEvaluationAdmin(StaffReadOnlyAdmin):
    list_display = ("membership", "evaluated_on", "outcome", "next_due_on", "evaluated_by")
    list_filter = ("outcome", ("body", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("membership__user", "membership__body", "evaluated_by")
