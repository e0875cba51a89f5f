"""Reading import files: streamed, the row limit and the unpacked-size limit applied while reading."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.errors import ValidationError
from imports.reading import check_xlsx_archive, read_table


def xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def zip_with(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def test_csv_rows_are_read_with_their_line_numbers_and_blank_lines_skipped():
    # given
    content = b"email,full_name\r\n\r\na@x.is,A\r\n;;\r\nb@x.is,B\r\n"
    # when
    table = read_table(io.BytesIO(content), "csv", max_rows=10)
    # then
    assert table.header == ["email", "full_name"]
    assert table.rows == [(3, ["a@x.is", "A"]), (4, [";;"]), (5, ["b@x.is", "B"])]
    assert table.too_many_rows is False


def test_the_row_limit_is_exact_and_reading_stops_at_the_first_row_over_it():
    # given a file with exactly the limit, then one more row, then a great deal that is not even UTF-8
    rows = b"".join(b"p%d@x.is,Person %d\n" % (i, i) for i in range(3))
    tail = b"x@x.is,X\n" * 5000 + b"\xff\xfe not utf-8\n"
    at_limit = read_table(io.BytesIO(b"email,full_name\n" + rows), "csv", max_rows=3)
    # when
    over = read_table(io.BytesIO(b"email,full_name\n" + rows + tail), "csv", max_rows=3)
    # then the last allowed row count reads every row
    assert (len(at_limit.rows), at_limit.too_many_rows) == (3, False)
    # and one more stops reading (the undecodable end is never reached)
    assert (len(over.rows), over.too_many_rows) == (3, True)


def test_progress_is_reported_while_reading():
    content = b"email\n" + b"".join(b"p%d@x.is\n" % i for i in range(7))
    seen: list[int] = []
    read_table(io.BytesIO(content), "csv", max_rows=100, on_progress=seen.append, progress_every=3)
    assert seen == [3, 6]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_a_csv_that_is_not_utf8_is_refused(encoding):
    with pytest.raises(ValidationError) as exc:
        read_table(io.BytesIO("email\nJón Þór\n".encode(encoding)), "csv", max_rows=10)
    assert exc.value.message_dict == {"file": ["A CSV file must be UTF-8 encoded."]}


def test_xlsx_rows_are_read_in_streaming_mode_with_dates_as_iso():
    from datetime import date

    table = read_table(
        xlsx([["email", "valid_until"], ["a@x.is", date(2027, 1, 31)], [None, None]]), "xlsx", max_rows=5
    )
    assert table.header == ["email", "valid_until"]
    assert table.rows == [(2, ["a@x.is", "2027-01-31"])]


def test_xlsx_row_limit():
    book = xlsx([["email"], ["a@x.is"], ["b@x.is"], ["c@x.is"]])
    table = read_table(book, "xlsx", max_rows=2)
    assert (len(table.rows), table.too_many_rows) == (2, True)


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_opened(settings):
    # given a workbook within the packed limits whose members add up to more than allowed unpacked
    book = xlsx([["email"], ["a@x.is"]])
    unpacked = sum(member.file_size for member in zipfile.ZipFile(book).infolist())
    settings.IMPORT_MAX_UNPACKED_BYTES = unpacked
    check_xlsx_archive(book)  # the last allowed size
    settings.IMPORT_MAX_UNPACKED_BYTES = unpacked - 1
    # when / then one byte more is refused
    with pytest.raises(ValidationError) as exc:
        check_xlsx_archive(book)
    assert exc.value.message_dict == {"file": ["The workbook unpacks to too much data to import."]}


def test_a_member_packed_tighter_than_the_ratio_is_refused(settings):
    # given a 2 MiB sheet of one repeated byte: it packs about a thousand to one
    bomb = zip_with({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (2 * 1024 * 1024)})
    settings.IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
    # when / then
    with pytest.raises(ValidationError) as exc:
        read_table(bomb, "xlsx", max_rows=10)
    assert exc.value.message_dict == {"file": ["The workbook unpacks to too much data to import."]}


def test_a_damaged_workbook_is_refused():
    with pytest.raises(ValidationError) as exc:
        read_table(zip_with({"xl/workbook.xml": b"not xml"}), "xlsx", max_rows=10)
    assert exc.value.message_dict == {"file": ["This is not a readable XLSX file."]}
