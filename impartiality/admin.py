"""The registry's back office for impartiality: every body's declarations (read-only), every body's register
and committee (read-only), and the registry's own register (kept by staff)."""

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
from django.contrib import admin as _h2a_admin
from django.http import HttpRequest as _H2aHttpRequest

from core.admin import StaffReadOnlyAdmin as _H2aStaffReadOnlyAdmin
from core.admin import StaffReadOnlyInline as _H2aStaffReadOnlyInline
from core.permissions import is_registry_staff as _h2a_is_registry_staff

from .models.declarations import Declaration as _Declaration
from .models.declarations import Relationship as _Relationship


class RelationshipInline(_H2aStaffReadOnlyInline):
    model = _Relationship

    def has_view_permission(self, request: _H2aHttpRequest, obj: object = None) -> bool:
        # registry staff read every body's declarations, relationships included (the rule of the page above)
        return _h2a_is_registry_staff(request.user)

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


@_h2a_admin.register(_Declaration)
class DeclarationAdmin(_H2aStaffReadOnlyAdmin):
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
        ("body", _h2a_admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "review_outcome",
        "valid_until",
    )
    search_fields = ("declarant__full_name", "declarant__email", "body__legal_name")
    list_select_related = ("declarant", "body")
    inlines = (RelationshipInline,)


# conflicts (H2b)
from django.contrib import admin as _h2b_admin  # noqa: E402
from django.http import HttpRequest as _H2bHttpRequest  # noqa: E402
from django.utils.translation import gettext_lazy as _h2b_lazy  # noqa: E402

from core.admin import StaffReadOnlyAdmin as _H2bStaffReadOnlyAdmin  # noqa: E402
from core.admin_labels import choices_column as _h2b_choices_column  # noqa: E402

from .models.declarations import ConflictOverride as _ConflictOverride  # noqa: E402
from .models.declarations import ImpartialityPolicy as _ImpartialityPolicy  # noqa: E402
from .services.conflicts import ConflictRule as _ConflictRule  # noqa: E402


class _RuleFilter(_h2b_admin.SimpleListFilter):
    title = _h2b_lazy("conflict")
    parameter_name = "rule"

    def lookups(self, request: _H2bHttpRequest, model_admin: object) -> list[tuple[str, object]]:
        return list(_ConflictRule.choices)

    def queryset(self, request: _H2bHttpRequest, queryset: object) -> object:
        value = self.value()
        return queryset.filter(rule=value) if value else queryset  # type: ignore[attr-defined]


@_h2b_admin.register(_ConflictOverride)
class ConflictOverrideAdmin(_H2bStaffReadOnlyAdmin):
    """Every body's overrides of conflicts of interest, with who overrode, when and why (read-only: a body's
    override role records them through the conflict service)."""

    rule_label = _h2b_choices_column("rule", _h2b_lazy("conflict"), _ConflictRule.choices)
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
    list_filter = (("body", _h2b_admin.RelatedOnlyFieldListFilter), _RuleFilter, "starts_on")
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


@_h2b_admin.register(_ImpartialityPolicy)
class ImpartialityPolicyAdmin(_H2bStaffReadOnlyAdmin):
    """Which role of each body may override a conflict (bodies without a row keep body administrators)."""

    list_display = ("body", "override_role", "updated_at")
    list_select_related = ("body",)
    search_fields = ("body__legal_name",)


# --- risk registers and committee (H3) ---
from typing import Any as _Any  # noqa: E402

from django import forms as _forms  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib import messages as _messages  # noqa: E402
from django.db.models import QuerySet as _QuerySet  # noqa: E402
from django.http import HttpRequest as _HttpRequest  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402
from django.utils.translation import ngettext as _ngettext  # noqa: E402

from accounts.models import User as _User  # noqa: E402
from core.admin import StaffReadOnlyAdmin as _StaffReadOnlyAdmin  # noqa: E402
from core.admin import StaffReadOnlyInline as _StaffReadOnlyInline  # noqa: E402
from core.errors import TransitionNotAllowed as _TransitionNotAllowed  # noqa: E402
from core.errors import ValidationError as _ValidationError  # noqa: E402
from core.permissions import is_registry_staff as _is_registry_staff  # noqa: E402

