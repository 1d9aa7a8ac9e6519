#!/usr/bin/env bash
# Jakarta's 2024 replayed through the HTTP API (issue 14 item 5; docs/benchmarks.md "Jakarta's
# year through the HTTP API"): a freshly seeded demo database, the server on a free port with
# its default threads, a bridge's api key and the call taker's session, then replay_bench: the
# year's telephony events in batches of 500 with Prefer: return=minimal over 4 keep-alive
# connections, every answered call classified through the console's route over 4 more, and
# GET /api/v1/stats/calls of the year checked against the generator's truth (the script fails
# when a figure differs). Prints the machine's load before and after.
# Usage: bash bench/replay.sh [build-dir] [calls] [perf-seconds] [perf-output]
#   calls: 637292 (the year, default) or fewer, e.g. 63729 (a tenth) for a quick run;
#   perf-seconds: also record the server with `perf record -g` for that many seconds from the
#   start of the ingestion, into perf-output (default /tmp/siaga-replay-perf.data).
# The server reads SIAGA_* variables as its settings (e.g. SIAGA_SQLITE_CHECKPOINT_MIB=0 puts the
# WAL checkpoint back in the writer's commits); CLASSIFY_CLIENTS=4,16,64 classifies a third of
# the calls over each number of connections (default 4); CLASSIFY_BATCH=V sends V verdicts a
# request through POST /api/v1/calls/classifications (default 1: each through the console's route);
# BRIDGE_CLIENTS=C sends the telephony batches over C connections (default 4).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
calls="${2:-637292}"
perf_seconds="${3:-}"
perf_out="${4:-/tmp/siaga-replay-perf.data}"
# A copy of a build's two programs (to measure one build while the next compiles) is not rebuilt.
[[ -f "$build/build.ninja" ]] && ninja -C "$build" -j2 siaga replay_bench >/dev/null
siaga="$build/siaga"
replay="$build/bench/replay_bench"
work=$(mktemp -d /tmp/siaga-replay-bench-XXXXXX)
server=""
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT

echo "# replay of Jakarta 2024 through the HTTP API: $calls calls; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$siaga" seed --demo --database "$work/replay.db" >/dev/null
# Valid calls file reports from their callers' numbers: the per-reporter cap is lifted as for a
# centre's own bridge.
"$siaga" serve --database "$work/replay.db" --port 0 --port-file "$work/port" --web-root "" --log-level warn \
  --max-new-reports-per-reporter 0 &
server=$!
for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.05; done
port=$(cat "$work/port")
source bench/demo_api.sh
admin=$(login admin)
calltaker=$(login calltaker)
key=$(bridge_key "$admin")

if [[ -n "$perf_seconds" ]]; then
  command -v perf >/dev/null || { apt-get install -y linux-perf >/dev/null 2>&1 || true; }
  # Starts once the calls are generated (the bench's first line), so that it samples the server's work.
  (sleep 3; perf record -g -F 499 -p "$server" -o "$perf_out" -- sleep "$perf_seconds" >/dev/null 2>&1) &
fi
"$replay" --port "$port" --api-key "$key" --token "$calltaker" --calls "$calls" --clients "${BRIDGE_CLIENTS:-4}" --batch 500 \
  --classify-clients "${CLASSIFY_CLIENTS:-4}" --classify-batch "${CLASSIFY_BATCH:-1}" --server-pid "$server"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg); database $(du -sh "$work" | cut -f1)"
