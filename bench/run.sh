#!/usr/bin/env bash
# Runs the benchmark suite against a throw-away PostgreSQL database (created and dropped by the run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
mkdir -p staticfiles
scripts/services.sh >/dev/null
export ICR_TESTING=1
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/icr_bench}
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/9}
export CELERY_TASK_ALWAYS_EAGER=1
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
exec .venv/bin/python -m bench "$@"
