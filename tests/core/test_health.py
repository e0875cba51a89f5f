"""The load balancer's health endpoint (core.health): 200 when the database, Redis and the storage answer, 503
naming the one that does not, never an exception's text, no session, no redirect to https, constant queries."""

from __future__ import annotations

import socket

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import health

pytestmark = pytest.mark.django_db

URL = "/healthz"


@pytest.fixture(autouse=True)
def _fresh_redis_clients():  # type: ignore[no-untyped-def]
    health._redis_client.cache_clear()
    yield
    health._redis_client.cache_clear()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends: nothing listens there


def test_every_dependency_answers_200_ok(client, settings):
    assert settings.REDIS_URL, "these tests run with Redis (REDIS_URL)"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }
    assert len(queries) == 1  # SELECT 1: no session, no user, nothing else
    assert "Set-Cookie" not in response
    assert "no-cache" in response["Cache-Control"]
    assert default_storage.exists(health.PROBE_NAME)  # the probe is written on the first check


def test_the_second_check_reads_the_probe_without_writing_it_again(client):
    assert client.get(URL).status_code == 200
    first = default_storage.get_modified_time(health.PROBE_NAME)
    assert client.get(URL).status_code == 200
    assert default_storage.get_modified_time(health.PROBE_NAME) == first
    assert default_storage.listdir("health")[1] == ["probe.txt"]


def test_redis_unreachable_answers_503_naming_it(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "redis": "fail", "storage": "ok"},
    }
    assert b"Error" not in response.content and b"refused" not in response.content


def test_without_redis_configured_the_check_is_off_and_healthy(client, settings):
    settings.REDIS_URL = ""
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "off"


def test_storage_failing_answers_503_naming_it_without_the_reason(client, monkeypatch, caplog):
    def broken(self, name: str) -> bool:  # type: ignore[no-untyped-def]
        raise OSError("disk on fire at /secret/path")

    monkeypatch.setattr(FileSystemStorage, "exists", broken)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "redis": "ok", "storage": "fail"},
    }
    assert b"secret" not in response.content and b"fire" not in response.content
    assert "disk on fire" in caplog.text  # the reason is in the log, for the operator


def test_a_storage_that_cannot_be_written_fails(client, monkeypatch):
    def refused(self, name, content):  # type: ignore[no-untyped-def]
        raise PermissionError("read-only file system")

    monkeypatch.setattr(FileSystemStorage, "_save", refused)
    response = client.get(URL)  # a fresh storage: the probe is missing, and writing it fails
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "fail"
    assert not default_storage.exists(health.PROBE_NAME)


def test_database_failing_answers_503_naming_it(client, monkeypatch):
    def broken() -> str:
        raise RuntimeError("could not connect to server at 10.0.0.5")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "fail", "redis": "ok", "storage": "ok"},
    }
    assert b"10.0.0.5" not in response.content


def test_the_database_check_really_asks_the_database(monkeypatch):
    from django.db.utils import OperationalError

    class DeadCursor:
        def __enter__(self):  # type: ignore[no-untyped-def]
            raise OperationalError("server closed the connection unexpectedly")

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: DeadCursor())
    assert health.run_checks()["database"] == "fail"


def test_no_login_no_redirect_to_https_and_only_safe_methods(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: the proxy probes over plain http from inside
    assert client.get(URL).status_code == 200
    assert client.head(URL).status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else is still redirected
    assert client.post(URL).status_code == 405


def test_not_throttled(client):
    statuses = {client.get(URL).status_code for _ in range(40)}
    assert statuses == {200}
