"""Bulk import through the pages: upload, preview with errors, apply all or nothing, the template."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import User
from bodies.models import Membership
from competence.importing import COLUMNS
from competence.models import CompetenceRecord
from core.models import AuditEvent
from imports.models import ImportBatch

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


def csv_upload(*lines: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def good_lines(evaluator: str) -> list[str]:
    return [
        f"ragna@auditors.example,Ragna Lind,employee,lead_auditor;auditor,2026-01-05,iso-14064-3,ghg,1,lead_auditor,training;audits_performed,{evaluator},2026-02-01,2028-01-31",
        "tomas@auditors.example,Tómas Berg,technical_expert,technical_expert,,,,,,,,,",
    ]


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        CompetenceRecord.objects.count(),
        # the upload itself is recorded ("competence.import.previewed"); nothing else may be
        AuditEvent.objects.filter(action__startswith="competence.")
        .exclude(action="competence.import.previewed")
        .count(),
    )


def test_upload_preview_then_apply_a_valid_file(login, world):
    # given
    client = login(world.a.admin)
    assert client.get(reverse("competence:import")).status_code == 200
    # when uploaded
    upload = client.post(reverse("competence:import"), {"file": csv_upload(*good_lines(world.a.admin.email))})
    # then a preview, and nothing written yet
    batch = ImportBatch.objects.get()
    assert upload.status_code == 302
    assert upload["Location"] == reverse("competence:import-preview", args=[batch.pk])
    assert not User.objects.filter(email="ragna@auditors.example").exists()
    preview = client.get(reverse("competence:import-preview", args=[batch.pk]))
    assert preview.status_code == 200
    assert preview.context["can_apply"] is True
    html = preview.content.decode()
    assert reverse("competence:import-apply", args=[batch.pk]) in html
    assert "All 2 rows are ready to import." in html
    # when applied
    applied = client.post(reverse("competence:import-apply", args=[batch.pk]), follow=True)
    # then
    assert [str(m) for m in applied.context["messages"]] == [
        "The file is imported: 2 rows, 2 people, 1 competence records."
    ]
    assert Membership.objects.get(body=world.a.body, user__email="ragna@auditors.example").roles == [
        "auditor",
        "lead_auditor",
    ]
    assert CompetenceRecord.objects.get(person__email="ragna@auditors.example").status == "approved"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert "The file was applied on" in applied.content.decode()


def test_a_bad_row_shows_its_errors_and_no_apply_button_and_apply_is_refused(login, world):
    # given a file whose last row evaluates itself, on an impossible date
    lines = [
        *good_lines(world.a.admin.email),
        "self@auditors.example,Self Evaluator,employee,auditor,2026-01-05,iso-14064-3,ghg,1,auditor,training,self@auditors.example,2026-02-30,2027-01-01",
    ]
    client = login(world.a.admin)
    before = counts()
    # when
    client.post(reverse("competence:import"), {"file": csv_upload(*lines)})
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("competence:import-preview", args=[batch.pk]))
    # then the row and its fields are highlighted
    assert batch.status == ImportBatch.Status.REJECTED
    assert preview.context["can_apply"] is False
    html = preview.content.decode()
    assert reverse("competence:import-apply", args=[batch.pk]) not in html
    assert "1 row has errors." in html
    bad = [row for row in preview.context["rows"] if not row["ok"]]
    assert [row["line"] for row in bad] == [4]
    errors = {name: error for name, _value, error in bad[0]["cells"] if error}
    assert errors == {
        "evaluated_by": "A competence must be evaluated by someone other than the person.",
        "evaluated_on": "Use a date like 2026-05-31.",
    }
    # when applied anyway
    applied = client.post(reverse("competence:import-apply", args=[batch.pk]), follow=True)
    # then refused, and nothing was written
    assert [str(m) for m in applied.context["messages"]] == ["This import was already applied or rejected."]
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED


def test_a_file_with_missing_columns_shows_file_errors(login, world):
    # given
    upload = SimpleUploadedFile("people.csv", b"name,mail\nRagna,ragna@example.org\n")
    client = login(world.a.admin)
    # when
    client.post(reverse("competence:import"), {"file": upload})
    preview = client.get(reverse("competence:import-preview", args=[ImportBatch.objects.get().pk]))
    # then
    assert preview.context["preview"].file_errors == [
        "Missing column(s): email, full_name.",
        "Unknown column(s): name, mail.",
    ]
    assert preview.context["can_apply"] is False


def test_an_xlsx_file_is_previewed(login, world):
    # given
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append(["tomas@auditors.example", "Tómas Berg", "technical_expert", "technical_expert"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    client = login(world.a.admin)
    # when
    client.post(reverse("competence:import"), {"file": upload})
    preview = client.get(reverse("competence:import-preview", args=[ImportBatch.objects.get().pk]))
    # then
    assert preview.context["can_apply"] is True
    assert [row["line"] for row in preview.context["rows"]] == [2]


def test_a_file_that_is_not_csv_or_xlsx_is_a_form_error(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("competence:import"), {"file": SimpleUploadedFile("people.pdf", b"%PDF-1.4")}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Upload a CSV or XLSX file."]}
    assert not ImportBatch.objects.exists()


def test_a_csv_that_is_not_utf8_is_a_form_error(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("competence:import"),
        {"file": SimpleUploadedFile("people.csv", (HEADER + "\nj@x.is,Jón Þór\n").encode("latin-1"))},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["A CSV file must be UTF-8 encoded."]}
    assert not ImportBatch.objects.exists()


def test_a_member_cannot_import_and_nothing_changes(login, world):
    # given
    client = login(world.a.member)
    # when
    get = client.get(reverse("competence:import"))
    post = client.post(reverse("competence:import"), {"file": csv_upload(*good_lines(world.a.admin.email))})
    template = client.get(reverse("competence:import-template"))
    # then
    assert (get.status_code, post.status_code, template.status_code) == (403, 403, 403)
    assert not ImportBatch.objects.exists()


def test_body_b_cannot_see_or_apply_body_as_import(login, world):
    # given a valid preview in body A
    login(world.a.admin).post(
        reverse("competence:import"), {"file": csv_upload(*good_lines(world.a.admin.email))}
    )
    batch = ImportBatch.objects.get()
    before = counts()
    # when
    responses = []
    for user in (world.b.admin, world.b.member):
        client = login(user)
        responses.append(client.get(reverse("competence:import-preview", args=[batch.pk])).status_code)
        responses.append(client.post(reverse("competence:import-apply", args=[batch.pk])).status_code)
    # then
    assert responses == [404, 404, 404, 404]
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_the_template_has_the_header_and_one_example_that_previews_cleanly(login, world):
    # given
    client = login(world.a.admin)
    # when
    response = client.get(reverse("competence:import-template"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="competence-import-template.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    assert len(rows) == 2
    # and the example itself is a valid file
    client.post(reverse("competence:import"), {"file": SimpleUploadedFile("template.csv", response.content)})
    preview = client.get(reverse("competence:import-preview", args=[ImportBatch.objects.get().pk]))
    assert preview.context["can_apply"] is True


def test_a_csv_with_a_single_column_is_previewed_with_file_errors_not_a_server_error(login, world):
    # given a file with no delimiter at all (the CSV sniffer cannot tell its dialect)
    client = login(world.a.admin)
    # when
    upload = client.post(
        reverse("competence:import"), {"file": SimpleUploadedFile("people.csv", b"hello\nworld\n")}
    )
    # then
    batch = ImportBatch.objects.get()
    assert upload.status_code == 302
    preview = client.get(reverse("competence:import-preview", args=[batch.pk]))
    assert preview.context["preview"].file_errors == [
        "Missing column(s): email, full_name.",
        "Unknown column(s): hello.",
    ]
    assert batch.status == ImportBatch.Status.REJECTED
