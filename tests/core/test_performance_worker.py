"""The PDF worker's child process is replaced after a set number of tasks or amount of memory (WeasyPrint keeps
a little of every PDF it lays out), declared in the Celery settings and applied to the worker of the pdf queue."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from icr.celery import app

ROOT = Path(__file__).resolve().parents[2]
LIMITS = ("CELERY_WORKER_MAX_TASKS_PER_CHILD", "CELERY_WORKER_MAX_MEMORY_PER_CHILD")


def settings_in_a_new_process(**env: str) -> subprocess.CompletedProcess[str]:
    """The two limits as a fresh process reads them from its environment."""
    environ = {k: v for k, v in os.environ.items() if k not in LIMITS}
    environ.update(env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_WORKER_MAX_TASKS_PER_CHILD, settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "icr.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_limits_are_set_by_default_and_reach_celery():
    # then 200 tasks or about 300 MiB, and the Celery app reads them
    assert (settings.CELERY_WORKER_MAX_TASKS_PER_CHILD, settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD) == (
        200,
        300_000,
    )
    assert (app.conf.worker_max_tasks_per_child, app.conf.worker_max_memory_per_child) == (200, 300_000)


def test_the_worker_of_the_pdf_queue_recycles_its_children():
    # when a worker for the pdf queue is set up as the command line does (not started)
    worker = app.WorkController(queues=["pdf"])

    # then its prefork pool replaces a child after 200 tasks or 300,000 KiB
    assert worker.pool_cls.__module__ == "celery.concurrency.prefork"
    assert (worker.max_tasks_per_child, worker.max_memory_per_child) == (200, 300_000)


def test_the_limits_come_from_the_environment_and_zero_turns_one_off():
    result = settings_in_a_new_process(
        CELERY_WORKER_MAX_TASKS_PER_CHILD="50", CELERY_WORKER_MAX_MEMORY_PER_CHILD="0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["50", "None"]


def test_a_bad_limit_stops_the_start():
    negative = settings_in_a_new_process(CELERY_WORKER_MAX_TASKS_PER_CHILD="-1")
    words = settings_in_a_new_process(CELERY_WORKER_MAX_MEMORY_PER_CHILD="lots")
    assert negative.returncode != 0
    assert "CELERY_WORKER_MAX_TASKS_PER_CHILD must be 0 (no limit) or a positive integer" in negative.stderr
    assert words.returncode != 0
    assert "CELERY_WORKER_MAX_MEMORY_PER_CHILD must be an integer" in words.stderr


def worker_commands() -> dict[str, list[str]]:
    """Every command line that starts a Celery worker: the compose stack and the development script."""
    commands = {}
    compose = (ROOT / "docker-compose.yml").read_text()
    for match in re.finditer(r"command:\s*(celery[^\n]*\bworker\b[^\n]*)", compose):
        commands["docker-compose.yml"] = shlex.split(match.group(1))
    script = (ROOT / "scripts" / "run-dev.sh").read_text().replace("\\\n", " ")
    for line in script.splitlines():
        if "celery" in line and " worker" in line:
            commands["scripts/run-dev.sh"] = shlex.split(line.split("&")[0])
    return commands


def test_every_worker_that_serves_the_pdf_queue_keeps_the_settings():
    commands = worker_commands()
    assert set(commands) == {"docker-compose.yml", "scripts/run-dev.sh"}
    for where, argv in commands.items():
        queues = argv[argv.index("-Q") + 1].split(",")
        # then it serves the pdf queue, with the prefork pool, and no flag overrides the settings
        assert "pdf" in queues, where
        assert not {"-P", "--pool"} & set(argv), where
        assert not [a for a in argv if a.startswith(("--max-tasks-per-child", "--max-memory-per-child"))], (
            where
        )
