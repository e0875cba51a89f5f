"""Forms of the certificates, programme and proposals pages: the lists' filters and the few actions' inputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CertificateStatus, DueKind, DueStatus, ProposalStatus

SELECT = {"class": "form-select"}


class CertificateFilterForm(forms.Form):
    """The certificate list's filters (an invalid one answers 400 with its message)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *CertificateStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )
    standard = forms.ModelChoiceField(
        label=_("Standard"),
        required=False,
        queryset=None,
        empty_label=_("Any standard"),
        widget=forms.Select(attrs=SELECT),
    )
    expiring_within = forms.IntegerField(
        label=_("Expiring within (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, standards: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from reference.models import Standard

        self.fields["standard"].queryset = standards if standards is not None else Standard.objects.all()  # type: ignore[attr-defined]


class ProgrammeFilterForm(forms.Form):
    """The programme page's filters."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *DueKind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DueStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_within = forms.IntegerField(
        label=_("Due within (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ProposalStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )


class ProgrammeEngagementForm(forms.Form):
    """The engagement created from a programme date: its planned days (the rest comes from the certificate)."""

    planned_start = forms.DateField(label=_("Planned start"), widget=forms.DateInput(attrs={"type": "date"}))
    planned_end = forms.DateField(label=_("Planned end"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the planned start."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfidentialForm(forms.Form):
    confidential = forms.BooleanField(label=_("Confidential (left out of IAF CertSearch)"), required=False)
