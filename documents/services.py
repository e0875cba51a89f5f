"""Requesting, rendering and verifying documents.

A request only writes a pending row (cheap, callable inside any other service's transaction) and enqueues the
render once that transaction commits. Rendering happens in a Celery task, claims the row with a
compare-and-set, renders outside any transaction, and records the result in a short one. A ready document
never changes again: its SHA-256 is what the public verification page compares uploads against.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.commit import after_commit
from core.errors import PermissionDenied, ValidationError, field_error
from core.permissions import require_registry_staff
from core.transitions import claim, transition
from core.types import Actor, ActorOrSystem

from .error_codes import DocumentsErrorCode
from .models import Document
from .registry import DocumentKind, get_kind
from .rendering import document_pdf

if TYPE_CHECKING:
    from bodies.models.tenants import Body

logger = logging.getLogger(__name__)

#: unambiguous characters for document numbers (no 0/O, 1/I/L, U)
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_LENGTH = 6
NUMBER_ATTEMPTS = 8
#: a render that keeps dying (the worker is killed mid-render) is given up after this many attempts
MAX_RENDER_ATTEMPTS = 5
RECONCILE_BATCH = 500
PDF_MAGIC = b"%PDF-"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


# --- requesting ---------------------------------------------------------------------------------------------


def document_number_generate(*, year: int) -> str:
    """A random, human-readable number such as ICR-DOC-2026-7K3QF9; the unique constraint guards clashes."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))
    return f"ICR-DOC-{year}-{suffix}"


def _kind_or_error(code: str) -> DocumentKind:
    try:
        return get_kind(code)
    except KeyError:
        raise field_error("kind", _("Unknown document kind."), DocumentsErrorCode.UNKNOWN_KIND) from None


def _enqueue_render(document_id: uuid.UUID) -> None:
    from .tasks import document_render_task

    document_render_task.delay(str(document_id))


def document_request(
    *, kind: str, subject: models.Model, body: Body | None, actor: ActorOrSystem
) -> Document:
    """Asks for a document to be rendered in the background; returns the pending row.

    Runs inside the caller's transaction when there is one (body approval requests its letter this way), so
    the row, its audit event and the decision that caused it commit or roll back together; the render is
    enqueued only after the commit. `actor` None means the platform itself asks (no permission check).
    """
    document_kind = _kind_or_error(kind)
    if not isinstance(subject, document_kind.subject_class()):
        raise field_error(
            "subject_id",
            _("This kind of document cannot be made for this record."),
            DocumentsErrorCode.WRONG_SUBJECT,
        )
    expected_body = document_kind.body_of(subject)
    if getattr(expected_body, "pk", None) != getattr(body, "pk", None):
        raise ValueError(f"A {kind} document for {subject!r} belongs to {expected_body!r}, not {body!r}.")
    if actor is not None and not document_kind.can_request(actor, subject):
        raise PermissionDenied(
            _("You may not request this document."), code=DocumentsErrorCode.REQUEST_NOT_ALLOWED
        )

    now = timezone.now()
    requested_by = actor if getattr(actor, "is_authenticated", False) else None
    subject_type = ContentType.objects.get_for_model(subject)
    with transaction.atomic():
        for attempt in range(NUMBER_ATTEMPTS):
            try:
                with (
                    transaction.atomic()
                ):  # a savepoint: a number clash must not spoil the caller's transaction
                    document = Document.objects.create(
                        number=document_number_generate(year=now.year),
                        kind=kind,
                        body=body,
                        subject_type=subject_type,
                        subject_id=str(subject.pk),
                        status=Document.Status.PENDING,
                        requested_by=requested_by,
                        requested_at=now,
                    )
                break
            except IntegrityError:
                if attempt == NUMBER_ATTEMPTS - 1:
                    raise
        audit_record(
            actor=actor,
            action="documents.document.requested",
            obj=document,
            body=body,
            after={
                "number": document.number,
                "kind": kind,
                "subject_type": f"{subject_type.app_label}.{subject_type.model}",
                "subject_id": document.subject_id,
                "status": document.status,
            },
        )
        # robust: a broker that is down must not fail the committed request (the reconciler enqueues it
        # later); a named function, not a partial: Django's robust hook logs the callback's __qualname__
        after_commit(_enqueue_render, document.pk)
    return document


def _reset_for_rerender(document: Document) -> list[str]:
    document.error = ""
    document.attempts = 0
    document.claimed_at = None
    return ["error", "attempts", "claimed_at"]


def _enqueue_render_of(document: Document) -> None:
    _enqueue_render(document.pk)


def document_rerender(*, document: Document, actor: Actor) -> Document:
    """Registry staff send a failed document back to the queue (after fixing what made it fail)."""
    require_registry_staff(actor)
    return transition(
        document,
        action="rerender",
        actor=actor,
        apply=_reset_for_rerender,
        after_commit=[_enqueue_render_of],
        record_before=["error", "attempts"],
    )


