"""Structured logs (core.logging): with LOG_FORMAT=json every line is one JSON object carrying the request id the
response answers as X-Request-ID (the access line and the application's own records alike), the user id once
known and the client's address; a Celery task's records carry its task id."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import shared_task
from django.conf import settings

from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines(monkeypatch) -> Iterator[io.StringIO]:  # type: ignore[no-untyped-def]
    """The platform's LOGGING as production builds it (LOG_FORMAT=json), writing into a buffer."""
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("ACCESS_LOG", "1")  # off by default in tests
    config: dict[str, Any] = runpy.run_path(str(ROOT / "icr" / "settings.py"))["LOGGING"]
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    try:
        yield buffer
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_a_requests_access_line_is_json_with_the_answered_request_id(client, json_lines):
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7")

    records = _records(json_lines)
    access = [record for record in records if record["logger"] == "icr.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == response["X-Request-ID"] != ""
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["level"] == "INFO" and line["message"] == "GET /healthz 200"
    assert line["client_ip"] == "203.0.113.7"
    assert line["user_id"] == ""  # nobody signed in
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")


def test_the_applications_records_and_djangos_carry_the_same_id(client, json_lines, monkeypatch):
    from core import health

    def broken() -> str:
        raise RuntimeError("the database is away")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-probe-0001")

    assert response.status_code == 503
    assert response["X-Request-ID"] == "lb-probe-0001"  # a sane incoming id is kept end to end
    by_logger = {record["logger"]: record for record in _records(json_lines)}
    assert by_logger["core.health"]["request_id"] == "lb-probe-0001"
    assert "RuntimeError: the database is away" in by_logger["core.health"]["exc_info"]
    assert by_logger["django.request"]["request_id"] == "lb-probe-0001"  # logged after the middleware let go
    assert "request" not in by_logger["django.request"]  # the request object itself is not dumped
    assert by_logger["icr.access"]["status"] == 503


def test_the_signed_in_persons_id_is_on_the_line(world, json_lines):
    client = signed_in(world.a.admin)
    response = client.get("/notifications/")

    access = [record for record in _records(json_lines) if record["logger"] == "icr.access"]
    assert access[-1]["status"] == response.status_code == 200
    assert access[-1]["user_id"] == str(world.a.admin.pk)


def test_the_client_address_is_the_one_the_trusted_proxy_saw(client, json_lines, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    client.get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")

    access = [record for record in _records(json_lines) if record["logger"] == "icr.access"]
    assert access[0]["client_ip"] == "198.51.100.9"


@shared_task
def _log_in_a_task() -> str:
    logging.getLogger("tests.ops").warning("working on it")
    return "done"


def test_a_celery_tasks_records_carry_its_task_id(json_lines):
    result = _log_in_a_task.apply()

    line = next(record for record in _records(json_lines) if record["logger"] == "tests.ops")
    assert line["task_id"] == result.id != ""
    assert line["request_id"] == result.id
    assert line["task"].endswith("_log_in_a_task")


def test_plain_logs_keep_the_request_id_too(client, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "plain")
    monkeypatch.setenv("ACCESS_LOG", "1")
    config: dict[str, Any] = runpy.run_path(str(ROOT / "icr" / "settings.py"))["LOGGING"]
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    try:
        response = client.get("/healthz")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert f"INFO icr.access [{response['X-Request-ID']}] GET /healthz 200" in buffer.getvalue()


def test_an_unknown_log_format_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured):
        runpy.run_path(str(ROOT / "icr" / "settings.py"))


def test_the_access_log_can_be_turned_off(client, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("ACCESS_LOG", "0")
    config: dict[str, Any] = runpy.run_path(str(ROOT / "icr" / "settings.py"))["LOGGING"]
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    try:
        assert client.get("/healthz").status_code == 200
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert "icr.access" not in buffer.getvalue()
