"""The approval letter keeps its closing with its signature: wherever the page breaks fall (more or fewer
accreditations push the closing down), the last paragraph, "Yours sincerely" and the signatory are laid out on
one page (CSS `break-inside: avoid` around the closing and the signature), checked by WeasyPrint's layout."""

from __future__ import annotations

from typing import Any

import pytest

from bodies.documents import APPROVAL_LETTER
from documents.models import Document
from documents.rendering import document_html
from documents.services import document_request
from tests.factories import AccreditationFactory

pytestmark = pytest.mark.django_db

CLOSING_TEXTS = ("can be checked at any time", "Yours sincerely", "Issued electronically")


def pages_holding(html: str, texts: tuple[str, ...]) -> dict[str, set[int]]:
    from weasyprint import HTML

    found: dict[str, set[int]] = {text: set() for text in texts}
    for number, page in enumerate(HTML(string=html).render().pages):
        for box in page._page_box.descendants():
            content = getattr(box, "text", "") or ""
            for text in texts:
                if text.split()[0] in content:
                    found[text].add(number)
    return found


def letter_html(body: Any, actor: Any) -> str:
    document = document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=actor)
    return document_html(Document.objects.select_related("body", "subject_type").get(pk=document.pk))


def test_the_closing_and_the_signature_share_a_page_wherever_the_break_falls(world):
    body = world.a.body
    pages_seen = set()
    for _ in range(40):  # each accreditation adds a table row and moves the closing down
        AccreditationFactory(body=body)
        html = letter_html(body, world.staff)
        assert 'class="closing"' in html
        found = pages_holding(html, CLOSING_TEXTS)
        where = set().union(*found.values())
        assert len(where) == 1, found  # never split
        pages_seen |= where
        if len(pages_seen) >= 2:
            break  # the closing crossed a page break whole: the check was real
    assert len(pages_seen) >= 2
