"""Two beat schedulers running at once for a while: each reminder and each webhook delivery exactly once.

Production runs one beat; a second one (a deployment that started two, a failover that did not stop the old)
must cost nothing but work. Both beats send the deadline sweep, the email reconciler and the webhook sweep
every second or two to one worker with two processes, over reminders that are due and webhook deliveries
whose first message was lost (Redis emptied after they were written). The receiver counts every POST by its
event id and answers slowly, so sweeps overlap with sends in flight.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.signing import EVENT_ID_HEADER

from .conftest import wait_until

# django_db: the pytest database is set up (the private cluster copies it); the test itself never writes there
pytestmark = [pytest.mark.faults, pytest.mark.django_db]

REMINDERS = 4
DELIVERIES = 6
BEATS_SECONDS = 10


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.posts: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.posts[self.headers.get(EVENT_ID_HEADER, "")] += 1
        time.sleep(0.3)  # a slow receiver: the sweeps keep enqueueing while the POST is in flight
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_two_beats_send_each_reminder_and_delivery_once(platform, receiver, record_figures):
    # given due reminders and pending deliveries whose messages were lost
    platform.start_agent()
    seeded = platform.agent("seed_beats", reminders=REMINDERS, deliveries=DELIVERIES, receiver=receiver.url)
    platform.redis.command("FLUSHALL")
    assert receiver.posts == Counter()

    # when two beats run at once for a while, with short periods, and one worker with two processes
    worker = platform.worker("worker", "default,email", concurrency=2, wait=False)
    periods = {"WEBHOOK_SWEEP_SECONDS": "1", "REMINDER_SWEEP_SECONDS": "1", "RECONCILE_SWEEP_SECONDS": "2"}
    platform.ready(worker)
    beats = [platform.beat("beat-1", **periods), platform.beat("beat-2", **periods)]
    for beat in beats:  # both are up and sending (a process start takes a few seconds on a busy machine)
        wait_until(lambda beat=beat: "Sending due task" in beat.tail(200), timeout=90, what=beat.name)
    time.sleep(BEATS_SECONDS)
    for beat in beats:
        assert beat.popen.poll() is None, beat.tail()
        beat.stop()
    sent_per_beat = [beat.tail(10_000).count("Scheduler: Sending due task") for beat in beats]
    sent_by_beats = sum(sent_per_beat)

    # then, once the worker has done what the beats sent, everything was done once
    def settled() -> dict[str, list[dict[str, object]]] | None:
        report = platform.agent("beats_report")
        delivered = all(d["status"] == "delivered" for d in report["deliveries"])
        emailed = all(n["email_status"] == "sent" for n in report["notifications"])
        return report if delivered and emailed and report["notifications"] else None

    deadline = time.monotonic() + 60
    while (report := settled()) is None:
        assert time.monotonic() < deadline, platform.logs()
        time.sleep(0.5)
    time.sleep(1.0)  # the last duplicates of the sweeps' messages have run too
    report = platform.agent("beats_report")
    emails = sum(
        1
        for path in platform.mail.glob("*")
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )

    notifications = report["notifications"]
    per_reminder = Counter((n["deadline"], n["user"]) for n in notifications)
    deliveries = report["deliveries"]
    lost = (
        len(set(seeded["deadlines"]) - {n["deadline"] for n in notifications})
        + sum(1 for event in seeded["events"] if receiver.posts[event] == 0)
        + max(len(notifications) - emails, 0)
    )
    duplicates = (
        sum(count - 1 for count in per_reminder.values())
        + sum(count - 1 for count in receiver.posts.values() if count > 1)
        + max(emails - len(notifications), 0)
    )
    record_figures(
        "two-beats",
        seconds=BEATS_SECONDS,
        tasks_sent_by_beats=sent_by_beats,
        reminders=len(seeded["deadlines"]),
        notifications=len(notifications),
        emails=emails,
        deliveries=len(deliveries),
        posts=sum(receiver.posts.values()),
        jobs_lost=lost,
        duplicates=duplicates,
    )
    assert min(sent_per_beat) >= 5, sent_per_beat  # both beats really ran, sweeping again and again
    assert {n["deadline"] for n in notifications} == set(seeded["deadlines"])
    assert set(per_reminder.values()) == {1}
    assert [n["attempts"] for n in notifications] == [1] * len(notifications)
    assert emails == len(notifications)
    assert sorted(receiver.posts) == sorted(seeded["events"])
    assert set(receiver.posts.values()) == {1}
    assert [(d["status"], d["attempts"]) for d in deliveries] == [("delivered", 1)] * DELIVERIES
    assert lost == 0
    assert duplicates == 0
