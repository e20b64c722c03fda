#!/usr/bin/env bash
# Runs a tessera-bench scenario against a fresh release server on loopback.
#   scripts/bench.sh flash-sale|scan|seats|pages sqlite|postgres [tessera-bench options]
# `pages` runs the server with `serve --demo` and signs in as its organizer.
# PostgreSQL uses TESSERA_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1/postgres)
# to create, and afterwards drop, a database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:?usage: $0 flash-sale|scan|seats|pages sqlite|postgres [options]}"
backend="${2:?usage: $0 flash-sale|scan|seats|pages sqlite|postgres [options]}"
shift 2
cargo build --release --locked -q -p tessera -p tessera-bench
port=18080
stamp=$(date +%s%N)
dir="target/bench/$stamp"
mkdir -p "$dir"
case "$backend" in
  sqlite) url="sqlite://$dir/tessera.db" ;;
  postgres)
    admin="${TESSERA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1/postgres}"
    db="tessera_bench_$stamp"
    psql "$admin" -qc "CREATE DATABASE $db"
    url="${admin%/*}/$db"
    ;;
  *) echo "unknown backend $backend" >&2; exit 2 ;;
esac
demo=()
[ "$mode" = pages ] && demo=(--demo)
TESSERA_LISTEN="127.0.0.1:$port" TESSERA_DATABASE_URL="$url" TESSERA_LOG__FILTER=warn \
  target/release/tessera serve "${demo[@]}" > "$dir/server.log" 2>&1 &
server=$!
cleanup() {
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "$backend" = postgres ]; then psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "backend: $backend; machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)"
if [ "$mode" = pages ]; then
  password=$(sed -n 's/^demo organization ready; organizer login: [^ ]* \/ //p' "$dir/server.log" | head -n1)
  set -- --password "$password" "$@"
fi
target/release/tessera-bench "$mode" --url "http://127.0.0.1:$port" "$@"
echo "server peak RSS: $(awk '/VmHWM/{print $2, $3}' /proc/$server/status)"
