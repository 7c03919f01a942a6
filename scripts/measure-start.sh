#!/usr/bin/env bash
# How long `npm start` takes to listen, first on an empty data folder and then again, and how
# much memory the server holds with the demo knowledge base before and after one demo call (on
# both starts). Issue 20 item 5 asks for: first start < 15 s, restart < 5 s, RSS < 600 MB, on an
# idle machine; the load average is printed with each figure because on a busy one every figure
# grows. The server runs as `npm start` runs it, minus npm's and tsx's own launcher processes.
#
#   scripts/measure-start.sh            # a throw-away data folder, removed at the end
#   PORT=3999 scripts/measure-start.sh
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-39$((RANDOM % 90 + 10))}
work=$(mktemp -d "${TMPDIR:-/tmp}/cuecard-measure-start-XXXXXX")
data="$work/data"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
# The most the process has held so far (the kernel's high-water mark).
peak_mb() { awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
load() { cut -d' ' -f1 /proc/loadavg; }
demo_call() {
  CUECARD_DATA_DIR="$data" node --import tsx src/cli/demo.ts --gap-ms 0 "$@" >/dev/null 2>&1
}

# Starts the server as `npm start` does, with the same V8 flag (package.json; the consoles are built
# beforehand, not timed); sets
# server_pid, and `seconds` to the time until it says it is running. Not run in a subshell, so
# that the pid reaches the clean-up.
start() {
  local log="$work/start-$1.log" began
  began=$(now)
  CUECARD_DATA_DIR="$data" PORT="$port" LOG_LEVEL=debug CUECARD_LOG_FORMAT=json \
    node --max-semi-space-size=4 --v8-pool-size=2 --import tsx src/main.ts >"$log" 2>&1 &
  server_pid=$!
  until grep -qs 'Cuecard is running' "$log"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      cat "$log" >&2
      echo "the server exited before listening" >&2
      exit 1
    fi
    sleep 0.1
  done
  seconds=$(awk -v a="$began" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  # Where the time went (compose-cuecard.ts logs it at debug level); loading the code is the rest.
  steps=$(grep -o '"startupMs":{[^}]*}' "$log" | sed 's/"startupMs"://; s/[{}"]//g; s/,/, /g' || true)
}

stop() {
  kill -INT "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

node scripts/build-web.mjs >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, node $(node --version)"
start first
echo "first start (empty data folder): ${seconds} s to listening, RSS $(rss_mb "$server_pid") MB (load $(load))"
echo "  steps (ms): ${steps}"
demo_call
echo "after one demo call:             RSS $(rss_mb "$server_pid") MB, peak $(peak_mb "$server_pid") MB (load $(load))"
stop
start again
echo "restart:                         ${seconds} s to listening, RSS $(rss_mb "$server_pid") MB (load $(load))"
echo "  steps (ms): ${steps}"
demo_call
echo "after one demo call:             RSS $(rss_mb "$server_pid") MB, peak $(peak_mb "$server_pid") MB (load $(load))"
demo_call --call demo-zh-outage
echo "after a Mandarin demo call too:  RSS $(rss_mb "$server_pid") MB, peak $(peak_mb "$server_pid") MB (load $(load))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
stop
