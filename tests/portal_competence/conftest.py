"""Helpers for the competence portal tests: logged-in clients, records of body A, and query counting."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bodies.models import Membership
from competence.models import CompetenceRecord
from tests.factories import CompetenceRecordFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def login(client: Client) -> Callable[..., Client]:
    """login(user) → the test client, logged in as that person."""

    def _login(user) -> Client:  # type: ignore[no-untyped-def]
        client.logout()
        client.force_login(user)
        return client

    return _login


def membership_of(user, body) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user=user, body=body)


def record_for(user, body, **fields) -> CompetenceRecord:  # type: ignore[no-untyped-def]
    """A competence record of `user` in `body` (approved by default, like the factory's)."""
    return CompetenceRecordFactory(membership=membership_of(user, body), **fields)


def proposed_record_for(user, body, **fields) -> CompetenceRecord:  # type: ignore[no-untyped-def]
    defaults = {
        "status": "proposed",
        "evaluated_by": None,
        "evaluated_on": None,
        "valid_until": date(2028, 6, 30),
    }
    return record_for(user, body, **{**defaults, **fields})


def pdf_upload(name: str = "certificate.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (15, 92, 77)).save(buffer, format="PNG")
    return buffer.getvalue()


def count_queries(client: Client, url: str, **headers: str) -> int:
    """How many queries one GET of `url` runs (the response must be a 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers or None)
    assert response.status_code == 200
    return len(captured.captured_queries)
