"""The decision page's form: the kinds that apply to the engagement or certificate, the rationale, the day, the
scope, and for an opinion the quantities per vintage (a formset). `decision_record` checks everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import DecisionKind


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"))
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    scope = forms.CharField(
        label=_("Scope decided"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a grant or a change of scope; the engagement's scope when left empty."),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, DecisionKind(kind).label) for kind in kinds]


class QuantityForm(forms.Form):
    vintage = forms.IntegerField(label=_("Vintage"), min_value=1900, max_value=2200)
    reductions = forms.DecimalField(
        label=_("Reductions (tCO₂e)"), max_digits=14, decimal_places=3, min_value=0
    )
    removals = forms.DecimalField(
        label=_("Removals (tCO₂e)"), max_digits=14, decimal_places=3, min_value=0, required=False
    )


QuantityFormSet = forms.formset_factory(QuantityForm, extra=0, min_num=0, max_num=50, validate_max=True)


def quantity_formset(data: Any = None, *, vintages: list[int]) -> Any:
    """One row per year of the monitoring period (prefilled vintages), blank rows skipped."""
    initial = [{"vintage": year} for year in vintages]
    return QuantityFormSet(data, initial=initial, prefix="quantities")
