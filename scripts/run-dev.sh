#!/usr/bin/env bash
# The embedded default: SQLite, a filesystem Celery broker, one worker with the beat scheduler beside the
# development server. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
mkdir -p var/broker/queue var/broker/processed var/media
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
.venv/bin/celery -A icr worker --beat -Q default,pdf,email --concurrency 2 --loglevel WARNING \
  --schedule var/celerybeat-schedule --pidfile= &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "Portal  http://127.0.0.1:8000/   Admin  http://127.0.0.1:8000/admin/   API  http://127.0.0.1:8000/api/v1/docs/"
echo
$PY manage.py runserver 127.0.0.1:8000
