"""People read words, not codes: the portal's pages, the back office's lists and pages, and the approval
letter show labels of roles, statuses, standards, verification states, kinds and scopes (codes stay in the API).

Each page's visible text is read (tags, attribute values, scripts and styles left out) and searched for codes
that the data on the page is sure to hold.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bodies.documents import approval_letter_context
from bodies.models import Accreditation, AccreditationVerification, Body, Role
from documents.models import Document
from tests.factories import AccreditationFactory, MembershipFactory, UserFactory
from tests.test_authorization_matrix import POLICY, _admin_args, all_urls
from tests.test_authorization_matrix import objects as objects  # the matrix's records of body A

#: codes the data below is sure to hold somewhere on the pages: roles, a status, an accreditation standard,
#: a verification state, kinds of deadline, document and import
CODES = (
    "body_admin",
    "lead_auditor",
    "under_review",
    "iso_14065",
    "pending",
    "bodies.accreditation_expiry",
    "competence.person_record",
    "competence.people",
)


class _VisibleText(HTMLParser):
    """The text a person reads: no tags, no attribute values, nothing inside <script>, <style>, <template>."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(html: str) -> list[str]:
    text = visible_text(html)
    return [code for code in CODES if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w-])", text)]


def test_visible_text_skips_tags_and_attributes():
    html = '<a href="/x/?status=under_review" class="icr-status-pending">Under review</a><script>var s="pending"</script>'
    assert visible_text(html).strip() == "Under review"
    assert codes_in(html) == []
    assert codes_in("<td>under_review</td><td>pending</td>") == ["under_review", "pending"]


@pytest.fixture
def labelled_world(world, objects):
    """Body A with a lead auditor and an accreditation waiting for verification; body B under review."""
    MembershipFactory(
        user=UserFactory(email="lead@a.example", full_name="Lea Lead"),
        body=world.a.body,
        roles=[Role.LEAD_AUDITOR, Role.AUDITOR],
    )
    AccreditationFactory(
        body=world.a.body,
        standard=Accreditation.Standard.ISO_14065,
        verification=AccreditationVerification.PENDING,
    )
    Body.objects.filter(pk=world.b.body.pk).update(status=Body.Status.UNDER_REVIEW)
    return world


def _html_pages(client, names_and_urls):  # type: ignore[no-untyped-def]
    checked, found = 0, []
    for name, url in names_and_urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        codes = codes_in(response.content.decode())
        if codes:
            found.append(f"{url} [{name}]: {', '.join(codes)}")
    return checked, found


@pytest.mark.django_db
def test_portal_pages_show_labels_not_codes(labelled_world, objects, client):
    # given body A's administrator, every portal page of the matrix they may open
    client.force_login(labelled_world.a.admin)
    pages = [
        (name, POLICY[name].reverse_in(name, objects))
        for name, _pattern in all_urls()
        if name in POLICY and POLICY[name].get["admin_a"] == 200 and not name.startswith("api-")
    ]
    # when each is read, then none shows a code
    with translation.override("en"):
        checked, found = _html_pages(client, pages)
    assert checked > 20
    assert found == [], "codes shown to people:\n" + "\n".join(found)


@pytest.mark.django_db
def test_back_office_lists_and_pages_show_labels_not_codes(labelled_world, objects, client):
    # given registry staff, every changelist and change page of the back office
    client.force_login(labelled_world.staff)
    pages = []
    for name, pattern in all_urls():
        if not name.startswith("admin:") or not name.endswith(("_changelist", "_change")):
            continue
        args = _admin_args(name, pattern, objects, labelled_world)
        if args is not None:
            pages.append((name, reverse(name, args=args)))
    # when each is read, then none shows a code
    with translation.override("en"):
        checked, found = _html_pages(client, pages)
    assert checked > 20
    assert found == [], "codes shown to registry staff:\n" + "\n".join(found)


@pytest.mark.django_db
def test_approval_letter_reads_labels_and_the_languages_dates(world):
    # given an approved body with a verified ISO 14065 accreditation and its agreement
    AccreditationFactory(body=world.a.body, standard=Accreditation.Standard.ISO_14065)
    body = Body.objects.get(pk=world.a.body.pk)
    document = Document(
        kind="bodies.approval_letter",
        body=body,
        subject_id=str(body.pk),
        number="ICR-TEST-1",
        requested_at=timezone.now(),
    )
    # when the letter's HTML is rendered in English and in Icelandic
    with translation.override("en"):
        english = render_to_string("pdf/bodies/approval_letter.html", approval_letter_context(document))
    with translation.override("is"):
        icelandic = render_to_string("pdf/bodies/approval_letter.html", approval_letter_context(document))
    # then no code shows, the accreditation's dates follow each language's short format, and the activities
    # read by name
    assert codes_in(english) == []
    accreditation = body.accreditations.get()
    assert accreditation.valid_from.strftime("%d/%m/%Y") in visible_text(english)
    assert accreditation.valid_from.strftime("%d.%m.%Y") in visible_text(icelandic)
    assert accreditation.valid_from.isoformat() not in visible_text(english)
    assert "ISO 14065" in visible_text(english)
    assert "Verification" in visible_text(english)
