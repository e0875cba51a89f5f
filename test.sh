#!/usr/bin/env bash
# Runs every test (lint, migration check, unit, API, portal and browser tests) against real PostgreSQL and
# Redis on loopback, starting them when they are down. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh --test
mkdir -p staticfiles
scripts/services.sh

export ICR_TESTING=1
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/icr}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export CELERY_TASK_ALWAYS_EAGER=1
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
unset DJANGO_DEBUG

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (the domain layer)"
.venv/bin/mypy
echo "== migrations in step with models"
.venv/bin/python manage.py makemigrations --check --dry-run
echo "== pytest"
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" -rs "$@"
