"""The registry's back office for engagements: every body's engagements, teams and findings (read-only), and the
registry's rotation exemptions (recorded by staff)."""

from django.contrib import admin  # noqa: F401

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
# isort: split
from django.contrib import admin as _findings_admin  # noqa: E402, RUF100

from core.admin import StaffReadOnlyAdmin as _FindingsReadOnlyAdmin  # noqa: E402, RUF100
from core.admin import StaffReadOnlyInline as _FindingsReadOnlyInline  # noqa: E402, RUF100

from .models import Finding as _Finding  # noqa: E402, RUF100
from .models import FindingEvidence as _FindingEvidence  # noqa: E402, RUF100
from .models import FindingResponse as _FindingResponse  # noqa: E402, RUF100


class FindingResponseInline(_FindingsReadOnlyInline):
    model = _FindingResponse
    fields = (
        "version",
        "root_cause",
        "correction",
        "corrective_action",
        "submitted_by",
        "outcome",
        "comment",
    )


class FindingEvidenceInline(_FindingsReadOnlyInline):
    model = _FindingEvidence
    fields = ("filename", "size", "sha256", "response", "uploaded_by", "created_at")


@_findings_admin.register(_Finding)
class FindingAdmin(_FindingsReadOnlyAdmin):
    """Every body's findings with the client's responses and the evidence files (read-only)."""

    list_display = ("number", "engagement", "body", "kind", "clause", "status", "due_on", "rounds")
    list_filter = ("status", "kind", ("body", _findings_admin.RelatedOnlyFieldListFilter), "due_on")
    search_fields = ("clause", "statement", "engagement__reference", "body__legal_name")
    list_select_related = ("engagement", "body")
    date_hierarchy = "due_on"
    inlines = (FindingResponseInline, FindingEvidenceInline)
