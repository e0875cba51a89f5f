#!/usr/bin/env bash
# Installs what the project needs and is missing: system libraries (WeasyPrint; with --test also Chromium and
# the PostgreSQL/Redis servers) and the Python packages pinned in requirements(-dev).lock, into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }
if command -v dpkg >/dev/null 2>&1; then
  # WeasyPrint renders with Pango/HarfBuzz; DejaVu gives it fonts.
  for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core; do need_pkg "$pkg"; done
  "$PY" -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=("python3-venv")
  if [ "$want_test" = 1 ]; then
    for pkg in chromium postgresql redis-server; do
      case "$pkg" in
        postgresql) command -v pg_ctlcluster >/dev/null 2>&1 || missing+=("$pkg") ;;
        redis-server) command -v redis-server >/dev/null 2>&1 || missing+=("$pkg") ;;
        *) need_pkg "$pkg" ;;
      esac
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# the runtime lock for running; the development lock (runtime + test tools) for testing and benchmarks
lock=requirements.lock
[ "$want_test" = 1 ] && lock=requirements-dev.lock
stamp=.venv/.requirements.sha256
current=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$current" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
  echo "$current" > "$stamp"
fi
