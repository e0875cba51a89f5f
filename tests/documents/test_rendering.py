"""Rendering: a real PDF with the body's header, the number, page X of Y and the verification link."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image
from weasyprint import HTML

from core.models import AuditEvent
from documents.models import Document
from documents.rendering import css_string, document_html, page_counter_content
from documents.services import document_render
from tests.factories import AccreditationFactory

pytestmark = pytest.mark.django_db


def _texts(box) -> list[str]:  # type: ignore[no-untyped-def]
    found = [box.text] if hasattr(box, "text") else []
    for child in getattr(box, "children", ()):
        found.extend(_texts(child))
    return found


def _margin_texts(page) -> str:  # type: ignore[no-untyped-def]
    """The text WeasyPrint laid out in the page's margin boxes (header and footer)."""
    margins = [child for child in page._page_box.children if type(child).__name__ == "MarginBox"]
    return " ".join(" ".join(_texts(box)) for box in margins)


def test_render_produces_a_stored_pdf_whose_hash_matches(world, request_letter):
    # given a pending approval letter for body A, with an active accreditation on record
    AccreditationFactory(body=world.a.body, certificate_number="VVB-0777")
    document = request_letter()

    # when the worker renders it
    rendered = document_render(document_id=document.pk)

    # then the stored file is a PDF whose SHA-256 and size are recorded
    assert rendered.status == Document.Status.READY
    content = rendered.file.read()
    assert content.startswith(b"%PDF-")
    assert rendered.sha256 == hashlib.sha256(content).hexdigest()
    assert rendered.size == len(content)
    assert re.fullmatch(rf"documents/\d{{4}}/\d{{2}}/{rendered.number}\.pdf", rendered.file.name)
    assert rendered.attempts == 1
    assert rendered.error == ""
    assert rendered.rendered_at is not None
    assert rendered.superseded_at is None
    # and the system recorded it in the body's audit trail
    event = AuditEvent.objects.get(action="documents.document.rendered")
    assert event.body_id == world.a.body.pk
    assert event.actor is None
    assert event.after == {
        "status": "ready",
        "sha256": rendered.sha256,
        "size": rendered.size,
        "attempts": 1,
        "superseded": False,
    }


def test_every_page_has_the_header_number_page_x_of_y_and_verification_link(world, request_letter):
    # given a letter for a body with several accreditations (enough for more than one page)
    for number in range(12):
        AccreditationFactory(body=world.a.body, certificate_number=f"VVB-{number:04d}")
    document = request_letter()

    # when its HTML is laid out by WeasyPrint
    laid_out = HTML(string=document_html(document), base_url=settings.SITE_URL + "/").render()

    # then every page's margins carry the body, the number, "Page i of n" and the verification URL
    pages = laid_out.pages
    assert len(pages) >= 2
    for index, page in enumerate(pages, start=1):
        margins = _margin_texts(page)
        assert f"Page {index} of {len(pages)}" in margins
        assert document.number in margins
        assert f"{settings.SITE_URL}/documents/verify/{document.number}/" in margins
        assert "Body A Verification ehf." in margins


def test_letter_states_the_approval_scope_and_signatory(world, request_letter):
    # given an approved body with an accreditation, and a letter requested by registry staff
    AccreditationFactory(body=world.a.body, certificate_number="VVB-0999")
    document = request_letter()

    # when the HTML is rendered
    html = document_html(document)

    # then it is addressed to the body, cites the agreement and names the scope and the signatory
    assert "Body A Verification ehf." in html
    assert world.a.body.agreement_reference in html
    assert "VVB-0999" in html
    assert "Verification" in html
    assert "Registry Staff" in html
    assert document.number in html


def test_logo_is_inlined_and_nothing_is_fetched(world, request_letter):
    # given a body with a PNG logo
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (11, 93, 59)).save(buffer, format="PNG")
    world.a.body.logo.save("a.png", ContentFile(buffer.getvalue()), save=True)
    document = request_letter()

    # when the HTML is rendered and the PDF made
    html = document_html(document)
    rendered = document_render(document_id=document.pk)

    # then the logo is a data URL in the header, and the PDF is ready
    assert 'src="data:image/png;base64,' in html
    assert rendered.status == Document.Status.READY


def test_css_strings_escape_everything_but_plain_characters():
    assert css_string("ICR-DOC-2026-7K3QF9") == '"ICR-DOC-2026-7K3QF9"'
    assert css_string('a"b</style>') == '"a\\22 b\\3c /style\\3e "'
    assert page_counter_content("Page %(page)s of %(pages)s") == '"Page " counter(page) " of " counter(pages)'
