"""`{% certification_pdfs obj %}`: the PDF buttons of a certificate (its current version), a statement or a
decision — "Certificate (PDF)" / "Statement (PDF)" / "Decision record (PDF)" for those who may ask for it, and the
latest document of that kind with its status or download link. Load with `{% load certification_documents %}`."""

from __future__ import annotations

from typing import Any

from django import template

from documents.models import Document
from documents.registry import get_kind

from ..documents import CERTIFICATE_PDF, DECISION_PDF, STATEMENT_PDF
from ..models import Certificate, CertificateVersion, Decision, Statement

register = template.Library()

#: the URL's word for each kind (certification:pdf-request)
PDF_WORDS = {CERTIFICATE_PDF: "certificate", STATEMENT_PDF: "statement", DECISION_PDF: "decision"}


def pdf_subject(obj: Any) -> tuple[str, Any] | None:
    """The document kind and its subject for a certificate (its current version), statement or decision."""
    if isinstance(obj, Certificate):
        version = CertificateVersion.objects.filter(certificate=obj, version=obj.version).first()
        return (CERTIFICATE_PDF, version) if version is not None else None
    if isinstance(obj, CertificateVersion):
        return CERTIFICATE_PDF, obj
    if isinstance(obj, Statement):
        return STATEMENT_PDF, obj
    if isinstance(obj, Decision):
        return DECISION_PDF, obj
    return None


@register.inclusion_tag("certification/partials/_pdf_buttons.html", takes_context=True)
def certification_pdfs(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    user = context["request"].user
    found = pdf_subject(obj)
    if found is None:
        return {"show": False}
    kind, subject = found
    latest = (
        Document.objects.visible_to(user)
        .for_subject(subject)
        .filter(kind=kind)
        .order_by("-requested_at")
        .first()
    )
    return {
        "show": True,
        "csrf_token": context.get("csrf_token"),
        "kind_word": PDF_WORDS[kind],
        "label": get_kind(kind).label,
        "subject": subject,
        "can_request": get_kind(kind).can_request(user, subject),
        "document": latest,
    }
