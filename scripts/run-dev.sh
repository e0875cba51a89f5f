#!/usr/bin/env bash
# The embedded default: SQLite, a filesystem Celery broker, one worker with the beat scheduler beside the
# development server. Ctrl-C stops all of it. The demo logins are printed last, once the worker and the server
# have printed their start-up lines, so they are not scrolled away.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
# the emails the platform sends (notifications, reminders, sign-up links) are written to var/mail/, one file
# each, instead of scrolling the console past the demo logins
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
export EMAIL_FILE_PATH=${EMAIL_FILE_PATH:-var/mail}
mkdir -p var/broker/queue var/broker/processed var/media var/mail
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
logins=$($PY manage.py seed_demo)
: >var/worker.log
.venv/bin/celery -A icr worker --beat -Q default,pdf,email --concurrency 2 --loglevel WARNING \
  --schedule var/celerybeat-schedule --pidfile= > >(tee -a var/worker.log) 2>&1 &
worker=$!
$PY manage.py runserver 127.0.0.1:8000 &
server=$!
trap 'kill $server $worker 2>/dev/null || true' EXIT INT TERM
# wait (at most ~30 s) for the worker's banner and for the server to answer
for _ in $(seq 60); do
  if grep -q "\[queues\]" var/worker.log 2>/dev/null \
    && $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
echo
echo "$logins"
echo
echo "Portal  http://127.0.0.1:8000/   Admin  http://127.0.0.1:8000/admin/   API  http://127.0.0.1:8000/api/v1/docs/"
echo "Emails the platform sends are written to var/mail/"
echo
wait $server
