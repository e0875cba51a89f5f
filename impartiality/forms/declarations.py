"""Portal forms of declarations of interest: they parse and offer choices; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Body, Membership
from clients.selectors import client_list, project_list

from ..models import CounterpartyKind, DeclarationKind, DeclarationStatus, RelationshipKind, ReviewOutcome

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _clients(body: Body) -> Any:
    return client_list().for_body(body).order_by("legal_name", "id")


def _projects(body: Body) -> Any:
    return project_list().for_body(body).order_by("name", "id")


class DeclarationStartForm(forms.Form):
    """Which declaration to start: annual, or for one engagement with a client or a project of the body."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DeclarationKind.choices)
    client = forms.ModelChoiceField(label=_("Client"), queryset=client_list().none(), required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=project_list().none(), required=False)

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _clients(body)  # type: ignore[attr-defined]
        self.fields["project"].queryset = _projects(body)  # type: ignore[attr-defined]
        self.fields["client"].help_text = _("Per engagement: the client, or the project below.")


class RelationshipForm(forms.Form):
    """One relationship of a draft: with a client or project of the body, or a counterparty named."""

    kind = forms.ChoiceField(label=_("Relationship"), choices=RelationshipKind.choices)
    counterparty_kind = forms.ChoiceField(label=_("Counterparty"), choices=CounterpartyKind.choices)
    client = forms.ModelChoiceField(
        label=_("Client of the body"), queryset=client_list().none(), required=False
    )
    project = forms.ModelChoiceField(
        label=_("Project of the body"), queryset=project_list().none(), required=False
    )
    counterparty_name = forms.CharField(
        label=_("Or its name"),
        max_length=200,
        required=False,
        help_text=_("For a counterparty the body has no record of."),
    )
    started_on = forms.DateField(label=_("From"), widget=_DATE)
    ended_on = forms.DateField(
        label=_("Until"), widget=_DATE, required=False, help_text=_("Leave empty while it lasts.")
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _clients(body)  # type: ignore[attr-defined]
        self.fields["project"].queryset = _projects(body)  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SubmitForm(forms.Form):
    attest = forms.BooleanField(
        label=_(
            "I attest that this declaration lists every relationship that could threaten my impartiality and is complete and true."
        ),
        required=False,
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    measures = forms.CharField(
        label=_("Mitigation measures"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the conflict is mitigated."),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DeclarationFilterForm(forms.Form):
    """The body's declarations list: by status, kind and person."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *DeclarationStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *DeclarationKind.choices], required=False
    )
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Membership.objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Membership.objects.filter(body=body).select_related("user").order_by("user__full_name", "id")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda m: m.user.full_name or m.user.email  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
