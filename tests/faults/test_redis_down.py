"""Redis stops during writes: no request waits more than 5 s, every committed change stays committed, and once
Redis is back every job and notification that was due runs exactly once.

Redis first freezes (SIGSTOP: connections hang, as with a network partition), then dies (SIGKILL: refused).
Meanwhile the API takes registry decisions (each tells the body's administrators: a notification and its
email) and document requests (each a render on the pdf queue); every enqueue after commit fails. Redis comes
back empty, as it would without persistence; the worker that was serving all along finds it again, beat's
reconcilers run — twice, as beat would — and every render and email is done once.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from .http import Answer, call

# django_db: the pytest database is set up (the private cluster copies it); the test itself never writes there
pytestmark = [pytest.mark.faults, pytest.mark.django_db]

LONGEST_WAIT_SECONDS = 5.0


def emails_by_recipient(platform) -> Counter[str]:  # type: ignore[no-untyped-def]
    """The file backend's messages (one file per connection, messages separated by a line of dashes)."""
    sent: Counter[str] = Counter()
    for path in platform.mail.glob("*"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                sent[line[4:].strip()] += 1
    return sent


def test_redis_frozen_then_dead_during_writes(platform, record_figures):
    # given the platform serving, and two bodies (one for each phase of the outage)
    platform.start_agent()
    worker = platform.worker("worker", "pdf,email,default", concurrency=2, wait=False)
    base = platform.web()
    platform.ready(worker)  # it lives through the outage, and has to find Redis again
    seeded = platform.agent("seed_web", bodies=2)
    registry = seeded["token"]
    assert call(base, "GET", "/api/v1/bodies/", token=registry).status == 200

    def writes(body: dict[str, str]) -> list[Answer]:
        return [
            call(
                base,
                "POST",
                "/api/v1/documents/",
                data={"kind": "bodies.approval_letter", "subjectId": body["id"]},
                token=body["token"],
            ),
            call(
                base,
                "POST",
                f"/api/v1/bodies/{body['id']}/decisions/",
                data={"action": "suspend", "reason": "Fault suite"},
                token=registry,
            ),
            call(base, "GET", "/api/v1/bodies/", token=registry),  # a read: the throttle asks the cache
        ]

    # when Redis freezes, then dies, during writes
    platform.redis.freeze()
    answers = writes(seeded["bodies"][0])
    platform.redis.kill()
    answers += writes(seeded["bodies"][1])

    # then every request was answered, in time, and did what it said
    longest = max(answer.seconds for answer in answers)
    failed = [(a.method, a.path, a.status, a.body[:300]) for a in answers if not 200 <= a.status < 300]
    assert failed == [], platform.logs()
    assert longest <= LONGEST_WAIT_SECONDS, [(a.path, round(a.seconds, 2)) for a in answers]

    # and every committed change stays committed: the suspensions, the documents waiting, the notices
    before = platform.agent("outage_report")
    assert set(before["bodies"].values()) == {"suspended"}
    assert sorted(before["decisions"].values()) == [1, 1]
    assert [d["status"] for d in before["documents"]] == ["pending"] * 2
    told = [n for n in before["notifications"] if n["kind"] == "bodies.body.suspended"]
    assert sorted(n["user"] for n in told) == sorted(body["admin"] for body in seeded["bodies"])
    assert {n["email_status"] for n in told} == {"pending"}

    # when Redis is back (empty) and beat's reconcilers run, twice, with the worker still serving
    platform.redis.start()
    back_at = time.monotonic()
    first = platform.agent("outage_sweeps", minutes=11)
    second = platform.agent("outage_sweeps", minutes=11)

    # then every render and every email that was due is done, exactly once
    def done() -> dict[str, object] | None:
        report = platform.agent("outage_report")
        documents_ready = all(d["status"] == "ready" for d in report["documents"])
        emails_done = all(n["email_status"] == "sent" for n in report["notifications"])
        return report if documents_ready and emails_done else None

    deadline = time.monotonic() + 120
    while (after := done()) is None:
        assert time.monotonic() < deadline, platform.logs()
        time.sleep(0.5)
    caught_up_seconds = time.monotonic() - back_at
    time.sleep(1.0)  # what was enqueued twice has run its second time too
    after = platform.agent("outage_report")
    emails = emails_by_recipient(platform)

    rendered = [d["events"].get("documents.document.rendered", 0) for d in after["documents"]]
    files = [path for path in (platform.media / "documents").rglob("*") if path.is_file()]
    email_counts = [emails[n["user"]] for n in after["notifications"]]
    jobs_due = len(after["documents"]) + len(after["notifications"])
    lost = sum(1 for count in rendered if count == 0) + sum(1 for count in email_counts if count == 0)
    duplicates = sum(max(count - 1, 0) for count in rendered + email_counts) + max(len(files) - 2, 0)
    record_figures(
        "redis-down",
        requests=len(answers),
        longest_wait_seconds=round(longest, 2),
        failed_requests=len(failed),
        jobs_due=jobs_due,
        jobs_lost=lost,
        duplicates=duplicates,
        reenqueued_by_sweeps=first["documents_enqueued"] + second["documents_enqueued"],
        caught_up_seconds=round(caught_up_seconds, 1),
    )
    assert sorted(after["decisions"].values()) == [1, 1]
    assert rendered == [1, 1]
    assert len(files) == 2
    assert len(after["notifications"]) == 2
    assert email_counts == [1, 1]
    assert [n["attempts"] for n in after["notifications"]] == [1, 1]
    assert lost == 0
    assert duplicates == 0
