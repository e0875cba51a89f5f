"""Forms of the platform shell: the language picker (the audit trail's filter is `core.filters`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError


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
