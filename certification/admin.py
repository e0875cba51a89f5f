"""The registry's back office for certification: read-only across bodies."""

from __future__ import annotations

from django.contrib import admin

# --- reviews and decisions (H6) ---
# isort: off
from . import admin_reviews  # noqa: F401 (reviews, decisions and statements, read-only)

# isort: on
# --- certificates, statements, programme and proposals (H7) ---
from core.admin import StaffReadOnlyAdmin as _H7ReadOnlyAdmin
from core.admin import StaffReadOnlyInline as _H7ReadOnlyInline

from .models import Certificate, CertificateVersion, ProgrammeDue, Proposal


class CertificateVersionInline(_H7ReadOnlyInline):
    model = CertificateVersion
    fields = ("version", "status", "scope", "issued_on", "expires_on", "cycle", "decision")
    ordering = ("-version",)


@admin.register(Certificate)
class CertificateAdmin(_H7ReadOnlyAdmin):
    """Every body's certificates with every version (read-only): bodies change them by recorded decisions."""

    list_display = ("number", "body", "client", "standard", "status", "issued_on", "expires_on", "cycle")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "status", "standard", "confidential")
    search_fields = ("number", "client__legal_name", "body__legal_name")
    list_select_related = ("body", "client", "standard")
    date_hierarchy = "expires_on"
    inlines = (CertificateVersionInline,)


@admin.register(ProgrammeDue)
class ProgrammeDueAdmin(_H7ReadOnlyAdmin):
    """The certification programme's dates of every body (read-only)."""

    list_display = ("certificate", "body", "kind", "sequence", "cycle", "window_from", "due_on", "status")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "kind", "status")
    search_fields = ("certificate__number", "certificate__client__legal_name", "body__legal_name")
    list_select_related = ("certificate", "body")
    date_hierarchy = "due_on"


@admin.register(Proposal)
class ProposalAdmin(_H7ReadOnlyAdmin):
    """What the platform proposed to every body's decision makers, and what became of it (read-only)."""

    list_display = ("certificate", "body", "kind", "status", "created_at", "closed_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "kind", "status")
    search_fields = ("certificate__number", "body__legal_name", "reason")
    list_select_related = ("certificate", "body", "closed_by")


# --- numbering, public verification, CertSearch (H8) ---
from .models import CertSearchUpload as _H8CertSearchUpload  # noqa: E402
from .models import VerificationCount as _H8VerificationCount  # noqa: E402


@admin.register(_H8CertSearchUpload)
class CertSearchUploadAdmin(_H7ReadOnlyAdmin):
    """Every body's uploads to IAF CertSearch and what IAF CertSearch answered (read-only)."""

    list_display = ("created_at", "body", "status", "response_code", "certificate_count", "sent_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "status")
    search_fields = ("body__legal_name", "message")
    list_select_related = ("body", "sent_by")
    date_hierarchy = "created_at"


@admin.register(_H8VerificationCount)
class VerificationCountAdmin(_H7ReadOnlyAdmin):
    """Public verifications of each body's certificates and statements, per day (read-only)."""

    list_display = ("day", "body", "count")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("body__legal_name",)
    list_select_related = ("body",)
    date_hierarchy = "day"
