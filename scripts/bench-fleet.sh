#!/usr/bin/env bash
# The bench across instances (issue 16 point 11): N Cuecard instances (`src/main.ts`) on one
# Postgres server, a fresh database on it, then `npm run bench` ingesting through each instance
# and watching through the next, so every latency crosses instances.
#   scripts/bench-fleet.sh <postgres server URL> [instances=3] [bench options…]
# e.g. scripts/bench-fleet.sh "$(bash evaluations/queue-engines/start-durable-postgres.sh)" 3 \
#        --conversations 200 --seconds 60
set -euo pipefail
SERVER=${1:?postgres server URL}
N=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
NAME="cuecard_fleet_$(date +%s)"
DB_URL="${SERVER%/*}/$NAME"
WORK=$(mktemp -d /tmp/cuecard-bench-fleet.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$SERVER" -qc "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql "$SERVER" -qc "CREATE DATABASE $NAME" >/dev/null
urls=()
for i in $(seq 1 "$N"); do
  port=$((3300 + i))
  # The first instance creates the development tenant; all share its keys file.
  DATABASE_URL="$DB_URL" CUECARD_DEV_TENANT=true CUECARD_DATA_DIR="$WORK/data" \
    CUECARD_INSTANCE_ID="fleet-$i" HOST=127.0.0.1 PORT=$port LOG_LEVEL=error \
    node --import tsx src/main.ts > "$WORK/instance-$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do grep -q "REST API" "$WORK/instance-$i.log" && break; sleep 1; done
  grep -q "REST API" "$WORK/instance-$i.log" || { cat "$WORK/instance-$i.log"; exit 1; }
  urls+=("http://127.0.0.1:$port")
done
keys="$WORK/dev-keys.json"
connector=$(node -e "console.log(require('$keys').keys.connector)")
supervisor=$(node -e "console.log(require('$keys').keys.supervisor)")
IFS=, ; list="${urls[*]}"; unset IFS
npx tsx src/cli/bench.ts --url "$list" --connector-key "$connector" --supervisor-key "$supervisor" "$@"
