"""The import engine: upload (checked, stored, parsed once), preview from the stored result, apply all or nothing.

A file that reads through up to IMPORT_INLINE_MAX_BYTES (an XLSX: unpacked) is parsed in the request; a larger one is stored as `parsing` and parsed by
`imports.tasks.import_parse_task` (enqueued after commit), which reports its progress in `rows_parsed`. Either
way the rows (their text and errors by column) and the file's errors are stored on the batch, and a preview
reads them without opening the file again. Applying re-checks the stored rows against the database as it is
then and writes them through the kind's `apply` in one transaction, or nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_record
from core.errors import TransitionNotAllowed, ValidationError
from core.permissions import require_body_perm
from core.transitions import claim, transition
from core.types import Actor
from core.uploads import upload_check

from .models import ImportBatch
from .reading import SPREADSHEET_UPLOAD, read_table, reading_cost
from .registry import ImportKind, ImportRow, get_kind

#: how often (in rows) a task writes its progress
PROGRESS_EVERY = 250


@dataclass
class ImportPreview:
    """What applying a file does, or why it cannot: `valid` only when the file and every row are."""

    batch: ImportBatch | None
    rows: list[ImportRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for row in self.rows if not row.ok)


# --- parsing ------------------------------------------------------------------------------------------------


def _header_errors(kind: ImportKind, header: list[str]) -> list[str]:
    missing = [name for name in kind.required if name not in header]
    unknown = [name for name in header if name and name not in kind.columns]
    errors = []
    if missing:
        errors.append(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    if unknown:
        errors.append(_("Unknown column(s): %(cols)s.") % {"cols": ", ".join(unknown)})
    return errors


def import_parse_file(
    *, kind: ImportKind, body: Body, file: Any, file_kind: str, on_progress: Any = None
) -> ImportPreview:
    """Reads a file of the kind (streamed, within the row limit) and checks every row. Reads only.

    Raises `ValidationError({"file": ...})` when the file cannot be read at all.
    """
    max_rows = int(getattr(settings, kind.max_rows_setting))
    table = read_table(
        file, file_kind, max_rows=max_rows, on_progress=on_progress, progress_every=PROGRESS_EVERY
    )
    if not table.header:
        return ImportPreview(batch=None, rows=[], file_errors=[_("The file is empty.")])
    header = [cell.strip().lower().replace(" ", "_") for cell in table.header]
    file_errors = _header_errors(kind, header)
    if table.too_many_rows:
        file_errors.append(_("At most %(n)s rows per file.") % {"n": max_rows})
    if file_errors:
        return ImportPreview(batch=None, rows=[], file_errors=file_errors)
    rows = []
    for line, raw in table.rows:
        values = {name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header) if name}
        rows.append(ImportRow(line=line, values={name: values.get(name, "") for name in kind.columns}))
    kind.validate(body, rows)
    return ImportPreview(batch=None, rows=rows, file_errors=[])


def _stored_rows(preview: ImportPreview) -> list[dict[str, Any]]:
    return [{"line": row.line, "values": row.values, "errors": row.errors} for row in preview.rows]


def _result_fields(preview: ImportPreview) -> dict[str, Any]:
    """The batch's fields that hold a parse's result (its status follows: see `_read_action`)."""
    return {
        "rows": _stored_rows(preview),
        "file_errors": preview.file_errors,
        "row_count": len(preview.rows),
        "rows_parsed": len(preview.rows),
        "error_count": preview.error_count,
    }


def _read_action(preview: ImportPreview) -> str:
    """The life-cycle action that ends reading: a file with any error is refused."""
    return "read" if preview.valid else "refuse"


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


# --- services -----------------------------------------------------------------------------------------------


def import_upload(*, kind: str, body: Body, actor: Actor, upload: UploadedFile) -> ImportPreview:
    """Stores an import file and reports, row by row, what applying it would do or why it cannot. Writes no
    records of the kind.

    A file whose reading goes through at most IMPORT_INLINE_MAX_BYTES (an XLSX: unpacked) is parsed now (an
    unreadable one is refused and nothing is stored); a larger one is stored as `parsing` and read by a task
    after commit (the preview then has no rows yet). A workbook that would unpack to too much is refused here.
    """
    import_kind = get_kind(kind)
    require_body_perm(actor, body, import_kind.permission)
    file_kind = upload_check(upload, SPREADSHEET_UPLOAD, field="file")
    name = (upload.name or "import")[:200]
    sha256 = _sha256(upload)
    preview: ImportPreview | None = None
    if reading_cost(upload, file_kind) <= settings.IMPORT_INLINE_MAX_BYTES:
        preview = import_parse_file(kind=import_kind, body=body, file=upload, file_kind=file_kind)
        upload.seek(0)
    with transaction.atomic():
        batch = ImportBatch(kind=kind, body=body, filename=name, sha256=sha256, created_by=actor)
        if preview is not None:  # read already: the batch starts where reading ends
            for attribute, value in _result_fields(preview).items():
                setattr(batch, attribute, value)
            batch.status = ImportBatch.TRANSITIONS[_read_action(preview)].target
        batch.file.save(name, upload, save=False)
        batch.save()
        audit_record(
            actor=actor,
            action=f"{import_kind.audit_prefix}.previewed",
            obj=batch,
            body=body,
            after={"filename": name, "sha256": sha256, "rows": batch.row_count, "status": batch.status},
        )
        if preview is None:
            from .tasks import import_parse_task

            batch_id = str(batch.pk)
            transaction.on_commit(lambda: import_parse_task.delay(batch_id), robust=True)
    if preview is None:
        return ImportPreview(batch=batch, rows=[], file_errors=[])
    preview.batch = batch
    return preview


def imports_reconcile(*, now: Any = None) -> list[Any]:
    """The batches still being read `IMPORT_PARSE_STALE_MINUTES` after their upload: the broker lost their task
    (it was down at the commit) or a worker died reading. Their ids, for the task to enqueue again; reading
    twice is harmless (`import_parse` leaves a read batch alone, and its move is guarded on the status)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.IMPORT_PARSE_STALE_MINUTES)
    return list(
        ImportBatch.objects.filter(status=ImportBatch.Status.PARSING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[: settings.REMINDER_SWEEP_BATCH]
    )


def import_parse(*, batch_id: Any) -> ImportBatch | None:
    """Reads a stored file that is still `parsing` and stores its rows and errors; safe to run twice (a batch
    that is gone or already read is left alone). Progress is written every PROGRESS_EVERY rows."""
    batch = ImportBatch.objects.select_related("body").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.PARSING:
        return batch
    import_kind = get_kind(batch.kind)

    def progress(rows_read: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PARSING).update(
            rows_parsed=rows_read
        )

    with batch.file.open("rb") as handle:
        try:
            preview = import_parse_file(
                kind=import_kind,
                body=batch.body,
                file=handle,
                file_kind="xlsx" if batch.filename.endswith(".xlsx") else "csv",
                on_progress=progress,
            )
        except ValidationError as exc:  # unreadable: the batch is rejected with the reason
            preview = ImportPreview(batch=None, rows=[], file_errors=list(exc.messages))
    # compare-and-set: a concurrent run that finished first wins, this one changes nothing
    claim(ImportBatch, pk=batch.pk, action=_read_action(preview), values=_result_fields(preview))
    batch.refresh_from_db()
    return batch


def import_preview(*, batch: ImportBatch) -> ImportPreview:
    """A batch's preview as it was parsed (rows and errors stored at upload). Reads only; opens no file."""
    rows = [ImportRow(line=row["line"], values=row["values"], errors=row["errors"]) for row in batch.rows]
    return ImportPreview(batch=batch, rows=rows, file_errors=list(batch.file_errors))


def import_apply(*, batch: ImportBatch, actor: Actor) -> ImportPreview:
    """Applies a previewed batch by its life cycle (core.transitions): under the row lock, re-checks the stored
    rows against the data as it is now and writes every row through the kind, in one transaction, or nothing
    (a batch that no longer passes stays previewed)."""
    import_kind = get_kind(batch.kind)
    require_body_perm(actor, batch.body, import_kind.permission)
    if batch.status == ImportBatch.Status.PARSING:
        raise TransitionNotAllowed(_("This import is still being read."), current=batch.status)
    checked: list[ImportPreview] = []

    def still_valid(locked: ImportBatch) -> None:
        rows = [ImportRow(line=row["line"], values=row["values"]) for row in locked.rows]
        import_kind.validate(locked.body, rows)
        preview = ImportPreview(batch=locked, rows=rows, file_errors=list(locked.file_errors))
        if not preview.valid:
            raise ValidationError({"file": _("The file no longer passes validation; preview it again.")})
        checked.append(preview)

    def stamp(locked: ImportBatch) -> list[str]:
        locked.applied_at = timezone.now()
        return ["applied_at"]

    def write_rows(locked: ImportBatch, _previous: str) -> None:
        rows = checked[0].rows
        import_kind.apply(locked.body, actor, rows)
        audit_record(
            actor=actor,
            action=f"{import_kind.audit_prefix}.applied",
            obj=locked,
            body=locked.body,
            after={"filename": locked.filename, "sha256": locked.sha256, "rows": len(rows)},
        )

    locked = transition(
        batch, action="apply", actor=actor, guards=[still_valid], apply=stamp, effects=[write_rows]
    )
    preview = checked[0]
    preview.batch = locked
    return preview
