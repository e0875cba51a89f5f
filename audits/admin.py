"""The registry's back office for the audits capability: every body's engagements with their teams, and their
findings with the client's responses and the evidence files (read-only: bodies keep their own through the portal
and the API), and the registry's exemptions from the verification rotation limit (recorded and changed by staff
through the services, audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline
from core.permissions import is_registry_staff

from .models import Engagement, Finding, FindingEvidence, FindingResponse, RotationExemption, TeamMember
from .services import rotation_exemption_record, rotation_exemption_update


# engagements, teams and rotation exemptions
class TeamMemberInline(StaffReadOnlyInline):
    model = TeamMember
    fields = ("membership", "role", "declaration", "added_by", "created_at")


@admin.register(Engagement)
class EngagementAdmin(StaffReadOnlyAdmin):
    """Every body's engagements with their teams (read-only): bodies plan them in the portal and the API."""

    list_display = ("reference", "body", "kind", "client", "planned_start", "planned_end", "status")
    list_filter = (
        ("body", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "planned_start",
        "same_body_validated",
    )
    search_fields = ("reference", "client__legal_name", "project__registry_number", "body__legal_name")
    list_select_related = ("body", "client")
    date_hierarchy = "planned_start"
    inlines = (TeamMemberInline,)


class RotationExemptionForm(forms.ModelForm):
    class Meta:
        model = RotationExemption
        fields = ["body", "project", "reason", "valid_until"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        body, project = data.get("body"), data.get("project")
        if body is not None and project is not None and project.body_id != body.pk:
            self.add_error("project", _("The project is not a project of this body."))
        return data


@admin.register(RotationExemption)
class RotationExemptionAdmin(admin.ModelAdmin):
    """The registry's exemptions from the verification rotation limit, recorded and changed by staff through
    the services (audited)."""

    form = RotationExemptionForm
    list_display = ("project", "body", "valid_until", "granted_by", "created_at")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "valid_until")
    search_fields = ("project__registry_number", "project__name", "body__legal_name", "reason")
    list_select_related = ("project", "body", "granted_by")
    autocomplete_fields = ()
    readonly_fields = ("granted_by", "created_at", "updated_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["body", "project", "reason", "valid_until"]
        return ["body", "project", "reason", "valid_until", "granted_by", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("body", "project", "granted_by", "created_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_registry_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_registry_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = rotation_exemption_update(
                actor=request.user,  # type: ignore[arg-type]
                exemption=obj,
                reason=data["reason"],
                valid_until=data.get("valid_until"),
            )
        else:
            saved = rotation_exemption_record(
                actor=request.user,  # type: ignore[arg-type]
                body=data["body"],
                project=data["project"],
                reason=data["reason"],
                valid_until=data.get("valid_until"),
            )
            obj.pk = saved.pk
            obj._state.adding = False
        obj.granted_by_id = saved.granted_by_id


# findings
class FindingResponseInline(StaffReadOnlyInline):
    model = FindingResponse
    fields = (
        "version",
        "root_cause",
        "correction",
        "corrective_action",
        "submitted_by",
        "outcome",
        "comment",
    )


class FindingEvidenceInline(StaffReadOnlyInline):
    model = FindingEvidence
    fields = ("filename", "size", "sha256", "response", "uploaded_by", "created_at")


@admin.register(Finding)
class FindingAdmin(StaffReadOnlyAdmin):
    """Every body's findings with the client's responses and the evidence files (read-only)."""

    list_display = ("number", "engagement", "body", "kind", "clause", "status", "due_on", "rounds")
    list_filter = ("status", "kind", ("body", admin.RelatedOnlyFieldListFilter), "due_on")
    search_fields = ("clause", "statement", "engagement__reference", "body__legal_name")
    list_select_related = ("engagement", "body")
    date_hierarchy = "due_on"
    inlines = (FindingResponseInline, FindingEvidenceInline)
