"""HTML → PDF with WeasyPrint. Only background tasks call this: a PDF is never rendered inside a request.

Every kind's template extends `pdf/base.html`, which puts the body's name and logo in the page header and the
document number, "page X of Y" and the public verification link in the footer. WeasyPrint may fetch nothing
but `data:` URLs, so a template can never make the worker read a local file or call out to the network.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
import zoneinfo
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Document
from .registry import get_kind

logger = logging.getLogger(__name__)

LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}


def verification_url(number: str) -> str:
    """The public page a printed document links to (and a QR code would encode)."""
    return settings.SITE_URL + reverse("documents:verify-number", kwargs={"number": number})


def css_string(value: str) -> SafeString:
    """A CSS string literal for generated content; anything but plain characters is escaped by code point."""
    safe = set(" -_.,:;/@#()")
    escaped = "".join(
        ch if (ch.isalnum() and ch.isascii()) or ch in safe else f"\\{ord(ch):x} " for ch in value
    )
    return mark_safe(f'"{escaped}"')  # every character outside the plain set is escaped above


def page_counter_content(pattern: str) -> SafeString:
    """Turns a translated "Page %(page)s of %(pages)s" into CSS `content` with the page counters."""
    tokens = []
    for part in re.split(r"(%\(page\)s|%\(pages\)s)", pattern):
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(css_string(part))
    return mark_safe(" ".join(tokens))  # css_string literals and counter() only


def logo_data_uri(body: Any) -> str:
    """The body's logo inlined as a data URL, or "" when there is none or it cannot be read."""
    logo = getattr(body, "logo", None)
    if not logo:
        return ""
    mime = mimetypes.guess_type(logo.name)[0]
    if mime not in LOGO_TYPES:
        return ""
    try:
        with logo.storage.open(logo.name, "rb") as handle:
            data = handle.read(settings.LOGO_MAX_BYTES + 1)
    except OSError:
        logger.warning("The logo of body %s could not be read; rendering without it.", body.pk)
        return ""
    if len(data) > settings.LOGO_MAX_BYTES:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def document_html(document: Document) -> str:
    """The document's HTML: the kind's template with its context, in the body's time zone."""
    kind = get_kind(document.kind)
    body = document.body
    zone = zoneinfo.ZoneInfo(body.time_zone if body is not None else settings.TIME_ZONE)
    with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
        url = verification_url(document.number)
        context: dict[str, Any] = {
            "document": document,
            "kind": kind,
            "body": body,
            "verify_url": url,
            "issued_on": timezone.localdate(),
            "logo_src": logo_data_uri(body),
            "pdf_css": {
                "number": css_string(document.number),
                "verify": css_string(_("Verify: %(url)s") % {"url": url}),
                "pages": page_counter_content(_("Page %(page)s of %(pages)s")),
            },
        }
        context.update(kind.context(document))
        return render_to_string(kind.template_name, context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher).write_pdf()


def document_pdf(document: Document) -> bytes:
    return html_to_pdf(document_html(document))
