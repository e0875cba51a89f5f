"""Spreadsheet files of a table of text (the competence matrix as `selectors.matrix_table` shapes it)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# the formula guard is the kernel's (core.exports), shared with the audit trail's export
from core.exports import CSV_CONTENT_TYPE as CSV_CONTENT_TYPE
from core.exports import inert as _inert

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Icelandic names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_inert(value) for value in header])
    writer.writerows([_inert(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(header: list[str], rows: list[list[str]], *, title: str, frozen_columns: int = 1) -> bytes:
    """One sheet: a bold, frozen header row and frozen leading columns; no value is read as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
    for index in range(len(header)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 28 if index < frozen_columns + 2 else 22
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=_inert(value))
        cell.font = bold
        cell.alignment = wrap
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_inert(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
