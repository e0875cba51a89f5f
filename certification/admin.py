"""The registry's back office for certification: read-only across bodies."""

from __future__ import annotations

from django.contrib import admin

from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline

from .models import (
    Certificate,
    CertificateVersion,
    CertSearchUpload,
    Decision,
    ProgrammeDue,
    Proposal,
    Review,
    ReviewComment,
    Statement,
    StatementQuantity,
    VerificationCount,
)


# --- reviews and decisions ---
class ReviewCommentInline(StaffReadOnlyInline):
    model = ReviewComment
    fields = ("round", "text", "written_by", "answer", "answered_by", "answered_at", "resolved")
    ordering = ("round", "created_at")


@admin.register(Review)
class ReviewAdmin(StaffReadOnlyAdmin):
    """Every body's independent reviews with their comments by round (read-only)."""

    list_display = ("engagement", "body", "reviewer", "status", "round", "completed_at")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "status")
    search_fields = ("engagement__reference", "body__legal_name", "reviewer__user__email")
    list_select_related = ("engagement", "body", "reviewer__user")
    inlines = (ReviewCommentInline,)


@admin.register(Decision)
class DecisionAdmin(StaffReadOnlyAdmin):
    """Every body's decisions and opinions with their rationale and decision maker (read-only)."""

    list_display = ("decided_on", "kind", "body", "engagement", "certificate", "statement", "decided_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "kind")
    search_fields = ("engagement__reference", "certificate__number", "statement__number", "body__legal_name")
    list_select_related = ("body", "engagement", "certificate", "statement", "decided_by__user")
    date_hierarchy = "decided_on"


class StatementQuantityInline(StaffReadOnlyInline):
    model = StatementQuantity
    fields = ("vintage", "period_start", "period_end", "reductions", "removals")
    ordering = ("vintage",)


@admin.register(Statement)
class StatementAdmin(StaffReadOnlyAdmin):
    """Every body's validation and verification statements with their quantities per vintage (read-only)."""

    list_display = ("number", "body", "engagement", "opinion", "issued_on", "status")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "opinion", "status")
    search_fields = ("number", "engagement__reference", "body__legal_name")
    list_select_related = ("body", "engagement")
    date_hierarchy = "issued_on"
    inlines = (StatementQuantityInline,)


# --- certificates, programme and proposals ---
class CertificateVersionInline(StaffReadOnlyInline):
    model = CertificateVersion
    fields = ("version", "status", "scope", "issued_on", "expires_on", "cycle", "decision")
    ordering = ("-version",)


@admin.register(Certificate)
class CertificateAdmin(StaffReadOnlyAdmin):
    """Every body's certificates with every version (read-only): bodies change them by recorded decisions."""

    list_display = ("number", "body", "client", "standard", "status", "issued_on", "expires_on", "cycle")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "status", "standard", "confidential")
    search_fields = ("number", "client__legal_name", "body__legal_name")
    list_select_related = ("body", "client", "standard")
    date_hierarchy = "expires_on"
    inlines = (CertificateVersionInline,)


@admin.register(ProgrammeDue)
class ProgrammeDueAdmin(StaffReadOnlyAdmin):
    """The certification programme's dates of every body (read-only)."""

    list_display = ("certificate", "body", "kind", "sequence", "cycle", "window_from", "due_on", "status")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "kind", "status")
    search_fields = ("certificate__number", "certificate__client__legal_name", "body__legal_name")
    list_select_related = ("certificate", "body")
    date_hierarchy = "due_on"


@admin.register(Proposal)
class ProposalAdmin(StaffReadOnlyAdmin):
    """What the platform proposed to every body's decision makers, and what became of it (read-only)."""

    list_display = ("certificate", "body", "kind", "status", "created_at", "closed_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "kind", "status")
    search_fields = ("certificate__number", "body__legal_name", "reason")
    list_select_related = ("certificate", "body", "closed_by")


# --- public verification and CertSearch ---
@admin.register(CertSearchUpload)
class CertSearchUploadAdmin(StaffReadOnlyAdmin):
    """Every body's uploads to IAF CertSearch and what IAF CertSearch answered (read-only)."""

    list_display = ("created_at", "body", "status", "response_code", "certificate_count", "sent_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "status")
    search_fields = ("body__legal_name", "message")
    list_select_related = ("body", "sent_by")
    date_hierarchy = "created_at"


@admin.register(VerificationCount)
class VerificationCountAdmin(StaffReadOnlyAdmin):
    """Public verifications of each body's certificates and statements, per day (read-only)."""

    list_display = ("day", "body", "count")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("body__legal_name",)
    list_select_related = ("body",)
    date_hierarchy = "day"
