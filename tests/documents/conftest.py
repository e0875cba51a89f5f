"""Documents of body A and B: a private test kind beside the public approval letter, and ready rows."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from bodies.documents import APPROVAL_LETTER
from documents import registry
from documents.models import Document
from documents.services import document_request

PRIVATE_KIND = "tests.private_letter"


@pytest.fixture
def private_kind(monkeypatch) -> registry.DocumentKind:  # type: ignore[no-untyped-def]
    """The approval letter's template and rules, but not downloadable by the public."""
    kind = dataclasses.replace(registry.get_kind(APPROVAL_LETTER), code=PRIVATE_KIND, public=False)
    monkeypatch.setitem(registry._KINDS, PRIVATE_KIND, kind)
    return kind


@pytest.fixture
def enqueued(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The document ids handed to the render task (instead of rendering them)."""
    from documents.tasks import document_render_task

    calls: list[str] = []
    monkeypatch.setattr(document_render_task, "delay", lambda document_id: calls.append(document_id))
    return calls


@pytest.fixture
def request_letter(world) -> Callable[..., Document]:  # type: ignore[no-untyped-def]
    def make(body: Any = None, kind: str = APPROVAL_LETTER, actor: Any = None) -> Document:
        body = body or world.a.body
        return document_request(kind=kind, subject=body, body=body, actor=actor or world.staff)

    return make


@pytest.fixture
def ready_document(world) -> Callable[..., Document]:  # type: ignore[no-untyped-def]
    """A ready document with a small stand-in file (no rendering), for download and verification tests."""

    def make(
        body: Any = None, kind: str = APPROVAL_LETTER, content: bytes | None = None, **fields: Any
    ) -> Document:
        body = body or world.a.body
        number = fields.pop("number", f"ICR-DOC-2026-T{Document.objects.count():05d}")
        content = content if content is not None else b"%PDF-1.7\n" + number.encode() + b"\n%%EOF\n"
        document = Document(
            number=number,
            kind=kind,
            body=body,
            subject_type=ContentType.objects.get_for_model(body),
            subject_id=str(body.pk),
            status=Document.Status.READY,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            requested_at=timezone.now(),
            rendered_at=timezone.now(),
            **fields,
        )
        document.file.save(f"{number}.pdf", ContentFile(content), save=False)
        document.save()
        return document

    return make
