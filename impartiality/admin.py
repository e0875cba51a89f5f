"""The registry's back office for impartiality: every body's declarations of interest, conflict overrides and
impartiality policies (read-only), every body's risk register and committee (read-only), and the registry's own
risk register (kept by staff through the services)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline
from core.admin_labels import choices_column
from core.errors import TransitionNotAllowed, ValidationError
from core.permissions import is_registry_staff

from .models import (
    CommitteeAction,
    CommitteeMeeting,
    ConflictOverride,
    Declaration,
    ImpartialityPolicy,
    RegistryRisk,
    Relationship,
    Risk,
)
from .services import (
    RISK_FIELDS,
    ConflictRule,
    register_today,
    registry_risk_create,
    review_date_limit,
    risk_review,
    risk_update,
    risk_validate,
)

# declarations


class RelationshipInline(StaffReadOnlyInline):
    model = Relationship
    fields = (
        "kind",
        "counterparty_kind",
        "client",
        "project",
        "counterparty_name",
        "started_on",
        "ended_on",
        "description",
    )

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # registry staff read every body's declarations, relationships included (the rule of the page above)
        return is_registry_staff(request.user)


@admin.register(Declaration)
class DeclarationAdmin(StaffReadOnlyAdmin):
    """Every body's declarations of interest with their relationships and reviews (read-only: the people and
    their reviewers keep them)."""

    list_display = (
        "declarant",
        "body",
        "kind",
        "version",
        "status",
        "review_outcome",
        "submitted_on",
        "valid_until",
    )
    list_filter = (
        ("body", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "review_outcome",
        "valid_until",
    )
    search_fields = ("declarant__full_name", "declarant__email", "body__legal_name")
    list_select_related = ("declarant", "body")
    inlines = (RelationshipInline,)


# conflicts


class _RuleFilter(admin.SimpleListFilter):
    title = _("conflict")
    parameter_name = "rule"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, object]]:
        return list(ConflictRule.choices)

    def queryset(self, request: HttpRequest, queryset: object) -> object:
        value = self.value()
        return queryset.filter(rule=value) if value else queryset  # type: ignore[attr-defined]


@admin.register(ConflictOverride)
class ConflictOverrideAdmin(StaffReadOnlyAdmin):
    """Every body's overrides of conflicts of interest, with who overrode, when and why (read-only: a body's
    override role records them through the conflict service)."""

    rule_label = choices_column("rule", _("conflict"), ConflictRule.choices)
    list_display = (
        "membership",
        "body",
        "rule_label",
        "client",
        "project",
        "starts_on",
        "ends_on",
        "overridden_by",
    )
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), _RuleFilter, "starts_on")
    search_fields = (
        "membership__user__full_name",
        "membership__user__email",
        "body__legal_name",
        "justification",
    )
    list_select_related = (
        "membership__user",
        "membership__body",
        "body",
        "client",
        "project",
        "overridden_by",
    )


@admin.register(ImpartialityPolicy)
class ImpartialityPolicyAdmin(StaffReadOnlyAdmin):
    """Which role of each body may override a conflict (bodies without a row keep body administrators)."""

    list_display = ("body", "override_role", "updated_at")
    list_select_related = ("body",)
    search_fields = ("body__legal_name",)


# risk register and committee


class RegistryRiskForm(forms.ModelForm):  # type: ignore[type-arg]
    """The registry's own risk: the service's rules are checked with the form (so they show on its fields), and
    the save goes through the service (audited on the registry's chain)."""

    class Meta:
        model = RegistryRisk
        fields = list(RISK_FIELDS)
        widgets = {"next_review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_staff=True, is_active=True).order_by(  # type: ignore[attr-defined]
            "full_name", "email"
        )
        if not self.instance.pk:
            self.fields["next_review_on"].initial = review_date_limit(register_today(None))

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        changed = self.changed_data if self.instance.pk else RISK_FIELDS
        try:
            risk_validate(self.instance, changed=[name for name in changed if name in RISK_FIELDS])
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(RegistryRisk)
class RegistryRiskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The registry's own impartiality register, kept by registry staff: added and changed through the services
    (rules, audit trail), reviewed with the action "Record a review today"."""

    form = RegistryRiskForm
    list_display = (
        "title",
        "threat",
        "likelihood",
        "impact",
        "rating_column",
        "owner",
        "last_reviewed_on",
        "next_review_on",
        "status",
    )
    list_filter = ("status", "threat", "source_kind", "next_review_on")
    search_fields = ("title", "source", "mitigation")
    list_select_related = ("owner",)
    readonly_fields = ("status", "last_reviewed_on", "created_at", "updated_at")
    actions = ("review_today",)

    @admin.display(description=_("rating"))
    def rating_column(self, risk: RegistryRisk) -> int:
        return risk.rating

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_registry_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_registry_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user) and (obj is None or obj.status == RegistryRisk.Status.OPEN)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RegistryRisk, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in RISK_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: values[name] for name in form.changed_data if name in values}
            saved = risk_update(risk=RegistryRisk.objects.get(pk=obj.pk), actor=request.user, fields=changed)
        else:
            saved = registry_risk_create(actor=request.user, fields=values)
            obj.pk = saved.pk
            obj._state.adding = False
        obj.status, obj.last_reviewed_on = saved.status, saved.last_reviewed_on

    @admin.action(description=_("Record a review today (next review the latest allowed)"))
    def review_today(self, request: HttpRequest, queryset: QuerySet[RegistryRisk]) -> None:
        next_review_on = review_date_limit(register_today(None))
        done = 0
        for risk in queryset:
            try:
                risk_review(risk=risk, actor=request.user, next_review_on=next_review_on)
                done += 1
            except (TransitionNotAllowed, ValidationError) as exc:
                self.message_user(request, f"{risk}: {getattr(exc, 'message', exc)}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d risk marked reviewed today.", "%(count)d risks marked reviewed today.", done
                )
                % {"count": done},
            )


@admin.register(Risk)
class RiskAdmin(StaffReadOnlyAdmin):
    """Every body's impartiality register (read-only: bodies keep their own)."""

    list_display = (
        "title",
        "body",
        "threat",
        "likelihood",
        "impact",
        "owner",
        "last_reviewed_on",
        "next_review_on",
        "status",
    )
    list_filter = (
        "status",
        "threat",
        "source_kind",
        ("body", admin.RelatedOnlyFieldListFilter),
        "next_review_on",
    )
    search_fields = ("title", "source", "body__legal_name")
    list_select_related = ("body", "owner__user", "owner__body")


class CommitteeActionInline(StaffReadOnlyInline):
    model = CommitteeAction
    fields = ("description", "owner", "due_on", "status", "done_note", "done_at")


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(StaffReadOnlyAdmin):
    """Every body's impartiality committee meetings, with their actions (read-only)."""

    list_display = ("held_on", "body", "recorded_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "held_on")
    search_fields = ("conclusions", "body__legal_name")
    list_select_related = ("body", "recorded_by")
    date_hierarchy = "held_on"
    inlines = (CommitteeActionInline,)


@admin.register(CommitteeAction)
class CommitteeActionAdmin(StaffReadOnlyAdmin):
    """Every body's committee actions with their owners, due dates and status (read-only)."""

    list_display = ("description_short", "body", "owner", "due_on", "status")
    list_filter = ("status", ("body", admin.RelatedOnlyFieldListFilter), "due_on")
    search_fields = ("description", "body__legal_name")
    list_select_related = ("body", "owner__user", "owner__body")

    @admin.display(description=_("action"))
    def description_short(self, action: CommitteeAction) -> str:
        return action.description[:80]
