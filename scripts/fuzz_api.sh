#!/usr/bin/env bash
# The API tried as a client would: schemathesis in every phase (examples, coverage, fuzzing,
# stateful) with every check, as the office, as a department's editor and anonymously, against a
# live server over demo data.
# `make fuzz`; FUZZ_SEED, FUZZ_EXAMPLES (per operation and phase), FUZZ_STATEFUL_EXAMPLES (walks),
# FUZZ_REACH (`report`: print the operations never answered 2xx without failing), FUZZ_DATABASE_URL (an empty
# database; a new SQLite file by default) and FUZZ_PORT change the run. Exits non-zero on a failure,
# or if an operation never answered 2xx (scripts/api_reach.py reads the server's log for that).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ST=.venv/bin/schemathesis
SEED=${FUZZ_SEED:-20261203}
EXAMPLES=${FUZZ_EXAMPLES:-25}
STATEFUL_EXAMPLES=${FUZZ_STATEFUL_EXAMPLES:-300}
PORT=${FUZZ_PORT:-8765}
WORK=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=portal.settings.dev
export DATABASE_URL=${FUZZ_DATABASE_URL:-sqlite:///$WORK/fuzz.sqlite3}
export MEDIA_ROOT=$WORK/media

$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo --items 60 >/dev/null
token() {
  $PY manage.py shell -v 0 -c "
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
print(Token.objects.get_or_create(user=get_user_model().objects.get(username='$1'))[0].key)"
}
TOKEN=$(token office)
EDITOR_TOKEN=$(token jwc_editor)

$PY manage.py runserver --noreload "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

status=0
run() {
  echo "=== $1 ==="
  shift
  # filter_too_much: a date's year range (the working-day calendar's) is a pattern on top of
  # `format: date`; the generator draws dates and keeps those in range, which it reports as waste.
  $ST run "http://127.0.0.1:$PORT/api/v1/schema/" --wait-for-schema 30 --checks all \
    --phases examples,coverage,fuzzing,stateful --max-examples "$EXAMPLES" --seed "$SEED" \
    --generation-database none --workers 1 --no-color --request-timeout 30 \
    --suppress-health-check filter_too_much "$@" || status=1
}
# A department's editor first: its own steps (taking back a submission) and its changes to published
# items, which wait for the office's review as revisions that the office's runs then find.
run "as a department's editor" -H "Authorization: Token $EDITOR_TOKEN" \
  --phases examples,fuzzing --max-examples 10
run "as a department's editor, following links" -H "Authorization: Token $EDITOR_TOKEN" \
  --phases stateful --max-examples "$STATEFUL_EXAMPLES"
run "as the office" -H "Authorization: Token $TOKEN" --phases examples,coverage,fuzzing
# Following the links needs many more scenarios than one operation needs examples: each scenario is
# a walk of up to 12 steps (schemathesis.toml) from a creation or a list.
# A walk ends when hypothesis finds nothing new; a second seed walks other ways.
for walk_seed in "$SEED" "$((SEED + 1))"; do
  run "as the office, following links (seed $walk_seed)" -H "Authorization: Token $TOKEN" \
    --phases stateful --max-examples "$STATEFUL_EXAMPLES" --seed "$walk_seed"
done
run "anonymous" --phases examples,coverage,fuzzing --max-examples 5

echo "=== operations reached ==="
$PY manage.py spectacular --format openapi-json --file "$WORK/schema.json" 2>/dev/null
# FUZZ_REACH=report prints the table without failing the run (CI's short run, see .ci/run).
if ! $PY scripts/api_reach.py "$WORK/schema.json" "$WORK/server.log" && [ "${FUZZ_REACH:-require}" != report ]; then
  status=1
fi
exit $status
