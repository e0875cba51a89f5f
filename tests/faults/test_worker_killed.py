"""A PDF worker killed with SIGKILL mid-render: the document still ends `ready`, exactly once.

The worker (parent and pool child) dies while the row is `rendering`; its task was taken but never
acknowledged (acks_late). Both ways the platform gets the work back then run: kombu hands the unacknowledged
message to the queue again once the visibility timeout has passed, and the documents reconciler (beat) enqueues
the render of a row left `rendering` longer than DOCUMENT_RENDER_STALE_MINUTES. A new worker receives both
messages at once; the render's compare-and-set claim lets one of them render.
"""

from __future__ import annotations

import signal
import time

import pytest

# django_db: the pytest database is set up (the private cluster copies it); the test itself never writes there
pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def test_a_worker_killed_mid_render_leaves_one_ready_document(platform, record_figures):
    # given a document waiting on the pdf queue, and a worker taking it
    platform.start_agent()
    worker = platform.worker("pdf-1", "pdf", wait=False)
    document_id = platform.agent("seed_render")["document"]

    # when the worker and its pool child are killed (SIGKILL) while the document is rendering
    def status() -> tuple[str, int]:
        rows = platform.sql("SELECT status, attempts FROM documents_document WHERE id = %s", document_id)
        return rows[0][0], rows[0][1]

    deadline = time.monotonic() + 60
    while status()[0] != "rendering":
        assert time.monotonic() < deadline, worker.tail()
        time.sleep(0.01)
    children = worker.children()
    worker.signal_group(signal.SIGKILL)
    worker.popen.wait(timeout=10)
    killed_at = time.monotonic()
    assert children, "the worker had no pool child rendering"
    assert status() == ("rendering", 1), "the render finished before the kill: nothing was interrupted"

    # and the platform gets the work back both ways: the visibility timeout passes (kombu restores the
    # message the dead worker held) and the reconciler runs once the claim looks stale
    restored = platform.agent("restore_unacked")["restored"]
    reconciled = platform.agent("reconcile_after", minutes=11, age_claims=True)["enqueued"]
    platform.worker("pdf-2", "pdf", concurrency=2, wait=False)

    # then the document ends ready, rendered once: one file, one "rendered" event
    deadline = time.monotonic() + 90
    while status()[0] != "ready":
        assert time.monotonic() < deadline, platform.logs()
        time.sleep(0.1)
    recovered_seconds = time.monotonic() - killed_at
    time.sleep(1.0)  # the second message (whichever ran last) is done too
    report = platform.agent("documents_report")["documents"]
    notifications = platform.sql("SELECT count(*) FROM reminders_notification")[0][0]
    files = sorted(path.name for path in (platform.media / "documents").rglob("*") if path.is_file())

    assert restored == 1
    assert reconciled == 1
    assert len(report) == 1
    document = report[0]
    assert document["status"] == "ready"
    assert files == [f"{document['number']}.pdf"]
    assert document["events"] == {"documents.document.requested": 1, "documents.document.rendered": 1}
    assert (
        document["attempts"] == 2
    )  # the killed attempt and the one that finished; the extra message rendered nothing
    lost = 0 if document["status"] == "ready" else 1
    duplicates = (len(files) - 1) + (document["events"]["documents.document.rendered"] - 1)
    record_figures(
        "sigkill-render",
        jobs_lost=lost,
        duplicates=duplicates,
        files=len(files),
        rendered_events=document["events"]["documents.document.rendered"],
        notifications=notifications,
        messages_redelivered=restored + reconciled,
        ready_after_seconds=round(recovered_seconds, 1),
    )
    assert lost == 0
    assert duplicates == 0
