"""PostgreSQL restarted under load: requests fail fast with a clean 503 page, and the platform recovers by
itself within seconds.

Four clients keep asking the platform (gunicorn, one process with four threads, connections kept between
requests: CONN_MAX_AGE) for a portal page and an API list while PostgreSQL stops, stays down for a few
seconds, and starts again. While it is down, every answer is a 503 — the branded page with `Retry-After` for
the portal, `{"code": "service_unavailable"}` for the API — and none takes more than 5 s; once it is up, the
kept connections are found dead by their health check and replaced, and every request succeeds again without
a restart of the web process.
"""

from __future__ import annotations

import threading
import time

import pytest

from .http import Answer, call

# django_db: the pytest database is set up (the private cluster copies it); the test itself never writes there
pytestmark = [pytest.mark.faults, pytest.mark.django_db]

CLIENTS = 4
DOWN_SECONDS = 3.0
LONGEST_WAIT_SECONDS = 5.0
RECOVERY_SECONDS = 5.0


def test_postgres_restarted_under_load(platform, record_figures):
    # given the platform serving, with a signed-in person and a token
    platform.start_agent()
    base = platform.web()
    seeded = platform.agent("seed_web", bodies=1)
    portal = ("/accounts/profile/", {"session": seeded["session"]})
    api = ("/api/v1/bodies/", {"token": seeded["token"]})
    assert call(base, "GET", portal[0], **portal[1]).status == 200
    assert call(base, "GET", api[0], **api[1]).status == 200

    answers: list[Answer] = []
    stop = threading.Event()

    def client(index: int) -> None:
        path, credentials = portal if index % 2 == 0 else api
        while not stop.is_set():
            answers.append(call(base, "GET", path, timeout=15, **credentials))
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()

    # when PostgreSQL stops under load, stays down a few seconds, and starts again
    time.sleep(1.5)
    down_at = time.monotonic()
    platform.postgres.stop()
    time.sleep(DOWN_SECONDS)
    platform.postgres.start()  # returns once it accepts connections
    up_at = time.monotonic()
    time.sleep(5.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    # then every request was answered fast, 200 or a clean 503, and the 503s stopped once it was back
    statuses = {answer.status for answer in answers}
    failures = [answer for answer in answers if answer.status != 200]
    longest = max(answer.seconds for answer in answers)
    last_failure = max((answer.started + answer.seconds for answer in failures), default=up_at)
    recovered_after = max(0.0, last_failure - up_at)
    record_figures(
        "postgres-restart",
        requests=len(answers),
        served_503=sum(1 for answer in answers if answer.status == 503),
        other_errors=sum(1 for answer in answers if answer.status not in (200, 503)),
        longest_wait_seconds=round(longest, 2),
        down_seconds=round(up_at - down_at, 1),
        recovered_after_seconds=round(recovered_after, 2),
    )
    assert statuses <= {200, 503}, sorted(statuses)
    assert failures, "no request met the database down: the restart was not under load"
    assert longest <= LONGEST_WAIT_SECONDS
    assert recovered_after <= RECOVERY_SECONDS
    for answer in failures:
        assert answer.headers.get("retry-after") == "60"
        if answer.path.startswith("/api/"):
            assert answer.json()["code"] == "service_unavailable"
        else:
            page = answer.body.decode()
            assert answer.headers["content-type"].startswith("text/html")
            assert "The service is briefly unavailable" in page
            assert "ICR Conformity" in page
    # and the platform serves again without a restart of its web process
    assert call(base, "GET", portal[0], **portal[1]).status == 200
    assert call(base, "GET", api[0], **api[1]).status == 200
    assert all(proc.popen.poll() is None for proc in platform.processes)
