"""Reads for documents, shaped for constant query counts and tenant-filtered once."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, QuerySet

from core.tenancy import get_visible_or_404

from .models import Document
from .registry import DocumentKind, public_kind_codes


def document_list(*, user: Any, token: Any = None) -> QuerySet[Document]:
    return Document.objects.visible_to(user, token).select_related("body", "subject_type")


def document_get_visible(*, user: Any, document_id: uuid.UUID | str, token: Any = None) -> Document:
    """One document the principal may see; 404 when it is missing or someone else's."""
    return get_visible_or_404(document_list(user=user, token=token), pk=document_id)


def document_get_for_download(*, user: Any, document_id: uuid.UUID | str) -> Document:
    """A ready document the user may see, or any ready document of a public kind; 404 otherwise."""
    ready = Document.objects.ready().filter(pk=document_id)
    candidates = ready.visible_to(user) | ready.filter(kind__in=public_kind_codes())
    return get_visible_or_404(candidates.select_related("body", "subject_type"), pk=document_id)


def document_latest_for_subject(*, kind: str, subject: Model) -> Document | None:
    """The newest document of this kind about this record (any status), for "download the letter" links."""
    return Document.objects.for_subject(subject).filter(kind=kind).order_by("-requested_at").first()


def document_subject_get_visible(
    *, kind: DocumentKind, subject_id: str, user: Any, token: Any = None
) -> Model:
    """The record a document of this kind would be about, if the principal may see it; 404 otherwise.

    The kind's subject model must have a tenant queryset (`visible_to`).
    """
    subjects = kind.subject_class()._default_manager.visible_to(user, token)  # type: ignore[attr-defined]
    return get_visible_or_404(subjects, pk=subject_id)
