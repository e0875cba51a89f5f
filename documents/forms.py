"""The public verification form: a PDF to upload, or a document number or SHA-256 to look up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadPolicy, too_large_message

from .services import SHA256_RE

#: a PDF to verify is compared, never stored; the form caps its size, the service checks it is a PDF
VERIFY_UPLOAD = UploadPolicy(kinds=("pdf",))


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        required=False,
        help_text=_("The file is compared with what ICR issued; it is not stored."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    query = forms.CharField(
        label=_("Document number or SHA-256"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "ICR-DOC-2026-7K3QF9", "autocomplete": "off"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > VERIFY_UPLOAD.max_bytes:
            raise forms.ValidationError(too_large_message(VERIFY_UPLOAD), code="file_too_large")
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        has_file = cleaned.get("file") is not None
        has_query = bool((cleaned.get("query") or "").strip())
        if has_file == has_query:
            raise forms.ValidationError(
                _("Upload a PDF, or enter a document number or a SHA-256 — one of them.")
            )
        return cleaned

    def lookup(self) -> dict[str, Any]:
        """The keyword arguments for `document_verify`."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return {"content": upload.read()}
        query = self.cleaned_data["query"].strip()
        if SHA256_RE.match(query.lower()):
            return {"sha256": query}
        return {"number": query}
