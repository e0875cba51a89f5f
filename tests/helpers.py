"""Helpers every test may use: API routes and clients, bearer tokens, query counting, records and uploads.

Fixtures (the `world`, `login`, `anon`, `freelancer`, `auditor_a`) live in `tests/conftest.py`; plain
functions live here so a test imports them by name.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from bodies.models import Body, Membership
from competence.models import CompetenceRecord
from tests.factories import CompetenceRecordFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# --- API ----------------------------------------------------------------------------------------------------


def url(name: str, *args: Any) -> str:
    """The path of a v1 API route."""
    return reverse(f"api-v1:{name}", args=args)


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def make_token(*, body: Body, creator: User, scopes: dict[str, str], days: int = 30) -> tuple[ApiToken, str]:
    return api_token_create(
        body=body,
        actor=creator,
        name="Registry sync",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
    )


# --- query counts -------------------------------------------------------------------------------------------


def count_queries(client: Client | APIClient, path: str, **headers: str) -> int:
    """How many SQL queries one GET of `path` costs (the response must be a 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers or None)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


def assert_flat_queries(
    client: Client | APIClient, path: str, grow: Callable[[int], object], *, few: int = 1, many: int = 10
) -> int:
    """A list costs the same number of queries with `many` rows as with `few`; returns that number.

    `grow(n)` adds n more rows the list shows. Usage: `assert_flat_queries(client, url("x-list"), add_xs)`.
    """
    grow(few)
    expected = count_queries(client, path)
    grow(many - few)
    measured = count_queries(client, path)
    assert measured == expected, f"{path}: {expected} queries for {few} rows, {measured} for {many}"
    return expected


def assert_hidden(
    client: Client | APIClient,
    paths: Iterable[str],
    state: Callable[[], object],
    *,
    methods: Iterable[str] = ("get", "post", "patch", "put", "delete"),
) -> None:
    """Another body's record: every method on every path answers 404 (never 403), and nothing changed.

    A method the route does not offer at all may answer 405, which says nothing about the record (a missing
    id answers the same). `state()` returns everything a refused call must leave as it was.
    """
    before = state()
    for path in paths:
        for method in methods:
            response = getattr(client, method)(path)
            assert response.status_code in (404, 405), f"{method.upper()} {path}: {response.status_code}"
            if response.status_code == 405:
                missing = getattr(client, method)(_with_missing_id(path))
                assert missing.status_code == 405, f"{method.upper()} {path}: 405 only for an existing record"
    assert state() == before


def _with_missing_id(path: str) -> str:
    """The same path with its last UUID replaced by one that names nothing."""
    ids = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", path)
    return path.replace(ids[-1], str(uuid.uuid4())) if ids else path


def listed_ids(response: Any, key: str) -> set[str]:
    """The ids of an API list response's rows (the envelope's `key`)."""
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()[key]}


# --- records ------------------------------------------------------------------------------------------------


def membership_of(user: User, body: Any) -> Membership:
    return Membership.objects.get(user=user, body=body)


def record_for(user: User, body: Any, **fields: Any) -> CompetenceRecord:
    """A competence record of `user` in `body` (approved by default, like the factory's)."""
    return CompetenceRecordFactory(membership=membership_of(user, body), **fields)


def proposed_record_for(user: User, body: Any, **fields: Any) -> CompetenceRecord:
    defaults = {
        "status": "proposed",
        "evaluated_by": None,
        "evaluated_on": None,
        "valid_until": date(2028, 6, 30),
    }
    return record_for(user, body, **{**defaults, **fields})


def record_state(record: CompetenceRecord) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    record.refresh_from_db()
    return (
        record.status,
        record.status_reason,
        record.evaluated_by_id,
        record.evaluated_on,
        record.valid_until,
        record.basis,
        record.updated_at,
    )


# --- uploads ------------------------------------------------------------------------------------------------


def pdf_upload(name: str = "certificate.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 92, 77)).save(buffer, format="PNG")
    return buffer.getvalue()


def code_refs(model: Any, *codes: str) -> list[dict[str, str]]:
    """Activities or standards as every endpoint answers them (`{"code", "name"}`), in the order given."""
    names = dict(model.objects.filter(code__in=codes).values_list("code", "name"))
    return [{"code": code, "name": names[code]} for code in codes]
