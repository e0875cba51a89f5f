"""Bulk imports of people and competence records: the shapes are the imports engine's (imports.api)."""

from __future__ import annotations

from imports.api import ImportBatchOutput, ImportInput, ImportPreviewOutput, ImportRowOutput

__all__ = ["ImportBatchOutput", "ImportInput", "ImportPreviewOutput", "ImportRowOutput"]
