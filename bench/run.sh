#!/usr/bin/env bash
# Runs the intake benchmarks of docs/benchmarks.md on this machine, in one go:
#   (a) ceilings: durable batched inserts straight into the store, and the server answering
#       a trivial handler (GET /api/v1/health) that touches no database;
#   (b) incident creation over HTTP with 1, 16 and 64 closed-loop clients, and open loop at
#       1,000 requests per second (latency measured from when each request was due);
#   (c) stream fan-out: 1,000 WebSocket clients on GET /api/v1/stream, incidents created at
#       10 and at 20 per second, each incident.created timed from its commit to its arrival at
#       every client;
#   (d) Jakarta's 2024 replayed through the HTTP API (bench/replay.sh: 637,292 calls, about
#       2.18 million telephony events in batches, 266,000 classifications, 500 a request through
#       POST /api/v1/calls/classifications unless CLASSIFY_BATCH says otherwise (1: each through
#       the console's route), the year's call statistics checked against the generator's truth;
#       the run fails if they differ), on a server of its own;
#   (e) the stream fan-out of (c) at 10 incidents a second while Jakarta's year is replayed into
#       the same server: 1,000 WebSockets signed in as PSC 119's operator (an agency's screens,
#       which see the incidents dispatched to them and none of the calls), the incidents created
#       by the call taker, the replay's bridge and consoles beside them;
#   (f) the same year as a PBX's call detail records (bench/cdr_gen.py, the generic layout)
#       loaded by `siaga import calls` into a freshly seeded database (issue 14 item 4), with
#       its wall time and CPU.
# Usage: bash bench/run.sh [build-dir] [c|d|e|f] [replay-calls]   (default build/; builds siaga,
#        siaga_bench and replay_bench first; with c, only step (c), against the freshly seeded
#        server; with d, e or f, only that step; replay-calls: fewer calls for steps (d), (e)
#        and (f), e.g. 63729, a tenth of the year)
set -euo pipefail
cd "$(dirname "$0")/.."
# 1,000 WebSocket clients are 1,000 descriptors in the bench and as many in the server, near the
# usual soft limit of 1024 (both raise their soft limit to the hard one as well).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
build="${1:-build}"
only="${2:-}"
replay_calls="${3:-637292}"
export CLASSIFY_BATCH="${CLASSIFY_BATCH:-500}"
if [[ "$only" == d ]]; then
  exec bash bench/replay.sh "$build" "$replay_calls"
fi
ninja -C "$build" -j2 siaga siaga_bench replay_bench >/dev/null
siaga="$build/siaga"
bench="$build/bench/siaga_bench"
work=$(mktemp -d /tmp/siaga-bench-XXXXXX)
replay=""
trap 'kill "$server" $replay 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
if [[ -z "$only" ]]; then
  echo "# (a) store ceiling: counter + incident row + event per command, fsync per batch"
  for c in 1 64 256; do
    "$bench" store --database "$work/store.db" --commands $((c == 1 ? 2000 : 50000)) --concurrency "$c"
  done
fi

"$siaga" seed --demo --database "$work/http.db" >/dev/null
# Every bench client comes from 127.0.0.1: the per-address cap of anonymous connections is
# lifted so that a thousand WebSockets connecting at once are not turned away before they sign in.
"$siaga" serve --database "$work/http.db" --port 0 --port-file "$work/port" --web-root "" --log-level warn \
  --max-connections-per-address 100000 &
server=$!
for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.05; done
port=$(cat "$work/port")

if [[ -z "$only" ]]; then
  echo "# (a) trivial handler ceiling"
  for c in 1 16 64; do "$bench" http --port "$port" --path /api/v1/health --clients "$c" --requests 100000; done
fi

