#!/usr/bin/env bash
# Restore a folder written by scripts/backup.sh into an EMPTY database and media folder.
#
#   scripts/restore.sh BACKUP_DIR
#
# PostgreSQL: pg_restore of db.dump into the (empty) database named by DATABASE_URL.
# Otherwise:  migrate, then loaddata db.json.gz.
# Then unpacks media.tar.gz into MEDIA_ROOT. Checksums are verified first.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
SRC="${1:?usage: scripts/restore.sh BACKUP_DIR}"
( cd "$SRC" && sha256sum --check --quiet SHA256SUMS )

MEDIA_ROOT="$("$PYTHON" manage.py shell -c 'from django.conf import settings; print(settings.MEDIA_ROOT)' 2>/dev/null | tail -n 1)"
DATABASE_URL="${DATABASE_URL:-}"

if [ -f "$SRC/db.dump" ]; then
  pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$SRC/db.dump"
else
  "$PYTHON" manage.py migrate --noinput
  # migrate loads the checklist and the roles again; the backup's rows replace them by natural key.
  "$PYTHON" manage.py loaddata "$SRC/db.json.gz"
fi

mkdir -p "$MEDIA_ROOT"
tar -xzf "$SRC/media.tar.gz" -C "$MEDIA_ROOT"
echo "restored $SRC"
