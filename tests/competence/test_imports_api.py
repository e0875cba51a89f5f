"""Bulk import over the API: upload and preview, then apply all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from bodies.models import Membership
from competence.models import CompetenceRecord
from core.models import AuditEvent
from imports.models import ImportBatch
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db

HEADER = (
    "email,full_name,employment,roles,undertaking_signed_on,standard,sector_scheme,sector_code,competence_role,"
    "basis,evaluated_by,evaluated_on,valid_until"
)
BAD_ROW = (
    "self@auditors.example,Self Evaluator,employee,auditor,2026-01-05,iso-14064-3,ghg,1,auditor,training,"
    "self@auditors.example,2026-02-30,2027-01-01"
)


def good_lines(evaluator: str) -> list[str]:
    return [
        "ragna@auditors.example,Ragna Lind,employee,lead_auditor;auditor,2026-01-05,iso-14064-3,ghg,1,lead_auditor,"
        f"training;audits_performed,{evaluator},2026-02-01,2028-01-31",
        "tomas@auditors.example,Tómas Berg,technical_expert,technical_expert,,,,,,,,,",
    ]


def upload(*lines: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def written() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), CompetenceRecord.objects.count()


def test_a_valid_file_is_previewed_then_applied(world):
    # given
    client = signed_in(world.a.admin)
    before = written()

    # when uploaded
    preview = client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )

    # then previewed, nothing written yet
    assert preview.status_code == 201, preview.content
    batch = ImportBatch.objects.get()
    assert preview.json() == {
        "id": str(batch.pk),
        "body": str(world.a.body.pk),
        "filename": "people.csv",
        "status": "previewed",
        "valid": True,
        "rowCount": 2,
        "errorCount": 0,
        "fileErrors": [],
        "rows": [{"line": 2, "errors": {}}, {"line": 3, "errors": {}}],
    }
    assert written() == before

    # when applied
    applied = client.post(url("competence-import-apply", batch.pk))

    # then every row is written
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert written() == (before[0] + 2, before[1] + 2, before[2] + 1)
    record = CompetenceRecord.objects.get(person__email="ragna@auditors.example")
    assert (record.status, record.evaluated_by) == ("approved", world.a.admin)
    assert AuditEvent.objects.filter(action="competence.import.applied", object_id=str(batch.pk)).count() == 1

    # and applying twice is a conflict
    again = client.post(url("competence-import-apply", batch.pk))
    assert again.status_code == 409
    assert written() == (before[0] + 2, before[1] + 2, before[2] + 1)


def test_one_bad_row_rejects_the_file_and_nothing_is_written(world):
    # given a file whose last row evaluates itself on a day that does not exist
    client = signed_in(world.a.admin)
    before = written()

    # when uploaded
    preview = client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email), BAD_ROW)},
        format="multipart",
    )

    # then the preview names the row and its columns (as written in the file)
    assert preview.status_code == 201, preview.content
    data = preview.json()
    assert (data["status"], data["valid"], data["rowCount"], data["errorCount"]) == ("rejected", False, 3, 1)
    assert data["rows"][:2] == [{"line": 2, "errors": {}}, {"line": 3, "errors": {}}]
    assert data["rows"][2] == {
        "line": 4,
        "errors": {
            "evaluated_by": "A competence must be evaluated by someone other than the person.",
            "evaluated_on": "Use a date like 2026-05-31.",
        },
    }

    # and applying it is a conflict that writes nothing
    applied = client.post(url("competence-import-apply", data["id"]))
    assert applied.status_code == 409
    assert applied.json()["code"] == "invalid_transition"
    assert written() == before
    assert ImportBatch.objects.get().status == "rejected"


def test_a_file_that_no_longer_validates_is_not_applied(world):
    client = signed_in(world.a.admin)
    preview = client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    ).json()
    # someone else adds Ragna's competence before the file is applied
    client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(good_lines(world.a.admin.email)[0], name="first.csv")},
        format="multipart",
    )
    first = ImportBatch.objects.get(filename="first.csv")
    assert client.post(url("competence-import-apply", first.pk)).status_code == 200
    before = written()

    response = client.post(url("competence-import-apply", preview["id"]))

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "file": ["The file no longer passes validation; preview it again."]
    }
    assert written() == before
    assert ImportBatch.objects.get(pk=preview["id"]).status == "previewed"


def test_a_file_of_another_type_is_refused_and_nothing_is_stored(world):
    response = signed_in(world.a.admin).post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": SimpleUploadedFile("people.pdf", b"%PDF-1.7")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"file": ["Upload a CSV or XLSX file."]}
    assert ImportBatch.objects.count() == 0


def test_a_plain_member_can_neither_upload_nor_see_imports(world):
    # given an import by A's administrator
    admin = signed_in(world.a.admin)
    admin.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )
    batch = ImportBatch.objects.get()
    member = signed_in(world.a.member)
    before = written()

    # when A's plain member tries
    uploaded = member.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )
    listed = member.get(url("competence-import-list"))
    detail = member.get(url("competence-import-detail", batch.pk))
    applied = member.post(url("competence-import-apply", batch.pk))

    # then
    assert uploaded.status_code == 403
    assert listed.json()["competenceImports"] == []
    assert (detail.status_code, applied.status_code) == (404, 404)
    assert ImportBatch.objects.count() == 1
    assert written() == before
    assert admin.get(url("competence-import-list")).json()["pagination"]["total"] == 1


def test_another_body_gets_404_and_cannot_upload_for_body_a(world):
    signed_in(world.a.admin).post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )
    batch = ImportBatch.objects.get()
    client = signed_in(world.b.admin)
    before = written()

    detail = client.get(url("competence-import-detail", batch.pk))
    applied = client.post(url("competence-import-apply", batch.pk))
    uploaded = client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.b.admin.email))},
        format="multipart",
    )

    assert (detail.status_code, applied.status_code) == (404, 404)
    assert uploaded.status_code == 400
    assert uploaded.json()["fieldErrors"] == {"body": ["Not found."]}
    assert client.get(url("competence-import-list")).json()["competenceImports"] == []
    assert written() == before
    assert ImportBatch.objects.get().status == "previewed"


def test_the_list_and_one_import(world):
    client = signed_in(world.a.admin)
    client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )
    batch = ImportBatch.objects.get()

    listed = client.get(url("competence-import-list"), {"status": "previewed"})
    detail = client.get(url("competence-import-detail", batch.pk))

    assert listed.json()["pagination"]["total"] == 1
    assert detail.json() == {
        "id": str(batch.pk),
        "body": str(world.a.body.pk),
        "filename": "people.csv",
        "sha256": batch.sha256,
        "status": "previewed",
        "rowCount": 2,
        "errorCount": 0,
        "createdBy": {"id": str(world.a.admin.pk), "fullName": "Admin A"},
        "createdAt": detail.json()["createdAt"],
        "appliedAt": None,
    }


def test_a_competence_write_token_imports_for_its_body(world):
    _, write = make_token(body=world.a.body, creator=world.a.admin, scopes={"competence": "write"})
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"competence": "read"})

    refused = bearer(read).post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )
    accepted = bearer(write).post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert ImportBatch.objects.count() == 1
