#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI document with schemathesis,
# once on SQLite and once on PostgreSQL, each against a fresh
# `tessera serve --demo` authenticated with an owner's API token of the demo
# organization. Fails on any 5xx, any status code, content type or body the
# document does not describe. Bounded: about half a minute per backend on an
# idle machine, killed after ST_BUDGET_SECS (7 minutes) at worst.
#
#   .ci/schemathesis.sh                 both backends
#   .ci/schemathesis.sh sqlite          one of them
#   ST_MAX_EXAMPLES=50 .ci/schemathesis.sh   fuzz harder (default 8 per operation)
#
# Needs python3 (for the venv), curl, jq, and for PostgreSQL a server at
# $TESSERA_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

version=4.32.5
venv=target/schemathesis-venv
port=${ST_PORT:-18391}
max_examples=${ST_MAX_EXAMPLES:-8}
# The wall-clock limit of one backend's run, fuzzing included.
budget=${ST_BUDGET_SECS:-420}
pg_admin=${TESSERA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
backends=${*:-sqlite postgres}

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $version" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi
cargo build --locked -q -p tessera

server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=
}
trap cleanup EXIT

# fuzz BASE REPORT-NAME ARGS...: one bounded schemathesis run.
fuzz() {
  local base=$1 name=$2
  shift 2
  # One worker: hypothesis under several threads trips over a CPython 3.11 ast bug
  # ("AST constructor recursion depth mismatch") now and then.
  timeout --kill-after=10 "$budget" "$venv/bin/schemathesis" --config-file .ci/schemathesis.toml run \
    "$base/api/v1/openapi.json" --url "$base" "$@" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$max_examples" --request-timeout 10 --workers 1 --no-color \
    --generation-database none --suppress-health-check all --seed 20261207 \
    --report junit --report-dir "target/schemathesis-$name"
}

run_backend() {
  local backend=$1 dir db_url="" db_name=""
  dir=$(mktemp -d)
  if [ "$backend" = postgres ]; then
    db_name="tessera_st_$$"
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)"
    psql "$pg_admin" -qc "CREATE DATABASE $db_name"
    db_url="${pg_admin%/*}/$db_name"
  fi
  (cd "$dir" && exec env TESSERA_LISTEN="127.0.0.1:$port" TESSERA_LOG__FILTER=warn ${db_url:+TESSERA_DATABASE_URL="$db_url"} \
    "$repo/target/debug/tessera" serve --demo > "$dir/server.log" 2>&1) &
  server=$!
  local base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "$base/readyz" >/dev/null || { cat "$dir/server.log"; return 1; }

  # The demo organizer signs in once to make the API token the fuzzer uses.
  local password login csrf org
  password=$(sed -n 's/^demo organization ready; organizer login: [^ ]* \/ //p' "$dir/server.log" | head -n1)
  test -n "$password"
  login=$(jq -nc --arg p "$password" '{email: "organizer@demo.tessera.dev", password: $p}')
  csrf=$(curl -fsS -c "$dir/cookies" -H 'content-type: application/json' -d "$login" "$base/api/v1/auth/login" |
    jq -r .csrf_token)
  org=$(curl -fsS -b "$dir/cookies" "$base/api/v1/orgs" | jq -r '.[0].org.id // .[0].id')
  export ST_TOKEN ST_ORG_ID ST_VENUE_ID ST_EVENT_ID
  ST_ORG_ID=$org
  ST_TOKEN=$(curl -fsS -b "$dir/cookies" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"name":"schemathesis","role":"owner","expires_in_days":1}' "$base/api/v1/orgs/$org/tokens" | jq -r .secret)
  ST_VENUE_ID=$(curl -fsS -H "authorization: Bearer $ST_TOKEN" "$base/api/v1/orgs/$org/venues" | jq -r '.[0].id')
  ST_EVENT_ID=$(curl -fsS "$base/api/v1/events" | jq -r '.items[0].id // .events[0].id // .[0].id')
  test -n "$ST_TOKEN" && test "$ST_TOKEN" != null

  local started=$SECONDS status=0
  echo "schemathesis $version on $backend (org $ST_ORG_ID, up to $max_examples examples per operation)"
  # Every operation with the API token, then the ones only a signed-in
  # account may use (its own profile, two-factor, starting an organization,
  # administration) with the session cookie and its CSRF token; not logout,
  # which would end that session halfway.
  fuzz "$base" "$backend-token" -H "Authorization: Bearer $ST_TOKEN" || status=$?
  local session
  session=$(awk '$6 == "tessera_session" { print $7 }' "$dir/cookies")
  fuzz "$base" "$backend-session" -H "Cookie: tessera_session=$session" -H "X-CSRF-Token: $csrf" \
    --include-path-regex '^/api/v1/(me(/.*)?|admin/.*|orgs)$' || status=$?
  echo "schemathesis on $backend took $((SECONDS - started)) s (exit $status)"
  cleanup
  if [ "$status" -ne 0 ]; then
    echo "--- server log ($backend) ---"
    tail -n 50 "$dir/server.log"
  fi
  if [ -n "$db_name" ]; then psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" || true; fi
  rm -rf "$dir"
  return "$status"
}

failed=0
for b in $backends; do
  run_backend "$b" || failed=1
done
exit "$failed"
