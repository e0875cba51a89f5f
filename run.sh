#!/usr/bin/env bash
# Runs the platform on the embedded default (SQLite, no Redis needed) with demo data at http://127.0.0.1:8000;
# the demo logins are printed last, after the worker's and the server's start-up output.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec scripts/run-dev.sh