token=$(curl -s -X POST "localhost:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"calltaker","password":"siaga112demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
category=$(curl -s "localhost:$port/api/v1/categories" -H "Authorization: Bearer $token" |
  python3 -c 'import sys,json;print([c["id"] for c in json.load(sys.stdin)["items"] if c["code"]=="medical"][0])')
body="{\"category_id\":\"$category\",\"summary\":\"Pingsan di jalan\",\"location\":{\"lat\":-3.69,\"lon\":128.18}}"

if [[ -z "$only" ]]; then
  echo "# (b) incident creation (one incident, one dispatch to PSC 119, their events)"
  for c in 1 16 64; do
    "$bench" http --port "$port" --path /api/v1/incidents --method POST --body "$body" --token "$token" \
      --clients "$c" --requests $((c == 1 ? 2000 : 20000)) --name create_incident
  done
  echo "# (b) incident creation, open loop at 1,000 per second for 10 s over 64 connections"
  "$bench" http --port "$port" --path /api/v1/incidents --method POST --body "$body" --token "$token" \
    --clients 64 --rate 1000 --seconds 10 --name create_incident_open_1000
fi
# The clients read every event of the incident (its creation and its dispatch's events); the
# bench notes when the kernel received each incident.created frame (SO_TIMESTAMPNS), so its own
# share of the two cores delays its reads but not the arrivals.
for rate in 10 20; do
  [[ "$only" == e || "$only" == f ]] && break
  echo "# (c) stream fan-out: 1,000 WebSocket clients, incidents at $rate per second for 20 s (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench" stream --port "$port" --token "$token" --body "$body" --clients 1000 --incidents $((rate * 20)) \
    --rate "$rate" --server-pid "$server"
done
if [[ -z "$only" ]]; then
  kill "$server"
  wait "$server" 2>/dev/null || true
  echo "# (d) Jakarta's year through the HTTP API (verdicts $CLASSIFY_BATCH a request)"
  bash bench/replay.sh "$build" "$replay_calls"
fi

if [[ -z "$only" || "$only" == e ]]; then
  [[ "$only" == e ]] && { kill "$server"; wait "$server" 2>/dev/null || true; }
  "$siaga" seed --demo --database "$work/beside.db" >/dev/null
  rm -f "$work/port"
  "$siaga" serve --database "$work/beside.db" --port 0 --port-file "$work/port" --web-root "" --log-level warn \
    --max-connections-per-address 100000 --max-new-reports-per-reporter 0 &
  server=$!
  for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.05; done
  port=$(cat "$work/port")
  source bench/demo_api.sh
  admin=$(login admin)
  token=$(login calltaker)
  operator=$(login psc119)
  category=$(curl -s "localhost:$port/api/v1/categories" -H "Authorization: Bearer $token" |
    python3 -c 'import sys,json;print([c["id"] for c in json.load(sys.stdin)["items"] if c["code"]=="medical"][0])')
  body="{\"category_id\":\"$category\",\"summary\":\"Pingsan di jalan\",\"location\":{\"lat\":-3.69,\"lon\":128.18}}"
  key=$(bridge_key "$admin")
  "$build/bench/replay_bench" --port "$port" --api-key "$key" --token "$token" --calls "$replay_calls" --clients 4 \
    --batch 500 --classify-clients 16 --server-pid "$server" >"$work/beside.out" 2>&1 &
  replay=$!
  # The stream's clients connect once the replay's calls are generated and its bridge is sending.
  for _ in $(seq 600); do grep -q '"generated"' "$work/beside.out" && break; sleep 0.1; done
  echo "# (e) stream fan-out beside the replay: 1,000 WebSocket clients (PSC 119's operator), incidents at 10 per second for 20 s (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench" stream --port "$port" --token "$token" --watch-token "$operator" --body "$body" --clients 1000 \
    --incidents 200 --rate 10 --server-pid "$server"
  if kill -0 "$replay" 2>/dev/null; then
    echo "# the replay was still running when the stream's run ended (as it should: it ran beside it)"
    kill "$replay"
  fi
  wait "$replay" 2>/dev/null || true
  cat "$work/beside.out"
fi

if [[ -z "$only" || "$only" == f ]]; then
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  python3 bench/cdr_gen.py --calls "$replay_calls" --format generic --year 2025 >"$work/calls.csv"
  "$siaga" seed --demo --database "$work/import.db" >/dev/null
  sync
  echo "# (f) $replay_calls calls imported from a CDR file (load $(cut -d' ' -f1-3 /proc/loadavg))"
  TIMEFORMAT='wall %R s, user %U s, sys %S s'
  time "$siaga" import calls "$work/calls.csv" --format generic --database "$work/import.db" 2> >(grep -v '^Mengimpor' >&2)
fi
