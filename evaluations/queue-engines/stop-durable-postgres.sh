#!/usr/bin/env bash
# Stops the server start-durable-postgres.sh started and deletes its data folder.
set -euo pipefail
PG_BIN=${QBENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
STATE=/tmp/cuecard-qbench-pg.dir
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ -f "$STATE" ] || { echo '[qbench-postgres] nothing to stop' >&2; exit 0; }
dir=$(cat "$STATE")
case "$dir" in /tmp/cuecard-qbench-pg.*) ;; *) echo "refusing to touch '$dir'" >&2; exit 1 ;; esac
as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
rm -rf "$dir" "$STATE"
echo '[qbench-postgres] stopped' >&2