from .models.register import CommitteeAction, CommitteeMeeting, RegistryRisk, Risk  # noqa: E402
from .services.register import (  # noqa: E402
    RISK_FIELDS,
    register_today,
    registry_risk_create,
    review_date_limit,
    risk_review,
    risk_update,
    risk_validate,
)


class RegistryRiskForm(_forms.ModelForm):  # type: ignore[type-arg]
    """The registry's own risk: the service's rules are checked with the form (so they show on its fields), and
    the save goes through the service (audited on the registry's chain)."""

    class Meta:
        model = RegistryRisk
        fields = list(RISK_FIELDS)
        widgets = {"next_review_on": _forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: _Any, **kwargs: _Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _User.objects.filter(is_staff=True, is_active=True).order_by(  # type: ignore[attr-defined]
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
        except _ValidationError as exc:
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

    @admin.display(description=_lazy("rating"))
    def rating_column(self, risk: RegistryRisk) -> int:
        return risk.rating

    def has_module_permission(self, request: _HttpRequest) -> bool:
        return _is_registry_staff(request.user)

    def has_view_permission(self, request: _HttpRequest, obj: _Any = None) -> bool:
        return _is_registry_staff(request.user)

    def has_add_permission(self, request: _HttpRequest) -> bool:
        return _is_registry_staff(request.user)

    def has_change_permission(self, request: _HttpRequest, obj: _Any = None) -> bool:
        return _is_registry_staff(request.user) and (obj is None or obj.status == RegistryRisk.Status.OPEN)

    def has_delete_permission(self, request: _HttpRequest, obj: _Any = None) -> bool:
        return False

    def save_model(self, request: _HttpRequest, obj: RegistryRisk, form: _Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in RISK_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: values[name] for name in form.changed_data if name in values}
            saved = risk_update(risk=RegistryRisk.objects.get(pk=obj.pk), actor=request.user, fields=changed)
        else:
            saved = registry_risk_create(actor=request.user, fields=values)
            obj.pk = saved.pk
            obj._state.adding = False
        obj.status, obj.last_reviewed_on = saved.status, saved.last_reviewed_on

    @admin.action(description=_lazy("Record a review today (next review the latest allowed)"))
    def review_today(self, request: _HttpRequest, queryset: _QuerySet[RegistryRisk]) -> None:
        next_review_on = review_date_limit(register_today(None))
        done = 0
        for risk in queryset:
            try:
                risk_review(risk=risk, actor=request.user, next_review_on=next_review_on)
                done += 1
            except (_TransitionNotAllowed, _ValidationError) as exc:
                self.message_user(request, f"{risk}: {getattr(exc, 'message', exc)}", _messages.ERROR)
        if done:
            self.message_user(
                request,
                _ngettext(
                    "%(count)d risk marked reviewed today.", "%(count)d risks marked reviewed today.", done
                )
                % {"count": done},
            )


@admin.register(Risk)
class RiskAdmin(_StaffReadOnlyAdmin):
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


class CommitteeActionInline(_StaffReadOnlyInline):
    model = CommitteeAction
    fields = ("description", "owner", "due_on", "status", "done_note", "done_at")


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(_StaffReadOnlyAdmin):
    """Every body's impartiality committee meetings, with their actions (read-only)."""

    list_display = ("held_on", "body", "recorded_by")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter), "held_on")
    search_fields = ("conclusions", "body__legal_name")
    list_select_related = ("body", "recorded_by")
    date_hierarchy = "held_on"
    inlines = (CommitteeActionInline,)


@admin.register(CommitteeAction)
class CommitteeActionAdmin(_StaffReadOnlyAdmin):
    """Every body's committee actions with their owners, due dates and status (read-only)."""

    list_display = ("description_short", "body", "owner", "due_on", "status")
    list_filter = ("status", ("body", admin.RelatedOnlyFieldListFilter), "due_on")
    search_fields = ("description", "body__legal_name")
    list_select_related = ("body", "owner__user", "owner__body")

    @admin.display(description=_lazy("action"))
    def description_short(self, action: CommitteeAction) -> str:
        return action.description[:80]
