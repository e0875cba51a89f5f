"""Reads of the import engine shaped for a preview page (any kind): one batch, no query beyond it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .models import ImportBatch
from .services import import_preview

#: rows without errors shown on a preview page (every row with an error is always shown)
PREVIEW_OK_ROWS = 500


def import_preview_context(
    *, batch: ImportBatch, columns: Sequence[str], ok_rows_shown: int = PREVIEW_OK_ROWS
) -> dict[str, Any]:
    """What a preview page shows of a read batch: its rows as cells (value and error per column), the rows
    with errors, how many rows are left out, and whether it can be applied. Reads the stored result only."""
    preview = import_preview(batch=batch)
    shown, ok_shown = [], 0
    for row in preview.rows:
        if not row.ok or ok_shown < ok_rows_shown:
            ok_shown += row.ok
            shown.append(
                {
                    "line": row.line,
                    "ok": row.ok,
                    "cells": [(name, row.values.get(name, ""), row.errors.get(name)) for name in columns],
                    "other_errors": [msg for name, msg in row.errors.items() if name not in columns],
                }
            )
    return {
        "preview": preview,
        "rows": shown,
        "hidden_rows": len(preview.rows) - len(shown),
        "rows_with_errors": sum(1 for row in preview.rows if not row.ok),
        "error_rows": [
            {"line": row.line, "errors": list(row.errors.items())} for row in preview.rows if not row.ok
        ],
        "can_apply": batch.status == ImportBatch.Status.PREVIEWED and preview.valid,
    }