# --- rendering ----------------------------------------------------------------------------------------------


def document_render(*, document_id: uuid.UUID | str) -> Document:
    """Renders one document; safe to run twice and after a crash.

    The row is claimed with a compare-and-set (pending or failed, or rendering for longer than
    DOCUMENT_RENDER_STALE_MINUTES, i.e. a worker died). Whoever does not win the claim returns the row as it
    is. The PDF is rendered outside any transaction and stored under a fixed name, so a rerun overwrites what
    an interrupted attempt left. Raises Document.DoesNotExist when the row is gone; re-raises a render error
    after recording it on the row.
    """
    now = timezone.now()
    stale_before = now - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES)
    # the map says which statuses a claim may come from; a rendering one only once its worker looks dead
    claimed = claim(
        Document,
        pk=document_id,
        action="claim",
        where=~Q(status=Document.Status.RENDERING) | Q(claimed_at__lt=stale_before),
        values={"claimed_at": now, "attempts": F("attempts") + 1, "error": ""},
    )
    document = Document.objects.select_related("body", "subject_type").get(pk=document_id)
    if not claimed:
        return document
    try:
        content = document_pdf(document)
        if not _still_claimed(document.pk, claimed_at=now):
            return Document.objects.get(pk=document.pk)
        name = _store(document, content)
    except Exception as exc:
        _mark_failed(document, claimed_at=now, error=f"{type(exc).__name__}: {exc}")
        raise
    return _mark_ready(document, claimed_at=now, name=name, content=content)


def _still_claimed(document_id: uuid.UUID, *, claimed_at: datetime) -> bool:
    return Document.objects.filter(
        pk=document_id, status=Document.Status.RENDERING, claimed_at=claimed_at
    ).exists()


def _store(document: Document, content: bytes) -> str:
    field = Document._meta.get_field("file")
    target = field.generate_filename(document, f"{document.number}.pdf")
    field.storage.delete(target)  # overwrite what an interrupted attempt left behind
    return field.storage.save(target, ContentFile(content))


def _mark_ready(document: Document, *, claimed_at: datetime, name: str, content: bytes) -> Document:
    """Records the rendered file and supersedes older ready documents of the same kind and subject.

    Every document of the kind and subject is locked first, so two renders finishing together cannot both
    stay current.
    """
    now = timezone.now()
    with transaction.atomic():
        siblings = list(
            Document.objects.select_for_update(of=("self",))
            .select_related("body")
            .filter(
                kind=document.kind, subject_type_id=document.subject_type_id, subject_id=document.subject_id
            )
            .order_by("pk")
        )
        mine = next(sibling for sibling in siblings if sibling.pk == document.pk)
        if mine.status not in Document.TRANSITIONS.sources("mark_ready") or mine.claimed_at != claimed_at:
            return mine  # judged stale and taken over meanwhile; the newer claim records its own result
        mine.file.name = name
        mine.sha256 = hashlib.sha256(content).hexdigest()
        mine.size = len(content)
        mine.status = Document.Status.READY
        mine.rendered_at = now
        mine.error = ""

        def order(doc: Document) -> tuple[datetime, str]:
            return (doc.requested_at, str(doc.pk))

        ready = [s for s in siblings if s.pk != mine.pk and s.status == Document.Status.READY]
        if any(order(s) > order(mine) for s in ready):
            mine.superseded_at = now  # a newer version was ready first
        older = [s for s in ready if s.superseded_at is None and order(s) < order(mine)]
        mine.save(update_fields=["file", "sha256", "size", "status", "rendered_at", "error", "superseded_at"])
        audit_record(
            actor=None,
            action="documents.document.rendered",
            obj=mine,
            body=mine.body,
            before={"status": Document.Status.RENDERING},
            after={
                "status": mine.status,
                "sha256": mine.sha256,
                "size": mine.size,
                "attempts": mine.attempts,
                "superseded": mine.superseded_at is not None,
            },
        )
        if older:
            Document.objects.filter(pk__in=[s.pk for s in older]).update(superseded_at=now)
        for superseded in older:
            audit_record(
                actor=None,
                action="documents.document.superseded",
                obj=superseded,
                body=superseded.body,
                before={"superseded_at": None},
                after={"superseded_at": now, "superseded_by": mine.number},
            )
    return mine


def _mark_failed(document: Document, *, claimed_at: datetime, error: str) -> None:
    try:
        with transaction.atomic():
            failed = claim(
                Document,
                pk=document.pk,
                action="mark_failed",
                where=Q(claimed_at=claimed_at),
                values={"error": error[:4000]},
            )
            if failed:
                audit_record(
                    actor=None,
                    action="documents.document.failed",
                    obj=document,
                    body=document.body,
                    before={"status": Document.Status.RENDERING},
                    after={"status": Document.Status.FAILED, "error": error[:500]},
                )
    except Exception:
        # The database itself may be what failed; the row stays `rendering` and the reconciler retries it.
        logger.exception("Could not record the failed render of document %s.", document.pk)


