"""An accreditation certificate for tests: a (tiny) PDF, judged by its content like any upload."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.7\n% accreditation certificate\n", content_type="application/pdf"
    )
