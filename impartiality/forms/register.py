"""Portal forms for the impartiality risk register and the committee. They parse and shape input; the rules
(ratings, review dates, owners, attendees, actions) are the services' (`impartiality/services/register.py`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership

from ..models.register import RATING_SCALE, Risk, RiskSource, RiskStatus, RiskThreat

#: the meeting form's action rows: shown at first, at most (the formset's prefix names the posted fields
#: `actions-0-description`)
ACTION_PREFIX = "actions"
ACTION_ROWS = 1
ACTION_MAX_ROWS = 20


def _date_widget() -> forms.DateInput:
    # an HTML date input always speaks ISO 8601, whatever the page's language
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people_label(membership: Membership) -> str:
    return str(membership.user.full_name or membership.user.email)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _people_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _people_label(obj)


class RiskFilterForm(forms.Form):
    """The register's filters (an invalid one answers 400 with its message)."""

    OVERDUE_CHOICES = [("", _("Any")), ("yes", _("Overdue")), ("no", _("Not overdue"))]

    threat = forms.ChoiceField(
        label=_("Threat"), required=False, choices=[("", _("Any")), *RiskThreat.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *RiskStatus.choices]
    )
    overdue = forms.ChoiceField(label=_("Review"), required=False, choices=OVERDUE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class RiskForm(forms.Form):
    """A risk of the body's register; `owner` among the body's active people."""

    title = forms.CharField(label=_("Risk"), max_length=200)
    source_kind = forms.ChoiceField(label=_("Source"), choices=RiskSource.choices)
    source = forms.CharField(
        label=_("Source described"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The activity, relationship or person the threat comes from."),
    )
    threat = forms.ChoiceField(label=_("Threat"), choices=RiskThreat.choices)
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"), choices=RATING_SCALE, coerce=int, help_text=_("1 (rare) to 5 (almost certain)")
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"), choices=RATING_SCALE, coerce=int, help_text=_("1 (negligible) to 5 (severe)")
    )
    mitigation = forms.CharField(label=_("Mitigation"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoiceField(label=_("Owner"), queryset=Membership.objects.none())
    next_review_on = forms.DateField(
        label=_("Next review"), widget=_date_widget(), help_text=_("At most a year away.")
    )

    def __init__(self, *args: Any, people: QuerySet[Membership], instance: Risk | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name) for name in self.base_fields if name != "owner"
            }
            kwargs["initial"]["owner"] = instance.owner_id
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RiskReviewForm(forms.Form):
    next_review_on = forms.DateField(
        label=_("Next review"),
        widget=_date_widget(),
        help_text=_("The risk is marked reviewed today; its next review is at most a year away."),
    )


class RiskCloseForm(forms.Form):
    reason = forms.CharField(label=_("Why it no longer applies"), widget=forms.Textarea(attrs={"rows": 2}))


class RiskReopenForm(forms.Form):
    next_review_on = forms.DateField(label=_("Next review"), widget=_date_widget())


class ActionForm(forms.Form):
    """One action of a meeting; a row left empty is skipped, a half-filled one is an error on what is missing."""

    description = forms.CharField(label=_("Action"), required=False, max_length=2000)
    owner = PersonChoiceField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=_date_widget())

    def __init__(self, *args: Any, people: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or data.get("owner") or data.get("due_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("description") or data.get("owner") or data.get("due_on")):
            return data
        for name, message in (
            ("description", _("Describe the action.")),
            ("owner", _("Name its owner.")),
            ("due_on", _("Give its due date.")),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data


class BaseActionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def actions(self) -> list[dict[str, Any]]:
        return [
            {
                "description": form.cleaned_data["description"],
                "owner": form.cleaned_data["owner"],
                "due_on": form.cleaned_data["due_on"],
            }
            for form in self.forms
            if form.is_valid() and not form.is_blank()
        ]


ActionFormSet = forms.formset_factory(
    ActionForm,
    formset=BaseActionFormSet,
    extra=ACTION_ROWS,
    max_num=ACTION_MAX_ROWS,
    validate_max=True,
    absolute_max=ACTION_MAX_ROWS,
)


def action_row_form(*, index: int, people: QuerySet[Membership]) -> ActionForm:
    """The blank action row number `index` (what "Add an action" fetches), prefixed as the formset names it."""
    return ActionForm(
        prefix=f"{ACTION_PREFIX}-{index}", people=people, use_required_attribute=False, empty_permitted=True
    )


class MeetingForm(forms.Form):
    """A committee meeting: attendees among the committee's members, the open risks it reviewed, its
    conclusions, and its actions (a formset, `self.actions`)."""

    held_on = forms.DateField(label=_("Held on"), widget=_date_widget())
    attendees = PeopleChoiceField(
        label=_("Attendees"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    risks_reviewed = forms.ModelMultipleChoiceField(
        label=_("Risks reviewed"),
        queryset=Risk.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each is marked reviewed on the meeting's day."),
    )
    next_review_on = forms.DateField(
        label=_("Next review of the risks reviewed"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty for the latest allowed: a year after the meeting."),
    )
    conclusions = forms.CharField(label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Membership],
        risks: QuerySet[Risk],
        people: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]
        self.fields["risks_reviewed"].queryset = risks  # type: ignore[attr-defined]
        self.actions = ActionFormSet(
            self.data if self.is_bound else None, prefix=ACTION_PREFIX, form_kwargs={"people": people}
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.actions.is_valid() and valid

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "attendees": list(data["attendees"]),
            "risks_reviewed": list(data["risks_reviewed"]),
            "conclusions": data["conclusions"],
            "next_review_on": data.get("next_review_on"),
            "actions": self.actions.actions(),
        }


class ActionCompleteForm(forms.Form):
    note = forms.CharField(
        label=_("How it was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
