"""Text files people open in spreadsheet programs, written once: no value is read as a formula.

A value starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run by spreadsheet programs as a
formula (CSV/formula injection); such a value is written with a leading apostrophe. Names, emails and reasons
come from people, so every exported cell goes through `inert`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
#: spreadsheet programs read a value starting with one of these as a formula (CSV/formula injection)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: UTF-8's byte-order mark, so that spreadsheet programs read Icelandic names correctly
BOM = "\ufeff"


def inert(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def csv_lines(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """A CSV file line by line (for a streamed answer): the byte-order mark and the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([inert(str(value)) for value in values])
        return buffer.getvalue()

    yield BOM + line(header)
    for row in rows:
        yield line(row)
