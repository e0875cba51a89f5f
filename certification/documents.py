"""Document kinds of the certification capability (`documents.registry`): certificates and statements with their
QR code, and decision records.

- **Certificate** (`certification.certificate`): one PDF per certificate *version* (the subject is the
  `CertificateVersion`), printed from what that version said, with a QR code (segno, inline SVG) to the
  certificate's public verification page (`SITE_URL` + `verify:token`). A copy is current while its version is
  the certificate's latest and the certificate certifies today; the documents engine's hash check says so.
- **Statement** (`certification.statement`): the validation or verification statement with its opinion, level of
  assurance, materiality and quantities per vintage, and its QR code; current while issued.
- **Decision record** (`certification.decision`): the decision with its rationale, the decision maker and the
  engagement or certificate it acts on; for the body's people only (never public).

Certificates and statements are public kinds: anyone holding the document's id may download the issued copy.
Every kind may be asked for by the body's certificate managers (`manage_certificates`) and decision makers
(`decide_certification`); every active member of the body reads them.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.dates import today_in
from core.permissions import is_signed_in
from documents.models import Document
from documents.registry import DocumentKind, register

from .models import CERTIFYING, CertificateVersion, Decision, Statement, StatementQuantity, StatementStatus
from .permissions import can_decide, can_manage_certificates
from .selectors.public import opinion_label

CERTIFICATE_PDF = "certification.certificate"
STATEMENT_PDF = "certification.statement"
DECISION_PDF = "certification.decision"


def public_verify_url(token: str) -> str:
    """The absolute public page a QR code opens."""
    return settings.SITE_URL + reverse("verify:token", args=[token])


def qr_svg(url: str) -> SafeString:
    """The URL as a QR code, inline SVG with a viewBox and no fixed size (the template sizes it; segno, medium
    error correction, quiet zone kept)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, dark="#1d252c", omitsize=True)
    # segno's own markup of SITE_URL + a URL-safe token: nothing a person typed
    return mark_safe(svg)


def can_request_certification_pdf(actor: Any, subject: Any) -> bool:
    if not is_signed_in(actor):
        return False
    return can_manage_certificates(actor, subject.body) or can_decide(actor, subject.body)


# --- certificate ---


def _version(document: Document) -> CertificateVersion:
    return CertificateVersion.objects.select_related(
        "body",
        "decision",
        "certificate",
        "certificate__client",
        "certificate__standard",
        "certificate__sector",
    ).get(pk=document.subject_id)


def certificate_pdf_context(document: Document) -> dict[str, Any]:
    """What the version said (scope, sites as issued, dates, cycle), the certificate's lasting facts (number,
    client, standard, sector, initial certification) and the QR code. One query."""
    version = _version(document)
    certificate = version.certificate
    url = public_verify_url(certificate.token)
    return {
        "version": version,
        "certificate": certificate,
        "client": certificate.client,
        "sites": [site for site in version.sites if isinstance(site, dict)],
        "public_url": url,
        "qr_svg": qr_svg(url),
    }


def certificate_pdf_is_current(document: Document) -> bool:
    """The copy's version is the certificate's latest, and the certificate certifies today (in the body's
    time zone: a certificate past its expiry is no longer current even before the sweep)."""
    version = (
        CertificateVersion.objects.select_related("certificate", "body")
        .filter(pk=document.subject_id)
        .first()
    )
    if version is None:
        return False
    certificate = version.certificate
    if version.version != certificate.version or certificate.status not in CERTIFYING:
        return False
    return certificate.expires_on >= today_in(version.body.time_zone)


def _certificate_filename(document: Document) -> str:
    row = (
        CertificateVersion.objects.filter(pk=document.subject_id)
        .values_list("certificate__number", "version")
        .first()
    )
    number, version = row if row else ("", 0)
    return f"certificate-{slugify(number)}-v{version}-{document.number}.pdf"


register(
    DocumentKind(
        code=CERTIFICATE_PDF,
        label=_("Certificate"),
        template_name="pdf/certification/certificate.html",
        subject_model="certification.CertificateVersion",
        body_of=lambda version: version.body,
        context=certificate_pdf_context,
        can_request=can_request_certification_pdf,
        is_current=certificate_pdf_is_current,
        filename=_certificate_filename,
        public=True,
        not_current_reason=_(
            "This is a genuine certificate, but it is no longer current: a newer version replaced it, or the "
            "certificate is suspended, withdrawn or expired. Check its status on the public verification page."
        ),
    )
)


# --- statement ---


def statement_pdf_context(document: Document) -> dict[str, Any]:
    """The statement with its engagement, client, project and quantities. Two queries."""
    quantities = StatementQuantity.objects.order_by("vintage", "period_start", "id")
    statement = (
        Statement.objects.select_related(
            "body", "engagement", "engagement__client", "engagement__project", "engagement__standard"
        )
        .prefetch_related(Prefetch("quantities", queryset=quantities, to_attr="ordered_quantities"))
        .get(pk=document.subject_id)
    )
    url = public_verify_url(statement.token)
    return {
        "statement": statement,
        "engagement": statement.engagement,
        "quantities": statement.ordered_quantities,  # type: ignore[attr-defined]
        "opinion_label": opinion_label(statement.opinion),
        "public_url": url,
        "qr_svg": qr_svg(url),
    }


def statement_pdf_is_current(document: Document) -> bool:
    return Statement.objects.filter(pk=document.subject_id, status=StatementStatus.ISSUED).exists()


def _statement_filename(document: Document) -> str:
    number = Statement.objects.filter(pk=document.subject_id).values_list("number", flat=True).first()
    return f"statement-{slugify(number or '')}-{document.number}.pdf"


register(
    DocumentKind(
        code=STATEMENT_PDF,
        label=_("Validation or verification statement"),
        template_name="pdf/certification/statement.html",
        subject_model="certification.Statement",
        body_of=lambda statement: statement.body,
        context=statement_pdf_context,
        can_request=can_request_certification_pdf,
        is_current=statement_pdf_is_current,
        filename=_statement_filename,
        public=True,
        not_current_reason=_(
            "This is a genuine statement, but it is no longer current: it was withdrawn or replaced."
        ),
    )
)


# --- decision record ---


def decision_pdf_context(document: Document) -> dict[str, Any]:
    """The decision, its maker, and the engagement, certificate or statement it acts on. One query."""
    decision = Decision.objects.select_related(
        "body",
        "decided_by__user",
        "engagement",
        "engagement__client",
        "engagement__project",
        "certificate",
        "certificate__client",
        "statement",
        "proposal",
    ).get(pk=document.subject_id)
    return {"decision": decision}


def _decision_filename(document: Document) -> str:
    row = Decision.objects.filter(pk=document.subject_id).values_list("kind", "decided_on").first()
    kind, day = row if row else ("", None)
    return f"decision-{slugify(kind)}-{day.isoformat() if day else ''}-{document.number}.pdf"


register(
    DocumentKind(
        code=DECISION_PDF,
        label=_("Decision record"),
        template_name="pdf/certification/decision.html",
        subject_model="certification.Decision",
        body_of=lambda decision: decision.body,
        context=decision_pdf_context,
        can_request=can_request_certification_pdf,
        filename=_decision_filename,
        public=False,
    )
)


def latest_ready(subject: Any, kind: str) -> Document | None:
    """The newest ready document of this kind about the subject (for the client view and the buttons)."""
    return Document.objects.for_subject(subject).ready().filter(kind=kind).order_by("-rendered_at").first()
