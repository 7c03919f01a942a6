#!/usr/bin/env bash
# Runs every engine ROUNDS times, engines interleaved (the machine is shared: interleaving spreads
# other jobs' load over all engines), each invocation bounded to about a minute, and appends one
# JSON line per invocation to results/raw.jsonl. Then: node summarize.mjs results/raw.jsonl
#   bash evaluations/queue-engines/run-all.sh postgres://postgres@127.0.0.1:56532/postgres [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")"
URL=${1:?durable Postgres URL (start-durable-postgres.sh prints it)}
ROUNDS=${2:-2}
ENGINES=${ENGINES:-"table-queue graphile-worker pg-boss nats-jetstream"}
mkdir -p results
for round in $(seq 1 "$ROUNDS"); do
  for engine in $ENGINES; do
    for phases in throughput latency,ordering takeover; do
      echo "round $round: $engine $phases" >&2
      timeout 120 node bench.mjs --engine "$engine" --url "$URL" --phases "$phases" \
        --jobs 2000 --conversations 100 --phase-limit-seconds 45 --out results/raw.jsonl \
        >/dev/null || echo "  failed: $engine $phases" >&2
    done
  done
done
