"""Forms of the conflict check, its overrides and the body's impartiality policy. They parse input only; the
rules (one counterparty of the body, the period, who may override what) are `impartiality.services`'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership, Role

from ..services.conflicts import ABSOLUTE, ConflictRule


def _date_widget() -> forms.DateInput:
    # an HTML date input always speaks ISO 8601, whatever the page's language
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user = obj.user
        return f"{user.full_name} ({user.email})" if user.full_name else str(user.email)


class ConflictCheckForm(forms.Form):
    """Who, with whom (a client, or a project with its proponent and consultant), on which dates. Sent by GET:
    a check changes nothing, and its address can be shared."""

    person = PersonChoiceField(label=_("Person"), queryset=Membership.objects.none())
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, required=False, help_text=_("Or a project.")
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=None,
        required=False,
        help_text=_("A project brings its proponent and its consultant."),
    )
    starts_on = forms.DateField(label=_("First planned day"), widget=_date_widget())
    ends_on = forms.DateField(label=_("Last planned day"), widget=_date_widget())

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Membership],
        clients: QuerySet[Any],
        projects: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "membership": data["person"],
            "client": data.get("client"),
            "project": data.get("project"),
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }


class ConflictOverrideForm(ConflictCheckForm):
    """The check's question (hidden, from the check page) plus the rule to override and why."""

    rule = forms.ChoiceField(
        label=_("Conflict"),
        choices=[(rule, label) for rule, label in ConflictRule.choices if rule not in ABSOLUTE],
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this conflict is allowed for this person, counterparty and period."),
    )


class ImpartialityPolicyForm(forms.Form):
    override_role = forms.ChoiceField(
        label=_("Role that may override a conflict of interest"),
        choices=Role.choices,
        help_text=_(
            "People of the body holding this role may override a conflict the conflict check finds, with a "
            "written justification. Never a conflict of their own, never cooling-off or current employment."
        ),
    )
