"""The import engine: a declared kind, parse once and store, large files in a task with progress, all or nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bodies.models import Membership
from competence.importing import COLUMNS, competence_import_apply, competence_import_preview
from competence.models import CompetenceRecord
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from imports import registry
from imports.models import ImportBatch
from imports.registry import ImportKind, ImportRow
from imports.services import import_apply, import_parse, import_preview, import_upload
from imports.tasks import import_parse_task
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


def csv_upload(*lines: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def good_lines(evaluator: str) -> list[str]:
    return [
        f"ragna@auditors.example,Ragna Lind,employee,lead_auditor;auditor,2026-01-05,iso-14064-3,ghg,1,lead_auditor,training;audits_performed,{evaluator},2026-02-01,2028-01-31",
        "tomas@auditors.example,Tómas Berg,technical_expert,technical_expert,,,,,,,,,",
    ]


def written() -> tuple[int, int]:
    return Membership.objects.count(), CompetenceRecord.objects.count()


# --- a kind of one's own: the engine knows nothing of competence -----------------------------------------------


@pytest.fixture
def names_kind():
    applied: list[list[str]] = []

    def validate(body, rows: list[ImportRow]) -> None:
        for row in rows:
            if not row.values["name"]:
                row.errors["name"] = "Required."
            row.parsed["name"] = row.values["name"].upper()

    def apply(body, actor, rows: list[ImportRow]) -> None:
        applied.append([row.parsed["name"] for row in rows])

    kind = registry.register(
        ImportKind(
            code="tests.names",
            columns=["name", "note"],
            required=["name"],
            permission="manage_members",
            audit_prefix="tests.names_import",
            validate=validate,
            apply=apply,
        )
    )
    yield kind, applied
    registry.unregister(kind.code)


def test_a_declared_kind_is_parsed_stored_previewed_and_applied(world, names_kind):
    # given
    kind, applied = names_kind
    upload = SimpleUploadedFile("names.csv", b"Name,Note\nada,x\nbob,\n")
    # when uploaded
    preview = import_upload(kind=kind.code, body=world.a.body, actor=world.a.admin, upload=upload)
    # then the rows and their values are stored on the batch
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status, batch.row_count, batch.rows_parsed) == (
        "tests.names",
        "previewed",
        2,
        2,
    )
    assert batch.rows == [
        {"line": 2, "values": {"name": "ada", "note": "x"}, "errors": {}},
        {"line": 3, "values": {"name": "bob", "note": ""}, "errors": {}},
    ]
    assert preview.valid is True
    assert (
        AuditEvent.objects.filter(action="tests.names_import.previewed", object_id=str(batch.pk)).count() == 1
    )
    # when applied
    import_apply(batch=batch, actor=world.a.admin)
    # then the kind's apply got every row, checked again
    assert applied == [["ADA", "BOB"]]
    batch.refresh_from_db()
    assert batch.status == "applied"
    assert AuditEvent.objects.filter(action="tests.names_import.applied").count() == 1


def test_a_refused_row_rejects_the_batch_and_it_cannot_be_applied(world, names_kind):
    kind, applied = names_kind
    preview = import_upload(
        kind=kind.code,
        body=world.a.body,
        actor=world.a.admin,
        upload=SimpleUploadedFile("names.csv", b"name,note\nada,\n,x\n\nbob,\n"),
    )
    assert [(row.line, row.errors) for row in preview.rows] == [(2, {}), (3, {"name": "Required."}), (5, {})]
    assert preview.batch.status == "rejected"
    with pytest.raises(TransitionNotAllowed):
        import_apply(batch=preview.batch, actor=world.a.admin)
    assert applied == []


def test_the_kind_permission_is_checked_on_upload_and_apply(world, names_kind):
    kind, applied = names_kind
    with pytest.raises(PermissionDenied):
        import_upload(
            kind=kind.code,
            body=world.a.body,
            actor=world.a.member,
            upload=SimpleUploadedFile("names.csv", b"name\nada\n"),
        )
    assert not ImportBatch.objects.exists()
    preview = import_upload(
        kind=kind.code,
        body=world.a.body,
        actor=world.a.admin,
        upload=SimpleUploadedFile("n.csv", b"name\nada\n"),
    )
    with pytest.raises(PermissionDenied):
        import_apply(batch=preview.batch, actor=world.b.admin)
    assert applied == []
    assert ImportBatch.objects.get().status == "previewed"


def test_the_row_limit_is_a_file_error_at_the_first_row_over_it(world, names_kind, settings):
    kind, _applied = names_kind
    settings.IMPORT_MAX_ROWS = 2
    at_limit = import_upload(
        kind=kind.code,
        body=world.a.body,
        actor=world.a.admin,
        upload=SimpleUploadedFile("a.csv", b"name\na\nb\n"),
    )
    over = import_upload(
        kind=kind.code,
        body=world.a.body,
        actor=world.a.admin,
        upload=SimpleUploadedFile("b.csv", b"name\na\nb\nc\n"),
    )
    assert (at_limit.valid, at_limit.batch.status) == (True, "previewed")
    assert (over.file_errors, over.rows, over.batch.status) == (["At most 2 rows per file."], [], "rejected")


def test_an_xlsx_bomb_is_refused_on_upload_and_nothing_is_stored(world):
    # given a workbook whose sheet is 2 MiB of one byte (it packs about a thousand to one)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (2 * 1024 * 1024))
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    before = AuditEvent.objects.count()
    # when / then
    with pytest.raises(ValidationError) as exc:
        competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    assert exc.value.message_dict == {"file": ["The workbook unpacks to too much data to import."]}
    assert not ImportBatch.objects.exists()
    assert AuditEvent.objects.count() == before


# --- parse once ---------------------------------------------------------------------------------------------


def test_the_preview_page_reads_the_stored_result_not_the_file(login, world, monkeypatch):
    # given an uploaded file
    client = login(world.a.admin)
    client.post(reverse("competence:import"), {"file": csv_upload(*good_lines(world.a.admin.email))})
    batch = ImportBatch.objects.get()

    # when the preview is shown with reading made impossible
    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr("imports.services.read_table", no_reading)
    batch.file.delete(save=False)
    response = client.get(reverse("competence:import-preview", args=[batch.pk]))

    # then it is shown all the same
    assert response.status_code == 200
    assert response.context["can_apply"] is True
    assert [row["line"] for row in response.context["rows"]] == [2, 3]


def test_apply_checks_the_stored_rows_again_without_reading_the_file(world, monkeypatch):
    preview = competence_import_preview(
        body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
    )
    monkeypatch.setattr("imports.services.read_table", None)
    preview.batch.file.delete(save=False)
    before = written()

    competence_import_apply(batch=preview.batch, actor=world.a.admin)

    assert written() == (before[0] + 2, before[1] + 1)


# --- large files: a task, with progress -----------------------------------------------------------------------


def test_a_large_file_is_read_by_a_task_after_commit(world, settings, django_capture_on_commit_callbacks):
    # given a file over the inline size
    settings.IMPORT_INLINE_MAX_BYTES = 10
    # when uploaded
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        preview = competence_import_preview(
            body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
        )
    # then it is stored as being read, with no rows yet, and a task waits for the commit
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_parsed, batch.rows, preview.rows, preview.valid) == (
        "parsing",
        0,
        [],
        [],
        False,
    )
    assert len(callbacks) == 1
    with pytest.raises(TransitionNotAllowed):
        competence_import_apply(batch=batch, actor=world.a.admin)
    # when the commit runs the task (eager in tests)
    callbacks[0]()
    # then the rows are stored and the batch can be applied
    batch.refresh_from_db()
    assert (batch.status, batch.row_count, batch.rows_parsed, batch.error_count) == ("previewed", 2, 2, 0)
    assert import_preview(batch=batch).valid is True
    competence_import_apply(batch=batch, actor=world.a.admin)
    assert Membership.objects.filter(body=world.a.body, user__email="ragna@auditors.example").exists()


def test_a_workbook_is_sent_to_the_task_by_its_unpacked_size(
    world, settings, django_capture_on_commit_callbacks
):
    # given a small XLSX whose parts unpack to more than the inline limit
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(COLUMNS)
    book.active.append(good_lines(world.a.admin.email)[1].split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    unpacked = sum(member.file_size for member in zipfile.ZipFile(buffer).infolist())
    settings.IMPORT_INLINE_MAX_BYTES = unpacked - 1
    assert len(buffer.getvalue()) < settings.IMPORT_INLINE_MAX_BYTES
    # when
    with django_capture_on_commit_callbacks(execute=True):
        preview = competence_import_preview(
            body=world.a.body,
            actor=world.a.admin,
            upload=SimpleUploadedFile("people.xlsx", buffer.getvalue()),
        )
    # then it was left to the task, which read it
    assert preview.rows == []
    batch = ImportBatch.objects.get()
    assert (batch.filename, batch.status, batch.row_count) == ("people.xlsx", "previewed", 1)


def test_the_task_is_safe_to_run_twice_and_for_a_batch_that_is_gone(
    world, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        competence_import_preview(
            body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
        )
    batch = ImportBatch.objects.get()
    stored = (batch.status, batch.rows, batch.updated_at)

    assert import_parse_task(str(batch.pk)) == "previewed"
    batch.refresh_from_db()
    assert (batch.status, batch.rows, batch.updated_at) == stored
    assert import_parse_task("00000000-0000-0000-0000-000000000000") is None


def test_an_unreadable_large_file_is_rejected_by_the_task_with_the_reason(world, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload = SimpleUploadedFile("people.csv", (HEADER + "\nj@x.is,Jón Þór\n").encode("latin-1"))
    competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    batch = import_parse(batch_id=ImportBatch.objects.get().pk)
    assert (batch.status, batch.file_errors, batch.rows) == (
        "rejected",
        ["A CSV file must be UTF-8 encoded."],
        [],
    )


def test_the_preview_page_shows_progress_and_htmx_polls_until_read(login, world, settings):
    # given a large file uploaded through the page (its task has not run: the test transaction never commits)
    settings.IMPORT_INLINE_MAX_BYTES = 10
    client = login(world.a.admin)
    upload = client.post(reverse("competence:import"), {"file": csv_upload(*good_lines(world.a.admin.email))})
    batch = ImportBatch.objects.get()
    page = reverse("competence:import-preview", args=[batch.pk])
    assert upload["Location"] == page
    # when the page is shown, and polled
    shown = client.get(page)
    ImportBatch.objects.filter(pk=batch.pk).update(rows_parsed=1)
    polled = client.get(page, headers={"HX-Request": "true"})
    # then both show the progress, the poll as the partial alone
    assert shown.status_code == 200
    assert 'id="import-progress"' in shown.content.decode()
    assert f'hx-get="{page}"' in shown.content.decode()
    assert [t.name for t in polled.templates] == ["imports/partials/_progress.html"]
    assert "Reading the file: 1 row so far." in polled.content.decode()
    # when the file has been read
    import_parse(batch_id=batch.pk)
    done = client.get(page, headers={"HX-Request": "true"})
    # then the poll asks for the whole page, which shows the preview
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")
    assert client.get(page).context["can_apply"] is True


def test_the_progress_poll_is_404_for_another_body(login, world, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    login(world.a.admin).post(
        reverse("competence:import"), {"file": csv_upload(*good_lines(world.a.admin.email))}
    )
    batch = ImportBatch.objects.get()
    response = login(world.b.admin).get(
        reverse("competence:import-preview", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 404
    assert ImportBatch.objects.get().status == "parsing"


def test_the_api_answers_parsing_for_a_large_file_then_the_import_is_previewed(world, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    client = signed_in(world.a.admin)
    before = written()

    response = client.post(
        url("competence-import-list"),
        {"body": str(world.a.body.pk), "file": csv_upload(*good_lines(world.a.admin.email))},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["valid"], data["rowCount"], data["rows"]) == ("parsing", False, 0, [])
    import_parse(batch_id=data["id"])
    detail = client.get(url("competence-import-detail", data["id"])).json()
    assert (detail["status"], detail["rowCount"], detail["errorCount"]) == ("previewed", 2, 0)
    assert written() == before


# --- the rows are checked by the services' own validators -----------------------------------------------------


def test_rows_are_checked_with_the_services_wording(world):
    # given rows that break the record's and the evaluation's rules
    lines = [
        "a@auditors.example,A,employee,auditor,,iso-14064-3,ghg,1,body_admin,training;luck,,,2028-01-31",
        f"b@auditors.example,B,employee,auditor,,iso-14064-3,ghg,1,auditor,training,{world.a.admin.email},2999-01-01,2028-01-31",
        "c@auditors.example,C,freelance,auditor,,,,,,,,,",
    ]
    # when
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=csv_upload(*lines))
    # then the messages are the services' (competence_record_validate, competence_evaluation_validate,
    # person_validate), filed under the file's columns
    assert [row.errors for row in preview.rows] == [
        {"competence_role": "Choose a role that needs a competence record.", "basis": "Unknown basis."},
        {"evaluated_on": "The evaluation cannot be dated in the future."},
        {"employment": "Unknown kind of employment."},
    ]
    assert preview.batch.status == "rejected"


def test_a_read_the_broker_lost_is_given_to_a_worker_again_after_the_stale_minutes(
    world, settings, django_capture_on_commit_callbacks
):
    # given a large upload whose task never reached a worker (the broker was down at the commit)
    from datetime import timedelta

    from django.utils import timezone

    from imports.services import imports_reconcile
    from imports.tasks import imports_reconcile_task

    settings.IMPORT_INLINE_MAX_BYTES = 10
    settings.IMPORT_PARSE_STALE_MINUTES = 10
    with django_capture_on_commit_callbacks(execute=False):
        competence_import_preview(
            body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
        )
    batch = ImportBatch.objects.get()
    uploaded = batch.created_at
    # then it is left alone up to the stale minutes, and taken the minute after
    assert imports_reconcile(now=uploaded + timedelta(minutes=10)) == []
    assert imports_reconcile(now=uploaded + timedelta(minutes=10, seconds=1)) == [batch.pk]
    # when the beat's reconciler runs later (eager Celery runs the read at once)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert imports_reconcile_task() == 1
    # then the batch is read once, and a second sweep finds nothing
    batch.refresh_from_db()
    assert (batch.status, batch.row_count) == ("previewed", 2)
    assert imports_reconcile_task() == 0
