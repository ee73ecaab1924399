#!/usr/bin/env bash
# Back up the database and the uploaded files into one dated folder.
#
#   scripts/backup.sh [DEST]          (default DEST: ./backups)
#
# PostgreSQL (DATABASE_URL=postgres://...): pg_dump in custom format (db.dump).
# SQLite or anything else: Django's dumpdata (db.json.gz).
# Uploaded files: MEDIA_ROOT as media.tar.gz. Prints the folder it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DEST="${1:-backups}"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$DEST/backup-$STAMP"
mkdir -p "$OUT"
chmod 700 "$OUT"  # applicants' personal data: readable by the operator only

MEDIA_ROOT="$("$PYTHON" manage.py shell -c 'from django.conf import settings; print(settings.MEDIA_ROOT)' 2>/dev/null | tail -n 1)"
DATABASE_URL="${DATABASE_URL:-}"

case "$DATABASE_URL" in
  postgres://*|postgresql://*|pgsql://*)
    pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$OUT/db.dump"
    ;;
  *)
    # Content types and permissions are rebuilt by migrate; natural keys keep the links valid.
    "$PYTHON" manage.py dumpdata --natural-foreign --natural-primary \
      --exclude contenttypes --exclude auth.permission --exclude sessions \
      --output "$OUT/db.json.gz"
    ;;
esac

if [ -d "$MEDIA_ROOT" ]; then
  tar -czf "$OUT/media.tar.gz" -C "$MEDIA_ROOT" .
else
  tar -czf "$OUT/media.tar.gz" --files-from /dev/null
fi
( cd "$OUT" && sha256sum ./* > SHA256SUMS )
echo "$OUT"
