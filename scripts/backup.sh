#!/usr/bin/env bash
# Backs up the platform into one new folder: a PostgreSQL dump of DATABASE_URL (custom format, for pg_restore)
# and a copy of every stored file (the S3 bucket or MEDIA_ROOT, read through the platform's own storage settings)
# with their SHA-256. Restore with scripts/restore.sh. See docs/operations.md.
#
#   scripts/backup.sh [PARENT]      (default ./backups; prints the folder it wrote, e.g. backups/icr-20261207T020000Z)
#
# Runs with the platform's environment (DATABASE_URL, and S3_* or MEDIA_ROOT): on any web or worker host, or
# `docker compose run --rm backup`. Needs pg_dump of the server's major version or newer.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python; fi
fi
case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must name the PostgreSQL database to back up" >&2; exit 2 ;;
esac

parent=${1:-backups}
folder="$parent/icr-$(date -u +%Y%m%dT%H%M%SZ)"
if [ -e "$folder" ]; then
  echo "backup.sh: $folder exists already" >&2
  exit 1
fi
mkdir -p "$folder"
partial="$folder/INCOMPLETE"
touch "$partial"

# 1. the database first: every file a row refers to was stored before the row was committed, so the copy
#    below, taken after the dump, has it
pg_dump --format=custom --no-owner --no-privileges --file "$folder/database.dump" "$DATABASE_URL"
# 2. every stored object, with the manifest (objects/ and MANIFEST.sha256)
"$PYTHON" manage.py storage_backup "$folder/files"
(cd "$folder" && sha256sum database.dump > database.dump.sha256)

rm "$partial"
echo "$folder"
