"""Bulk import: a preview with row-level errors, and nothing written unless the whole file is valid."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import User
from bodies.models import Membership
from competence.importing import competence_import_apply, competence_import_preview
from competence.models import CompetenceRecord
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from imports.models import ImportBatch

pytestmark = pytest.mark.django_db

HEADER = "email,full_name,employment,roles,undertaking_signed_on,standard,sector_scheme,sector_code,competence_role,basis,evaluated_by,evaluated_on,valid_until"


def csv_upload(*lines: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def good_lines(evaluator: str) -> list[str]:
    return [
        f"ragna@auditors.example,Ragna Lind,employee,lead_auditor;auditor,2026-01-05,iso-14064-3,ghg,1,lead_auditor,training;audits_performed,{evaluator},2026-02-01,2028-01-31",
        "ragna@auditors.example,Ragna Lind,employee,lead_auditor;auditor,2026-01-05,iso-14064-3,ghg,14,auditor,training,,,2027-06-30",
        "tomas@auditors.example,Tómas Berg,technical_expert,technical_expert,,,,,,,,,",
    ]


def test_valid_file_previews_then_applies_everything(world):
    # given
    upload = csv_upload(*good_lines(world.a.admin.email))
    # when previewed
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    # then nothing is written yet
    assert preview.valid is True
    assert [row.line for row in preview.rows] == [2, 3, 4]
    assert not User.objects.filter(email="ragna@auditors.example").exists()
    # when applied
    competence_import_apply(batch=preview.batch, actor=world.a.admin)
    # then every row is there
    ragna = Membership.objects.get(body=world.a.body, user__email="ragna@auditors.example")
    assert ragna.roles == ["auditor", "lead_auditor"]
    assert str(ragna.undertaking_signed_on) == "2026-01-05"
    records = {(r.sector.code, r.role, r.status) for r in CompetenceRecord.objects.filter(membership=ragna)}
    assert records == {("1", "lead_auditor", "approved"), ("14", "auditor", "proposed")}
    approved = CompetenceRecord.objects.get(membership=ragna, status="approved")
    assert approved.evaluated_by == world.a.admin
    assert Membership.objects.get(user__email="tomas@auditors.example").employment == "technical_expert"
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
    assert AuditEvent.objects.filter(action="competence.import.applied").count() == 1


def test_one_bad_row_means_nothing_is_written(world):
    # given a file whose last row evaluates itself and has a bad date
    lines = [
        *good_lines(world.a.admin.email),
        "self@auditors.example,Self Evaluator,employee,auditor,2026-01-05,iso-14064-3,ghg,1,auditor,training,self@auditors.example,2026-02-30,2027-01-01",
    ]
    before = (User.objects.count(), Membership.objects.count(), CompetenceRecord.objects.count())
    # when
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=csv_upload(*lines))
    # then the preview names the row and the fields
    assert preview.valid is False
    bad = [row for row in preview.rows if not row.ok]
    assert [row.line for row in bad] == [5]
    assert set(bad[0].errors) == {"evaluated_by", "evaluated_on"}
    # and it cannot be applied: nothing changed
    with pytest.raises(TransitionNotAllowed):
        competence_import_apply(batch=preview.batch, actor=world.a.admin)
    assert (User.objects.count(), Membership.objects.count(), CompetenceRecord.objects.count()) == before


def test_file_that_became_invalid_after_preview_is_not_applied(world):
    preview = competence_import_preview(
        body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
    )
    # someone leaves the body between preview and apply: the evaluator is no longer active
    Membership.objects.filter(body=world.a.body, user=world.a.admin).update(status=Membership.Status.LEFT)
    with pytest.raises((ValidationError, PermissionDenied)):
        competence_import_apply(batch=preview.batch, actor=world.staff)
    assert not Membership.objects.filter(user__email="ragna@auditors.example").exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEWED


def test_xlsx_is_read_like_csv(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for line in good_lines(world.a.admin.email):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    assert preview.valid, [row.errors for row in preview.rows]
    assert len(preview.rows) == 3


def test_missing_columns_and_wrong_type_are_refused(world):
    upload = SimpleUploadedFile("people.csv", b"name,phone\nA,1\n")
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    assert preview.valid is False
    assert "Missing column(s): email, full_name." in preview.file_errors
    with pytest.raises(ValidationError):
        competence_import_preview(
            body=world.a.body, actor=world.a.admin, upload=SimpleUploadedFile("x.exe", b"MZ\x90")
        )


def test_duplicate_competence_in_the_file(world):
    line = good_lines(world.a.admin.email)[1]
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=csv_upload(line, line))
    assert [row.line for row in preview.rows if not row.ok] == [3]


def test_other_body_cannot_import_or_apply(world):
    with pytest.raises(PermissionDenied):
        competence_import_preview(body=world.a.body, actor=world.b.admin, upload=csv_upload())
    preview = competence_import_preview(
        body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
    )
    with pytest.raises(PermissionDenied):
        competence_import_apply(batch=preview.batch, actor=world.b.admin)
    assert not Membership.objects.filter(user__email="ragna@auditors.example").exists()
