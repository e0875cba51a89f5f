"""The registry's back office for engagements: every body's engagements, teams and findings (read-only), and the
registry's rotation exemptions (recorded by staff)."""

from django.contrib import admin  # noqa: F401

# --- engagements, teams and gates (H9) ---
# isort: split
from typing import Any as _Any

from django import forms as _forms  # noqa: E402, RUF100
from django.contrib import admin as _engagements_admin  # noqa: E402, RUF100
from django.http import HttpRequest as _HttpRequest  # noqa: E402, RUF100
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402, RUF100

from core.admin import StaffReadOnlyAdmin as _EngagementsReadOnlyAdmin  # noqa: E402, RUF100
from core.admin import StaffReadOnlyInline as _EngagementsReadOnlyInline  # noqa: E402, RUF100
from core.permissions import is_registry_staff as _is_registry_staff  # noqa: E402, RUF100

from .models import Engagement as _Engagement  # noqa: E402, RUF100
from .models import RotationExemption as _RotationExemption  # noqa: E402, RUF100
from .models import TeamMember as _TeamMember  # noqa: E402, RUF100
from .services import rotation_exemption_record as _exemption_record  # noqa: E402, RUF100
from .services import rotation_exemption_update as _exemption_update  # noqa: E402, RUF100


class TeamMemberInline(_EngagementsReadOnlyInline):
    model = _TeamMember
    fields = ("membership", "role", "declaration", "added_by", "created_at")


@_engagements_admin.register(_Engagement)
class EngagementAdmin(_EngagementsReadOnlyAdmin):
    """Every body's engagements with their teams (read-only): bodies plan them in the portal and the API."""

    list_display = ("reference", "body", "kind", "client", "planned_start", "planned_end", "status")
    list_filter = (
        ("body", _engagements_admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "planned_start",
        "same_body_validated",
    )
    search_fields = ("reference", "client__legal_name", "project__registry_number", "body__legal_name")
    list_select_related = ("body", "client")
    date_hierarchy = "planned_start"
    inlines = (TeamMemberInline,)


class RotationExemptionForm(_forms.ModelForm):
    class Meta:
        model = _RotationExemption
        fields = ["body", "project", "reason", "valid_until"]

    def clean(self) -> dict[str, _Any]:
        data = super().clean()
        body, project = data.get("body"), data.get("project")
        if body is not None and project is not None and project.body_id != body.pk:
            self.add_error("project", _lazy("The project is not a project of this body."))
        return data


@_engagements_admin.register(_RotationExemption)
class RotationExemptionAdmin(_engagements_admin.ModelAdmin):
    """The registry's exemptions from the verification rotation limit, recorded and changed by staff through
    the services (audited)."""

    form = RotationExemptionForm
    list_display = ("project", "body", "valid_until", "granted_by", "created_at")
    list_filter = (("body", _engagements_admin.RelatedOnlyFieldListFilter), "valid_until")
    search_fields = ("project__registry_number", "project__name", "body__legal_name", "reason")
    list_select_related = ("project", "body", "granted_by")
    autocomplete_fields = ()
    readonly_fields = ("granted_by", "created_at", "updated_at")

    def get_fields(self, request: _HttpRequest, obj: _Any = None) -> list[str]:
        if obj is None:
            return ["body", "project", "reason", "valid_until"]
        return ["body", "project", "reason", "valid_until", "granted_by", "created_at"]

    def get_readonly_fields(self, request: _HttpRequest, obj: _Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("body", "project", "granted_by", "created_at")

    def has_module_permission(self, request: _HttpRequest) -> bool:
        return _is_registry_staff(request.user)

    def has_view_permission(self, request: _HttpRequest, obj: _Any = None) -> bool:
        return _is_registry_staff(request.user)

    def has_add_permission(self, request: _HttpRequest) -> bool:
        return _is_registry_staff(request.user)

    def has_change_permission(self, request: _HttpRequest, obj: _Any = None) -> bool:
        return _is_registry_staff(request.user)

    def has_delete_permission(self, request: _HttpRequest, obj: _Any = None) -> bool:
        return False

    def save_model(self, request: _HttpRequest, obj: _Any, form: _Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = _exemption_update(
                actor=request.user,  # type: ignore[arg-type]
                exemption=obj,
                reason=data["reason"],
                valid_until=data.get("valid_until"),
            )
        else:
            saved = _exemption_record(
                actor=request.user,  # type: ignore[arg-type]
                body=data["body"],
                project=data["project"],
                reason=data["reason"],
                valid_until=data.get("valid_until"),
            )
            obj.pk = saved.pk
            obj._state.adding = False
        obj.granted_by_id = saved.granted_by_id


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
