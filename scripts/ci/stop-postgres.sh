#!/usr/bin/env bash
# Stop the server started by start-postgres.sh and delete its data folder.
# Safe to run when nothing is running.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
URL_FILE=${CUECARD_PG_URL_FILE:-${RUNNER_TEMP:-/tmp}/cuecard-ci-pg.url}
DIR_FILE=$URL_FILE.datadir

log() { printf '[stop-postgres] %s\n' "$*" >&2; }
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ ! -f "$DIR_FILE" ]; then
  log "nothing to stop (no $DIR_FILE)"
  exit 0
fi
pgdir=$(cat "$DIR_FILE")
case "$pgdir" in
  /tmp/cuecard-ci-pg.*) ;;
  *) log "refusing to touch unexpected folder '$pgdir'"; exit 1 ;;
esac
PG_BIN=$(cat "$pgdir/pg_bin" 2>/dev/null || echo "$PG_BIN")
if [ -d "$pgdir/data" ] && as_pg "$PG_BIN/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
  as_pg "$PG_BIN/pg_ctl" -D "$pgdir/data" -m fast -w -t 60 stop >/dev/null
  log "stopped the server in $pgdir"
else
  log "server in $pgdir was not running"
fi
rm -rf "$pgdir"
rm -f "$DIR_FILE" "$URL_FILE"
