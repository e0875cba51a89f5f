"""The back office's read-only pages of independent reviews, decisions and statements (registered from
`certification.admin`)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import StaffReadOnlyAdmin as _H6ReadOnlyAdmin
from core.admin import StaffReadOnlyInline as _H6ReadOnlyInline

from .models import Decision as _H6Decision
from .models import Review as _H6Review
from .models import ReviewComment as _H6ReviewComment
from .models import Statement as _H6Statement
from .models import StatementQuantity as _H6StatementQuantity


class ReviewCommentInline(_H6ReadOnlyInline):
    model = _H6ReviewComment
    fields = ("round", "text", "written_by", "answer", "answered_by", "answered_at", "resolved")
    ordering = ("round", "created_at")


@admin.register(_H6Review)
class ReviewAdmin(_H6ReadOnlyAdmin):
    """Every body's independent reviews with their comments by round (read-only)."""

    list_display = ("engagement", "body", "reviewer", "status", "round", "completed_at")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "status")
    search_fields = ("engagement__reference", "body__legal_name", "reviewer__user__email")
    list_select_related = ("engagement", "body", "reviewer__user")
    inlines = (ReviewCommentInline,)


@admin.register(_H6Decision)
class DecisionAdmin(_H6ReadOnlyAdmin):
    """Every body's decisions and opinions with their rationale and decision maker (read-only)."""

    list_display = ("decided_on", "kind", "body", "engagement", "certificate", "statement", "decided_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "kind")
    search_fields = ("engagement__reference", "certificate__number", "statement__number", "body__legal_name")
    list_select_related = ("body", "engagement", "certificate", "statement", "decided_by__user")
    date_hierarchy = "decided_on"


class StatementQuantityInline(_H6ReadOnlyInline):
    model = _H6StatementQuantity
    fields = ("vintage", "period_start", "period_end", "reductions", "removals")
    ordering = ("vintage",)


@admin.register(_H6Statement)
class StatementAdmin(_H6ReadOnlyAdmin):
    """Every body's validation and verification statements with their quantities per vintage (read-only)."""

    list_display = ("number", "body", "engagement", "opinion", "issued_on", "status")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "opinion", "status")
    search_fields = ("number", "engagement__reference", "body__legal_name")
    list_select_related = ("body", "engagement")
    date_hierarchy = "issued_on"
    inlines = (StatementQuantityInline,)
