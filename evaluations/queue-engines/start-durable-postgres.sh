#!/usr/bin/env bash
# A throwaway PostgreSQL server for the queue-engine benchmark, with durable settings.
#
# scripts/ci/start-postgres.sh starts its server with fsync=off, synchronous_commit=off and
# full_page_writes=off (fast tests). Those are command-line options, which outrank ALTER SYSTEM,
# so a queue benchmark on that server would measure commits that never reach the disk. This
# script starts a second server from the same installation with the defaults a production
# server keeps: fsync=on, synchronous_commit=on, full_page_writes=on.
#
# Run scripts/ci/start-postgres.sh once first (it installs PostgreSQL 15 + pgvector); the
# benchmark itself needs no pgvector. Prints the URL; stop-durable-postgres.sh stops it.
# Environment: QBENCH_PG_PORT (default 56532, the next free one is used).
set -euo pipefail

PG_BIN=${QBENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${QBENCH_PG_PORT:-56532}
STATE=/tmp/cuecard-qbench-pg.dir
log() { printf '[qbench-postgres] %s\n' "$*" >&2; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

[ -x "$PG_BIN/postgres" ] || { log "no $PG_BIN/postgres: run scripts/ci/start-postgres.sh first"; exit 1; }
if [ -f "$STATE" ] && as_pg "$PG_BIN/pg_ctl" -D "$(cat "$STATE")/data" status >/dev/null 2>&1; then
  log "reusing the running server in $(cat "$STATE")"
  cat "$(cat "$STATE")/url"
  exit 0
fi
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 20); do port_busy "$PORT" || break; PORT=$((PORT + 1)); done

dir=$(mktemp -d /tmp/cuecard-qbench-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $dir -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200" \
  >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "$dir" > "$STATE"
url="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "$url" > "$dir/url"
settings=$("$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
  -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','wal_sync_method')")
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($settings)"
echo "$url"