def documents_reconcile(*, now: datetime | None = None) -> list[uuid.UUID]:
    """The documents whose render job was lost: pending, or rendering with no sign of life, for too long.

    A render that died MAX_RENDER_ATTEMPTS times is marked failed instead, for registry staff to look at.
    Returns the ids to enqueue again (oldest first, at most RECONCILE_BATCH).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES)
    exhausted = Document.objects.filter(
        status=Document.Status.RENDERING, claimed_at__lt=cutoff, attempts__gte=MAX_RENDER_ATTEMPTS
    ).select_related("body")
    for document in exhausted[:RECONCILE_BATCH]:
        if document.claimed_at is not None:
            _mark_failed(
                document,
                claimed_at=document.claimed_at,
                error=_("Rendering was interrupted %(attempts)s times; giving up.")
                % {"attempts": document.attempts},
            )
    lost = Document.objects.filter(
        Q(status=Document.Status.PENDING, requested_at__lt=cutoff)
        | Q(status=Document.Status.RENDERING, claimed_at__lt=cutoff, attempts__lt=MAX_RENDER_ATTEMPTS)
    ).order_by("requested_at")
    return list(lost.values_list("pk", flat=True)[:RECONCILE_BATCH])


# --- verification -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """What the public verification page says: found at all, genuine, and still current."""

    found: bool
    genuine: bool
    current: bool
    document: Document | None
    reason: str


def upload_too_large_message() -> str:
    return _("The file is too large (at most %(size)s).") % {
        "size": filesizeformat(settings.UPLOAD_MAX_BYTES)
    }


def document_check_pdf(content: bytes) -> None:
    """An upload to verify must be a PDF no larger than UPLOAD_MAX_BYTES."""
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise field_error("file", upload_too_large_message(), DocumentsErrorCode.FILE_TOO_LARGE)
    if not content.startswith(PDF_MAGIC):
        raise field_error("file", _("This is not a PDF file."), DocumentsErrorCode.NOT_A_PDF)


def document_is_current(document: Document) -> bool:
    """Ready, not superseded, and still true according to its kind (e.g. the body is still approved)."""
    if document.status != Document.Status.READY or document.superseded_at is not None:
        return False
    try:
        kind = get_kind(document.kind)
    except KeyError:
        return False
    return bool(kind.is_current(document))


def _result_for(document: Document) -> VerificationResult:
    current = document_is_current(document)
    if current:
        reason = _("This is a genuine document issued through ICR, and it is current.")
    elif document.superseded_at is not None:
        reason = _("This is a genuine document, but a newer version has replaced it.")
    else:
        try:
            kind_reason = get_kind(document.kind).not_current_reason
        except KeyError:
            kind_reason = None
        reason = (
            str(kind_reason) if kind_reason else _("This is a genuine document, but it is no longer current.")
        )
    return VerificationResult(found=True, genuine=True, current=current, document=document, reason=reason)


def document_verify(
    *, number: str | None = None, sha256: str | None = None, content: bytes | None = None
) -> VerificationResult:
    """Checks a document by its number, by its SHA-256, or by the bytes of a PDF someone holds.

    Only ready documents count as issued. A number proves that such a document exists; only the hash of the
    file (given or computed from the upload) proves that a copy is unaltered.
    """
    given = [value for value in (number, sha256, content) if value not in (None, "", b"")]
    if len(given) != 1:
        raise ValidationError(
            _("Upload a PDF, or enter a document number or a SHA-256 — one of them."),
            code=DocumentsErrorCode.ONE_LOOKUP_REQUIRED,
        )
    issued = Document.objects.ready().select_related("body", "subject_type")
    if content:
        document_check_pdf(content)
        sha256 = hashlib.sha256(content).hexdigest()
    if sha256:
        digest = sha256.strip().lower()
        if not SHA256_RE.match(digest):
            raise field_error(
                "sha256", _("A SHA-256 is 64 hexadecimal characters."), DocumentsErrorCode.INVALID_SHA256
            )
        document = issued.filter(sha256=digest).order_by("-rendered_at").first()
        if document is None:
            return VerificationResult(
                found=False,
                genuine=False,
                current=False,
                document=None,
                reason=_(
                    "No document issued through ICR has this content. The file may have been altered, "
                    "or it was not issued here."
                ),
            )
        return _result_for(document)
    wanted = (number or "").strip().upper()
    if len(wanted) > 40:
        raise field_error("number", _("This is not a document number."), DocumentsErrorCode.INVALID_NUMBER)
    document = issued.filter(number=wanted).first()
    if document is None:
        return VerificationResult(
            found=False,
            genuine=False,
            current=False,
            document=None,
            reason=_("No document with this number has been issued."),
        )
    return _result_for(document)
