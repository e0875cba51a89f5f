"""Production settings pass Django's deployment checks; Celery is configured as the platform needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from icr.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    # the test harness's own variables (the browser tests allow async-unsafe calls) are not production's
    harness = {
        "DJANGO_DEBUG",
        "ICR_TESTING",
        "SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CELERY_TASK_ALWAYS_EAGER",
    }
    env = {k: v for k, v in os.environ.items() if k not in harness}
    env.update(
        SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        ALLOWED_HOSTS="conformity.icr.example",
        SITE_URL="https://conformity.icr.example",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/icr_does_not_need_to_exist",
        # the audit chain's HMAC key and the checkpoints' signing key (base64 of 32 bytes), required in production
        AUDIT_CHAIN_KEY="ch41n-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm" * 2,
        AUDIT_CHECKPOINT_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        **extra,
    )
    return env


def test_check_deploy_prints_no_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_bad_boolean_fails_loudly():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(SECURE_SSL_REDIRECT="maybe"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be a boolean" in result.stderr


def test_celery_speaks_json_acks_late_and_routes_queues():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    routes = settings.CELERY_TASK_ROUTES
    assert routes["documents.tasks.*"] == {"queue": "pdf"}
    assert routes["reminders.tasks.notification_send_email_task"] == {"queue": "email"}


def test_every_periodic_task_exists():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_redis_is_used_for_real_in_tests():
    from django.core.cache import cache

    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    cache.set("icr-probe", "ok", 5)
    assert cache.get("icr-probe") == "ok"


def test_the_planner_prices_random_reads_for_ssd_storage(db):
    # given the default setting, when the test database answers, then its sessions use it
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


@pytest.mark.parametrize(("value", "message"), [("fast", "must be a number"), ("-1", "must not be negative")])
def test_a_bad_random_page_cost_fails_loudly(value, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(DATABASE_RANDOM_PAGE_COST=value),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"DATABASE_RANDOM_PAGE_COST {message}" in result.stderr
