"""The calendar's parameters: month or week view, the month (YYYY-MM) or a day of the week, a person. A bad one
answers 400 with its message (core.portal.FilteredListMixin)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Body, Membership

from .engagements import DATE, _person

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CalendarForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=[("month", _("Month")), ("week", _("Week"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
    )
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
    person = forms.ModelChoiceField(
        label=_("Person on the team"),
        required=False,
        queryset=Membership.objects.none(),
        empty_label=_("Anyone"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(body=body).select_related("user").order_by("user__full_name")
        )
        self.fields["person"].label_from_instance = _person  # type: ignore[attr-defined]

    def clean_month(self) -> date | None:
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        found = MONTH.match(value)
        if found is None or not 1 <= int(found.group(2)) <= 12 or not 1900 <= int(found.group(1)) <= 9998:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="invalid_month")
        return date(int(found.group(1)), int(found.group(2)), 1)

    def clean_day(self) -> date | None:
        value: date | None = self.cleaned_data.get("day")
        if value is not None and not 1900 <= value.year <= 9998:
            raise forms.ValidationError(_("Enter a day between 1900 and 9998."), code="invalid_day")
        return value
