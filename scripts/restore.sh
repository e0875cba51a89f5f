#!/usr/bin/env bash
# Restores a scripts/backup.sh folder into an EMPTY PostgreSQL database (DATABASE_URL) and the file storage
# configured for the platform (S3_* or MEDIA_ROOT), then verifies the audit trail (manage.py audit_verify, with
# the same AUDIT_CHAIN_KEY and checkpoints as the installation that was backed up). See docs/operations.md.
#
#   createdb icr_restored && DATABASE_URL=postgres://.../icr_restored scripts/restore.sh backups/icr-20261207T020000Z
#
# Stop the web, worker and beat processes of the target installation first; start them after it succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python; fi
fi
folder=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*) ;;
  *) echo "restore.sh: DATABASE_URL must name the (empty) PostgreSQL database to restore into" >&2; exit 2 ;;
esac
if [ -e "$folder/INCOMPLETE" ] || [ ! -f "$folder/database.dump.sha256" ]; then
  echo "restore.sh: $folder is not a complete backup" >&2
  exit 1
fi

# 1. the copy is intact: the dump and every file match their SHA-256, before anything is written
(cd "$folder" && sha256sum --check --quiet database.dump.sha256)
(cd "$folder/files" && { [ ! -s MANIFEST.sha256 ] || sha256sum --check --quiet MANIFEST.sha256; })

# 2. only into an empty database: a restore never mixes with existing rows
tables=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database has $tables table(s); restore into an empty one (createdb)" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$folder/database.dump"

# 3. the files, under the same names
"$PYTHON" manage.py storage_restore "$folder/files"

# 4. the audit trail verifies in the restored database
"$PYTHON" manage.py audit_verify
echo "restored $folder"
