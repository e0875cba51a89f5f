"""The numbering settings' form (a body administrator): one pattern per kind."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import NumberingKind


class NumberingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Numbers for"), choices=NumberingKind.choices, widget=forms.HiddenInput)
    pattern = forms.CharField(
        label=_("Pattern"),
        max_length=60,
        help_text=_("Placeholders: {body}, {year} and {seq} (with a width: {seq:05d}); {seq} exactly once."),
    )
