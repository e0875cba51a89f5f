"""Reading an import file: CSV or XLSX, streamed, with the row limit and the unpacked-size limit applied while reading.

An XLSX is a zip archive: its members' declared sizes and compression ratios are checked from the central
directory before anything is unpacked, then openpyxl reads the first sheet in read-only (streaming) mode. A
CSV is decoded and split as it is read. Both stop at the row limit + 1: a file over the limit is refused
without reading the rest.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ValidationError
from core.uploads import UploadPolicy

#: what an import field accepts (the kind is judged by content: a zip with a workbook, or text)
SPREADSHEET_UPLOAD = UploadPolicy(kinds=("csv", "xlsx"))
#: an XLSX member this small may be packed tightly without being suspicious
RATIO_FLOOR_BYTES = 1024 * 1024
#: columns read from each XLSX row (a header wider than this is certainly not an import)
MAX_COLUMNS = 100
SNIFF_CHARS = 4096


@dataclass
class Table:
    """The header and the non-blank rows of a file (`line` is the row's number in the file, the header's 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    too_many_rows: bool = False


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def check_xlsx_archive(file: IO[bytes]) -> int:
    """Refuses a workbook that would unpack to more than IMPORT_MAX_UNPACKED_BYTES, or whose members are packed
    more tightly than IMPORT_MAX_COMPRESSION_RATIO (a zip bomb), before a byte is decompressed. Returns the
    unpacked size (what reading it costs: openpyxl loads the shared strings whole)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError({"file": _("This is not a readable XLSX file.")}) from exc
    finally:
        file.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed_too_tight = any(
        member.file_size > RATIO_FLOOR_BYTES
        and member.file_size > settings.IMPORT_MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES or packed_too_tight:
        raise ValidationError({"file": _("The workbook unpacks to too much data to import.")})
    return unpacked


def _xlsx_rows(file: IO[bytes]) -> Generator[list[str], None, None]:
    check_xlsx_archive(file)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError({"file": _("This is not a readable XLSX file.")}) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            cells = [_cell(value) for value in row]
            while cells and not cells[-1]:  # read-only rows are padded to max_col
                cells.pop()
            yield cells
    except (ValidationError, GeneratorExit):
        raise
    except Exception as exc:  # damaged XML inside an archive that opened
        raise ValidationError({"file": _("This is not a readable XLSX file.")}) from exc
    finally:
        workbook.close()


def _csv_rows(file: IO[bytes]) -> Generator[list[str], None, None]:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    try:
        try:
            sample = text.read(SNIFF_CHARS)
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
        except csv.Error:  # a single column (or no delimiter the sniffer knows): read it as plain CSV
            dialect = csv.excel
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": _("A CSV file must be UTF-8 encoded.")}) from exc
        text.seek(0)
        try:
            yield from csv.reader(text, dialect)
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": _("A CSV file must be UTF-8 encoded.")}) from exc
        except csv.Error as exc:
            raise ValidationError({"file": _("This is not a readable CSV file.")}) from exc
    finally:
        text.detach()  # leave the upload open for whoever stores it


def reading_cost(file: IO[bytes], kind: str) -> int:
    """The bytes reading the file goes through: an XLSX's unpacked size (checked), a CSV's own size."""
    if kind == "xlsx":
        return check_xlsx_archive(file)
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def read_table(
    file: IO[bytes], kind: str, *, max_rows: int, on_progress: Any = None, progress_every: int = 250
) -> Table:
    """The file's header and up to `max_rows` non-blank rows, read as a stream; one row more sets
    `too_many_rows` and stops reading. Raises `ValidationError({"file": ...})` for an unreadable file.

    `on_progress(rows_read)` is called every `progress_every` rows (a task reports its progress with it).
    """
    reader = _xlsx_rows(file) if kind == "xlsx" else _csv_rows(file)
    table: Table | None = None
    try:
        for line, raw in enumerate(reader, start=1):
            if not any(cell.strip() for cell in raw):
                continue
            if table is None:
                table = Table(header=raw)
                continue
            if len(table.rows) == max_rows:
                table.too_many_rows = True
                break
            table.rows.append((line, raw))
            if on_progress is not None and len(table.rows) % progress_every == 0:
                on_progress(len(table.rows))
    finally:
        reader.close()
    return table or Table(header=[])
