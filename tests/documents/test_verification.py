"""Public verification: by upload, number or SHA-256; genuine, current, superseded, forged, refused input."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bodies import services as body_services
from core.errors import ValidationError
from core.models import AuditEvent
from documents.models import Document
from documents.services import document_render, document_verify

pytestmark = pytest.mark.django_db

VERIFY = "/documents/verify/"


@pytest.fixture
def letter(world, request_letter) -> Document:
    return document_render(document_id=request_letter().pk)


def _pdf(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the service --------------------------------------------------------------------------------------------


def test_genuine_current_by_upload_number_and_hash(letter):
    content = letter.file.read()

    by_upload = document_verify(content=content)
    by_number = document_verify(number=f"  {letter.number.lower()} ")
    by_hash = document_verify(sha256=letter.sha256.upper())

    for result in (by_upload, by_number, by_hash):
        assert (result.found, result.genuine, result.current) == (True, True, True)
        assert result.document == letter
        assert result.reason == "This is a genuine document issued through ICR, and it is current."


def test_letter_of_a_suspended_body_is_genuine_but_not_current(world, letter):
    # given body A's approval is suspended after the letter was issued
    body_services.body_suspend(body=world.a.body, actor=world.staff, reason="Accreditation suspended.")

    # when the letter is checked
    result = document_verify(content=letter.file.read())

    # then it is genuine but no longer current, and says why
    assert (result.found, result.genuine, result.current) == (True, True, False)
    assert result.reason == "This letter is genuine, but the body is no longer approved by ICR."


def test_superseded_letter_is_genuine_but_not_current(world, letter, request_letter):
    document_render(document_id=request_letter().pk)

    result = document_verify(number=letter.number)

    assert (result.found, result.genuine, result.current) == (True, True, False)
    assert result.reason == "This is a genuine document, but a newer version has replaced it."


def test_altered_bytes_are_not_found(letter):
    # given one changed byte in the middle of the genuine file
    content = bytearray(letter.file.read())
    content[len(content) // 2] ^= 0x01

    result = document_verify(content=bytes(content))

    assert (result.found, result.genuine, result.current) == (False, False, False)
    assert result.document is None
    assert result.reason.startswith("No document issued through ICR has this content.")


def test_unknown_number_and_a_pending_document_are_not_found(world, request_letter):
    pending = request_letter()

    for number in ("ICR-DOC-2026-AAAAAA", pending.number):
        result = document_verify(number=number)
        assert (result.found, result.genuine, result.current, result.document) == (False, False, False, None)
        assert result.reason == "No document with this number has been issued."


def test_refused_inputs(settings):
    with pytest.raises(ValidationError) as not_pdf:
        document_verify(content=b"GIF89a not a pdf")
    assert not_pdf.value.message_dict == {"file": ["This is not a PDF file."]}

    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as too_big:
        document_verify(content=b"%PDF-" + b"x" * 100)
    assert too_big.value.message_dict == {"file": ["The file is too large (at most 100\xa0bytes)."]}

    with pytest.raises(ValidationError) as bad_hash:
        document_verify(sha256="abc123")
    assert bad_hash.value.message_dict == {"sha256": ["A SHA-256 is 64 hexadecimal characters."]}

    with pytest.raises(ValidationError):
        document_verify()
    with pytest.raises(ValidationError):
        document_verify(number="ICR-DOC-2026-AAAAAA", sha256="0" * 64)


# --- the public page ----------------------------------------------------------------------------------------


def test_upload_on_the_public_page_shows_genuine_and_current_with_download(client, letter):
    # when anyone uploads the letter
    response = client.post(VERIFY, {"file": _pdf("letter.pdf", letter.file.read())})

    # then the page says genuine and current, names the document, and offers the issued copy
    assert response.status_code == 200
    html = response.content.decode()
    assert "Genuine and current" in html
    assert letter.number in html
    assert "ICR approval letter" in html
    assert "Body A Verification ehf." in html
    assert letter.sha256 in html
    assert reverse("documents:download", args=[letter.pk]) in html
    # and verifying records nothing
    assert AuditEvent.objects.filter(action__startswith="documents.document.verif").count() == 0


def test_number_or_hash_in_the_text_box(client, letter):
    by_number = client.post(VERIFY, {"query": letter.number})
    by_hash = client.post(VERIFY, {"query": letter.sha256})

    assert by_number.status_code == 200
    assert "Genuine and current" in by_number.content.decode()
    assert by_hash.status_code == 200
    assert "Genuine and current" in by_hash.content.decode()


def test_printed_link_shows_the_result(client, world, letter):
    # given the body was suspended since
    body_services.body_suspend(body=world.a.body, actor=world.staff, reason="Accreditation suspended.")

    # when someone follows the link printed in the PDF's footer
    response = client.get(reverse("documents:verify-number", args=[letter.number]))

    # then they see it is genuine but no longer current
    assert response.status_code == 200
    html = response.content.decode()
    assert "Genuine, but no longer current" in html
    assert "the body is no longer approved by ICR" in html


def test_forged_upload_is_not_found(client, letter):
    content = letter.file.read() + b"\n% appended\n"

    response = client.post(VERIFY, {"file": _pdf("forged.pdf", content)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not found" in html
    assert "No document issued through ICR has this content." in html
    assert hashlib.sha256(content).hexdigest() not in html


def test_non_pdf_upload_is_refused(client):
    response = client.post(VERIFY, {"file": _pdf("photo.pdf", b"\x89PNG\r\n\x1a\n not a pdf")})

    assert response.status_code == 400
    assert "This is not a PDF file." in response.content.decode()


def test_oversize_upload_is_refused(client, settings):
    settings.UPLOAD_MAX_BYTES = 1024

    response = client.post(VERIFY, {"file": _pdf("big.pdf", b"%PDF-1.7\n" + b"0" * 2048)})

    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()


def test_empty_form_is_refused(client):
    response = client.post(VERIFY, {})

    assert response.status_code == 400
    assert "Upload a PDF, or enter a document number or a SHA-256" in response.content.decode()


def test_verify_post_is_rate_limited_per_client(client, settings):
    # given a limit of 3 per minute
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"verify": "3/min"}}

    # when one client verifies four times
    statuses = [client.post(VERIFY, {"query": "ICR-DOC-2026-AAAAAA"}).status_code for _ in range(4)]

    # then the fourth is refused with a message
    assert statuses == [200, 200, 200, 429]
    response = client.post(VERIFY, {"query": "ICR-DOC-2026-AAAAAA"})
    assert response.status_code == 429
    assert "Too many verification attempts" in response.content.decode()
    # and another client is not affected
    assert client.post(VERIFY, {"query": "x"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_verify_page_is_public(client):
    response = client.get(VERIFY)

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
