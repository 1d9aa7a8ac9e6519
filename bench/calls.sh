#!/usr/bin/env bash
# The calls benchmarks of docs/benchmarks.md ("Calls"), in one go:
#   (a) telephony events ingested per second: one event per request with 1, 16 and 64
#       connections, and batches of 100 events per request with 4 connections;
#   (b) GET /api/v1/callers/{number}/decision latency: closed loop with 1 and 16 clients, open
#       loop at 1,000 per second alone, while events arrive at 500 per second (about 115 calls
#       a second, far beyond a province in a disaster), and while 16 connections send events
#       as fast as the server takes them (saturation).
# Usage: bash bench/calls.sh [build-dir]   (default build/; builds siaga, calls_bench, siaga_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
ninja -C "$build" -j2 siaga calls_bench siaga_bench >/dev/null
siaga="$build/siaga"
calls="$build/bench/calls_bench"
bench="$build/bench/siaga_bench"
work=$(mktemp -d /tmp/siaga-calls-bench-XXXXXX)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
"$siaga" seed --demo --database "$work/calls.db" >/dev/null
"$siaga" serve --database "$work/calls.db" --port 0 --port-file "$work/port" --web-root "" --log-level warn &
server=$!
for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.05; done
port=$(cat "$work/port")
admin=$(curl -s -X POST "localhost:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"siaga112demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
key=$(curl -s -X POST "localhost:$port/api/v1/api_keys" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"bench"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["secret"])')

echo "# (a) telephony events ingested (each event: fold of the call, its audit event, callback and policy rules)"
"$calls" --port "$port" --api-key "$key" --events 3000 --clients 1 --batch 1 --seed 1
"$calls" --port "$port" --api-key "$key" --events 30000 --clients 16 --batch 1 --seed 2
"$calls" --port "$port" --api-key "$key" --events 30000 --clients 64 --batch 1 --seed 3
"$calls" --port "$port" --api-key "$key" --events 100000 --clients 4 --batch 100 --seed 4

# A number with history (the busiest caller so far) makes the decision do its real work.
number=$(curl -s "localhost:$port/api/v1/calls?limit=500" -H "Authorization: Bearer $admin" | python3 -c '
import sys, json, collections
items = json.load(sys.stdin)["items"]
print(collections.Counter(c["caller"] for c in items if c["caller"]).most_common(1)[0][0].replace("+", "%2B"))')
path="/api/v1/callers/$number/decision"
echo "# (b) caller decision ($path) with an api key"
for c in 1 16; do "$bench" http --port "$port" --path "$path" --token "$key" --clients "$c" --requests 20000 --name "decision_c$c"; done
"$bench" http --port "$port" --path "$path" --token "$key" --clients 16 --rate 1000 --seconds 10 --name decision_open_1000
echo "# (b) the same open loop while events arrive at 500 per second (open loop)"
"$calls" --port "$port" --api-key "$key" --events 6000 --clients 16 --batch 1 --rate 500 --seed 5 &
ingest=$!
sleep 0.5
"$bench" http --port "$port" --path "$path" --token "$key" --clients 16 --rate 1000 --seconds 10 \
  --name decision_open_1000_during_ingest_500
wait "$ingest"
echo "# (b) the same open loop while 16 connections send events as fast as they are taken"
"$calls" --port "$port" --api-key "$key" --events 60000 --clients 16 --batch 1 --seed 6 &
ingest=$!
sleep 1
"$bench" http --port "$port" --path "$path" --token "$key" --clients 16 --rate 1000 --seconds 10 \
  --name decision_open_1000_during_saturating_ingest
wait "$ingest"
