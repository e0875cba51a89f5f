"""Portal and client-view forms for findings and responses. They parse and shape input; the rules are the
services' (audits/services/findings.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import upload_clean

from ..models import Engagement, FindingKind
from ..services import FINDING_EVIDENCE_UPLOAD, finding_kinds_for


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked by the evidence policy."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload:
                upload_clean(upload, FINDING_EVIDENCE_UPLOAD, field="files")
                cleaned.append(upload)
        return cleaned


class FindingForm(forms.Form):
    """Raise or change a finding: the auditor's text and the team's internal note."""

    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    clause = forms.CharField(label=_("Requirement (clause)"), max_length=120)
    statement = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Objective evidence"), widget=forms.Textarea(attrs={"rows": 3}))
    internal_note = forms.CharField(
        label=_("Internal note (the team only)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = {str(kind) for kind in finding_kinds_for(engagement)}
        self.fields["kind"].choices = [(v, label) for v, label in FindingKind.choices if v in allowed]  # type: ignore[attr-defined]


class ResponseForm(forms.Form):
    """The client's response to a finding."""

    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))
    correction = forms.CharField(label=_("Correction"), widget=forms.Textarea(attrs={"rows": 3}))
    corrective_action = forms.CharField(
        label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, PNG, JPEG or XLSX files."),
    )


class JudgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the client"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("Verification of effectiveness"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_clean(upload, FINDING_EVIDENCE_UPLOAD, field="file")
        return upload
