"""Portal forms for engagements: the list's filters, the engagement (create and edit), the team, the audit time
entered by hand, the reasons and the reviewer. Forms parse input; the services hold every rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Body, Membership, Role
from clients.selectors import client_list, project_list, site_list
from reference.models import Activity, Sector, Standard

from ..models import AssuranceLevel, AuditMode, Engagement, EngagementKind, EngagementStatus
from ..models.engagements import TEAM_ROLES

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})


def _person(membership: Membership) -> str:
    """A person in a choice list of their own body: the name (the body is the page's)."""
    return membership.user.full_name or membership.user.email


class EngagementFilterForm(forms.Form):
    """The list's filters (an invalid one answers 400 with its message)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *EngagementKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *EngagementStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    client = forms.ModelChoiceField(
        label=_("Client"),
        required=False,
        queryset=client_list().none(),
        empty_label=_("Any client"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    person = forms.ModelChoiceField(
        label=_("Person on the team"),
        required=False,
        queryset=Membership.objects.none(),
        empty_label=_("Anyone"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_after = forms.DateField(label=_("Starting from"), required=False, widget=DATE)
    starts_before = forms.DateField(label=_("Starting until"), required=False, widget=DATE)

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_list().prefetch_related(None).for_body(body)  # type: ignore[attr-defined]
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(body=body).select_related("user").order_by("user__full_name")
        )
        self.fields["person"].label_from_instance = _person  # type: ignore[attr-defined]


class EngagementForm(forms.ModelForm):
    """An engagement's fields; the kind decides which apply (the service says which do not)."""

    class Meta:
        model = Engagement
        fields = [
            "kind",
            "client",
            "project",
            "activity",
            "standard",
            "sector",
            "criteria",
            "scope",
            "sites",
            "previous_stage",
            "planned_start",
            "planned_end",
            "mode",
            "level_of_assurance",
            "materiality_percent",
            "monitoring_period_start",
            "monitoring_period_end",
            "internal_notes",
        ]
        widgets = {
            "planned_start": DATE,
            "planned_end": DATE,
            "monitoring_period_start": DATE,
            "monitoring_period_end": DATE,
            "scope": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "project": _("Validations and verifications: the project (its proponent is the client)."),
            "materiality_percent": _("Verifications: empty for the default."),
            "previous_stage": _("Stage 2 audits: the stage 1 audit it follows."),
            "sites": _("Management-system work: the client's sites visited."),
        }

    def __init__(self, *args: Any, body: Body, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_list().prefetch_related(None).for_body(body)  # type: ignore[attr-defined]
        self.fields["project"].queryset = project_list().for_body(body)  # type: ignore[attr-defined]
        self.fields["sites"].queryset = site_list().for_body(body)  # type: ignore[attr-defined]
        self.fields["previous_stage"].queryset = Engagement.objects.for_body(body).filter(  # type: ignore[attr-defined]
            kind=EngagementKind.STAGE_1
        )
        self.fields["activity"].queryset = Activity.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["standard"].queryset = Standard.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["sector"].queryset = Sector.objects.filter(is_current=True).order_by("sort_key")  # type: ignore[attr-defined]
        self.fields["level_of_assurance"].choices = [("", "—"), *AssuranceLevel.choices]  # type: ignore[attr-defined]
        self.fields["mode"].choices = AuditMode.choices  # type: ignore[attr-defined]
        if editing:
            for name in ("kind", "client", "project", "activity", "standard", "sector", "previous_stage"):
                del self.fields[name]

    def _post_clean(self) -> None:
        """The service validates the instance (the kind's rules); the form only parses."""

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("sites") is not None:
            data["sites"] = list(data["sites"])
        return data


class TeamMemberForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Membership.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=TEAM_ROLES, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.active().filter(body=body).select_related("user").order_by("user__full_name")
        )
        self.fields["membership"].label_from_instance = _person  # type: ignore[attr-defined]


class CandidateRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=TEAM_ROLES,
        initial=Role.AUDITOR,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Independent reviewer"), queryset=Membership.objects.none())

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.active()
            .with_role(Role.INDEPENDENT_REVIEWER)
            .filter(body=body)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["reviewer"].label_from_instance = _person  # type: ignore[attr-defined]


class AuditTimeForm(forms.Form):
    days = forms.DecimalField(
        label=_("Audit time (person-days)"), max_digits=6, decimal_places=1, min_value=0
    )
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))
