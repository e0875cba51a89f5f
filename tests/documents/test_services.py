"""Requesting and rendering: pending row, audit, enqueue after commit; idempotent, failing, stale renders."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bodies import services as body_services
from bodies.documents import APPROVAL_LETTER
from bodies.models import Body
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from documents import services
from documents.models import Document
from documents.services import (
    MAX_RENDER_ATTEMPTS,
    document_render,
    document_request,
    document_rerender,
    documents_reconcile,
)
from documents.tasks import document_render_task, documents_reconcile_task
from tests.factories import AccreditationFactory, BodyFactory

pytestmark = pytest.mark.django_db


def _boom(document):  # type: ignore[no-untyped-def]
    raise ValueError("template exploded")


# --- request ------------------------------------------------------------------------------------------------


def test_request_creates_a_pending_document_and_an_audit_event(world, enqueued):
    # when registry staff request body A's approval letter
    document = document_request(
        kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff
    )

    # then a pending row exists with a human-readable number
    document.refresh_from_db()
    assert re.fullmatch(r"ICR-DOC-\d{4}-[2-9A-HJKMNP-TV-Z]{6}", document.number)
    assert document.number.startswith(f"ICR-DOC-{timezone.now().year}-")
    assert document.status == Document.Status.PENDING
    assert document.kind == APPROVAL_LETTER
    assert document.body_id == world.a.body.pk
    assert document.subject == world.a.body
    assert document.requested_by == world.staff
    assert document.attempts == 0
    assert document.file.name == ""
    # and the request is in body A's audit trail
    event = AuditEvent.objects.get(action="documents.document.requested")
    assert event.body_id == world.a.body.pk
    assert event.actor == world.staff
    assert event.object_id == str(document.pk)
    assert event.after == {
        "number": document.number,
        "kind": APPROVAL_LETTER,
        "subject_type": "bodies.body",
        "subject_id": str(world.a.body.pk),
        "status": "pending",
    }


def test_render_is_enqueued_only_when_the_transaction_commits(
    world, enqueued, django_capture_on_commit_callbacks
):
    # when a document is requested inside a transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = document_request(
            kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff
        )
        # then nothing is enqueued before the commit
        assert enqueued == []

    # and exactly one render is enqueued, with the id, once it commits
    assert len(callbacks) == 1
    assert enqueued == [str(document.pk)]


def test_rolled_back_request_leaves_no_row_no_event_and_enqueues_nothing(
    world, enqueued, django_capture_on_commit_callbacks
):
    # when the surrounding service fails after requesting the document
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        document_request(kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff)
        raise RuntimeError("the decision failed")

    # then nothing of it remains
    assert callbacks == []
    assert enqueued == []
    assert Document.objects.count() == 0
    assert AuditEvent.objects.filter(action="documents.document.requested").count() == 0


def test_body_approval_requests_the_letter_in_its_own_transaction(
    world, enqueued, django_capture_on_commit_callbacks
):
    # given a body under review with a signed agreement and a verified accreditation
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, approved_at=None)
    AccreditationFactory(body=body)

    # when registry staff approve it
    with django_capture_on_commit_callbacks(execute=True):
        body_services.body_approve(body=body, actor=world.staff, reason="Accredited under ISO 14065.")

    # then one pending approval letter is queued for rendering
    document = Document.objects.get()
    assert document.kind == APPROVAL_LETTER
    assert document.body_id == body.pk
    assert document.subject_id == str(body.pk)
    assert document.status == Document.Status.PENDING
    assert enqueued == [str(document.pk)]


def test_unknown_kind_is_refused_and_nothing_is_created(world, enqueued):
    # when a document of a kind nobody registered is requested
    with pytest.raises(ValidationError) as error:
        document_request(kind="nope.nothing", subject=world.a.body, body=world.a.body, actor=world.staff)

    # then it is a field error and nothing changed
    assert error.value.message_dict == {"kind": ["Unknown document kind."]}
    assert Document.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="documents.").count() == 0


@pytest.mark.parametrize("who", ["member", "other_admin"])
def test_only_staff_or_the_bodys_admin_may_request_the_letter(world, enqueued, who):
    actor = {"member": world.a.member, "other_admin": world.b.admin}[who]

    # when someone else asks for body A's letter
    with pytest.raises(PermissionDenied):
        document_request(kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=actor)

    # then nothing changed
    assert Document.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="documents.").count() == 0
    assert enqueued == []


def test_body_admin_may_request_their_letter_but_not_for_a_suspended_body(world, enqueued):
    # given body A's admin gets a letter
    document = document_request(
        kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.a.admin
    )
    assert document.requested_by == world.a.admin

    # when body A is suspended, nobody can have a new approval letter made
    Body.objects.filter(pk=world.a.body.pk).update(status=Body.Status.SUSPENDED)
    world.a.body.refresh_from_db()
    with pytest.raises(PermissionDenied):
        document_request(kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff)
    assert Document.objects.count() == 1


def test_number_clash_is_retried_inside_the_callers_transaction(world, enqueued, monkeypatch):
    # given a document that already holds the first number the generator will produce
    first = document_request(kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff)
    numbers = iter([first.number, "ICR-DOC-2026-ZZZZZZ"])
    monkeypatch.setattr(services, "document_number_generate", lambda *, year: next(numbers))

    # when another is requested
    with transaction.atomic():
        second = document_request(
            kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff
        )

    # then the clash was absorbed by a savepoint and the next number used
    assert second.number == "ICR-DOC-2026-ZZZZZZ"
    assert Document.objects.count() == 2


# --- render -------------------------------------------------------------------------------------------------


def test_rendering_twice_is_harmless(world, request_letter):
    # given a rendered letter
    document = request_letter()
    first = document_render(document_id=document.pk)

    # when the task runs again (a duplicate delivery)
    second = document_render(document_id=document.pk)
    status = document_render_task(str(document.pk))

    # then nothing changed: one ready document, the same bytes, one render recorded
    assert status == "ready"
    assert second.sha256 == first.sha256
    assert second.rendered_at == first.rendered_at
    assert Document.objects.get().attempts == 1
    assert Document.objects.filter(status=Document.Status.READY).count() == 1
    assert AuditEvent.objects.filter(action="documents.document.rendered").count() == 1


def test_task_returns_early_when_the_document_is_gone(db):
    assert document_render_task("5b0c7a3e-8a51-4ef0-9a5c-000000000000") is None


def test_failing_render_marks_failed_and_can_be_retried(world, request_letter, monkeypatch):
    # given a template that blows up
    document = request_letter()
    monkeypatch.setattr(services, "document_pdf", _boom)

    # when the task runs
    status = document_render_task(str(document.pk))

    # then the document is failed with the error, no file, and the failure is in the audit trail
    document.refresh_from_db()
    assert status == "failed"
    assert document.status == Document.Status.FAILED
    assert document.error == "ValueError: template exploded"
    assert document.attempts == 1
    assert document.file.name == ""
    assert document.sha256 == ""
    failed = AuditEvent.objects.get(action="documents.document.failed")
    assert failed.after == {"status": "failed", "error": "ValueError: template exploded"}

    # when the problem is fixed and it is retried
    monkeypatch.undo()
    rendered = document_render(document_id=document.pk)

    # then it is ready and the error is gone
    assert rendered.status == Document.Status.READY
    assert rendered.error == ""
    assert rendered.attempts == 2


def test_transient_errors_are_retried_with_a_cap(world, request_letter, monkeypatch):
    # given storage that keeps failing
    document = request_letter()

    def disk_full(doc, content):  # type: ignore[no-untyped-def]
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_store", disk_full)

    # when the task runs (eagerly, its retries run at once instead of raising Retry to the caller)
    monkeypatch.setitem(document_render_task.app.conf, "task_eager_propagates", False)
    result = document_render_task.apply(args=[str(document.pk)])

    # then it was tried once and retried three times, then gave up; the row says failed
    assert result.failed()
    assert isinstance(result.result, OSError)
    document.refresh_from_db()
    assert document.attempts == 4
    assert document.status == Document.Status.FAILED
    assert document.error == "OSError: No space left on device"


def test_render_in_progress_is_not_taken_over_until_stale(world, request_letter, settings):
    # given a render another worker claimed a minute ago
    document = request_letter()
    claimed_at = timezone.now() - timedelta(minutes=1)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RENDERING, claimed_at=claimed_at, attempts=1
    )

    # when a duplicate task runs
    result = document_render(document_id=document.pk)

    # then it leaves the other worker alone
    assert result.status == Document.Status.RENDERING
    assert result.claimed_at == claimed_at
    assert result.attempts == 1

    # when the claim is older than the stale limit (the worker died), the next run takes over
    Document.objects.filter(pk=document.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES + 1)
    )
    result = document_render(document_id=document.pk)
    assert result.status == Document.Status.READY
    assert result.attempts == 2


def test_a_takeover_wins_over_the_stale_worker(world, request_letter, monkeypatch):
    # given a worker whose claim was taken over while it was rendering
    document = request_letter()
    real_pdf = services.document_pdf

    def slow_pdf(doc):  # type: ignore[no-untyped-def]
        content = real_pdf(doc)
        Document.objects.filter(pk=doc.pk).update(claimed_at=timezone.now() + timedelta(seconds=5))
        return content

    monkeypatch.setattr(services, "document_pdf", slow_pdf)

    # when it finishes
    result = document_render(document_id=document.pk)

    # then it records nothing: the newer claim owns the result
    assert result.status == Document.Status.RENDERING
    assert result.sha256 == ""
    assert AuditEvent.objects.filter(action="documents.document.rendered").count() == 0


# --- supersession -------------------------------------------------------------------------------------------


def test_newer_letter_supersedes_the_older_one(world, request_letter):
    # given two letters for body A
    older = request_letter()
    newer = request_letter()

    # when both are rendered in order
    document_render(document_id=older.pk)
    document_render(document_id=newer.pk)

    # then only the newer is current
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.superseded_at is not None
    assert newer.superseded_at is None
    event = AuditEvent.objects.get(action="documents.document.superseded")
    assert event.object_id == str(older.pk)
    assert event.after["superseded_by"] == newer.number


def test_older_letter_rendered_last_is_superseded_at_once(world, request_letter):
    # given two letters whose renders finish out of order
    older = request_letter()
    newer = request_letter()
    document_render(document_id=newer.pk)

    # when the older one becomes ready after the newer
    document_render(document_id=older.pk)

    # then the newer stays current and the older is born superseded
    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.superseded_at is None
    assert older.status == Document.Status.READY
    assert older.superseded_at is not None


def test_letters_of_different_bodies_do_not_supersede_each_other(world, request_letter):
    a = request_letter(body=world.a.body)
    b = request_letter(body=world.b.body)
    document_render(document_id=a.pk)
    document_render(document_id=b.pk)
    assert list(Document.objects.filter(superseded_at__isnull=False)) == []


# --- reconciler ---------------------------------------------------------------------------------------------


def test_reconciler_re_enqueues_stale_pending_and_stuck_renders_only(
    world, request_letter, enqueued, settings
):
    # given documents in every state, some older than the stale limit
    long_ago = timezone.now() - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES + 5)
    lost = request_letter()
    fresh = request_letter()
    stuck = request_letter()
    busy = request_letter()
    ready = request_letter()
    Document.objects.filter(pk__in=[lost.pk, stuck.pk, busy.pk, ready.pk]).update(requested_at=long_ago)
    Document.objects.filter(pk=stuck.pk).update(
        status=Document.Status.RENDERING, claimed_at=long_ago, attempts=1
    )
    Document.objects.filter(pk=busy.pk).update(
        status=Document.Status.RENDERING, claimed_at=timezone.now(), attempts=1
    )
    document_render(document_id=ready.pk)

    # when the reconciler runs
    count = documents_reconcile_task()

    # then only the lost pending one and the stuck render are enqueued again
    assert count == 2
    assert sorted(enqueued) == sorted([str(lost.pk), str(stuck.pk)])
    fresh.refresh_from_db()
    assert fresh.status == Document.Status.PENDING


def test_reconciled_document_renders(world, request_letter, settings):
    # given a pending document whose job the broker lost
    document = request_letter()
    Document.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES + 1)
    )

    # when the reconciler runs (tasks run eagerly in tests)
    documents_reconcile_task()

    # then it is rendered
    document.refresh_from_db()
    assert document.status == Document.Status.READY


def test_reconciler_gives_up_on_renders_that_keep_dying(world, request_letter, settings):
    # given a render that was interrupted MAX_RENDER_ATTEMPTS times
    document = request_letter()
    long_ago = timezone.now() - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES + 1)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RENDERING, claimed_at=long_ago, attempts=MAX_RENDER_ATTEMPTS
    )

    # when the reconciler looks at it
    ids = documents_reconcile()

    # then it is failed for staff to look at, not retried forever
    document.refresh_from_db()
    assert ids == []
    assert document.status == Document.Status.FAILED
    assert document.error == f"Rendering was interrupted {MAX_RENDER_ATTEMPTS} times; giving up."
    assert (
        AuditEvent.objects.filter(action="documents.document.failed", object_id=str(document.pk)).count() == 1
    )


# --- re-render ----------------------------------------------------------------------------------------------


def test_staff_rerender_resets_a_failed_document_and_enqueues_it(
    world, request_letter, enqueued, django_capture_on_commit_callbacks
):
    # given a failed document
    document = request_letter()
    Document.objects.filter(pk=document.pk).update(status=Document.Status.FAILED, error="boom", attempts=4)

    # when registry staff re-render it
    with django_capture_on_commit_callbacks(execute=True):
        result = document_rerender(document=document, actor=world.staff)

    # then it is pending again, audited, and enqueued
    assert result.status == Document.Status.PENDING
    assert result.error == ""
    assert result.attempts == 0
    assert enqueued == [str(document.pk)]
    event = AuditEvent.objects.get(action="documents.document.rerender_requested")
    assert event.actor == world.staff
    assert event.before == {"status": "failed", "error": "boom", "attempts": 4}
    assert event.after == {"status": "pending"}


def test_rerender_is_refused_for_ready_documents_and_non_staff(world, request_letter, enqueued):
    # given a ready document and a failed one
    ready = request_letter()
    document_render(document_id=ready.pk)
    failed = request_letter()
    Document.objects.filter(pk=failed.pk).update(status=Document.Status.FAILED, error="boom")
    events = AuditEvent.objects.count()

    # when a ready document is re-rendered, or a body admin tries
    with pytest.raises(TransitionNotAllowed):
        document_rerender(document=ready, actor=world.staff)
    with pytest.raises(PermissionDenied):
        document_rerender(document=failed, actor=world.a.admin)

    # then nothing changed: a ready document's bytes never change
    ready_after = Document.objects.get(pk=ready.pk)
    assert ready_after.status == Document.Status.READY
    assert ready_after.sha256 == Document.objects.get(pk=ready.pk).sha256
    assert Document.objects.get(pk=failed.pk).status == Document.Status.FAILED
    assert AuditEvent.objects.count() == events
    assert enqueued == []
