"""Forms of the platform shell: the audit-trail filter and the language picker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AuditTrailFilterForm(forms.Form):
    """Narrows a body's audit trail by action code prefix ("bodies.accreditation") and by day."""

    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "bodies.accreditation", "class": "form-control"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end cannot be before the start."))
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto a form: known fields get their messages, the rest go on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
