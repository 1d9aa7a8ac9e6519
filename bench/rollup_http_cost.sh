#!/usr/bin/env bash
# The rollups' cost on incident creation over HTTP (issue 10, docs/benchmarks.md): the same
# load (POST /api/v1/incidents as the call taker, one incident with one dispatch to PSC 119,
# 64 closed-loop clients, 20,000 incidents) against two builds of siaga, alternately, twice:
# BASE (a build without rollups, e.g. commit a1f6ada) and NEW. Prints each run's throughput
# (from siaga_bench) and the server's CPU per incident (utime + stime from /proc).
# Usage: bash bench/rollup_http_cost.sh BASE_SIAGA NEW_SIAGA [siaga_bench]
set -euo pipefail
base="$1"
new="$2"
bench="${3:-build/bench/siaga_bench}"
work=$(mktemp -d /tmp/siaga-rollup-cost-XXXXXX)
trap 'kill "${server:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
ticks=$(getconf CLK_TCK)

run() {
  local name="$1" siaga="$2"
  rm -f "$work"/*
  "$siaga" seed --demo --database "$work/db" >/dev/null
  "$siaga" serve --database "$work/db" --port 0 --port-file "$work/port" --web-root "" --log-level warn &
  server=$!
  for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.05; done
  local port token category body before after
  port=$(cat "$work/port")
  token=$(curl -s -X POST "localhost:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"calltaker","password":"siaga112demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
  category=$(curl -s "localhost:$port/api/v1/categories" -H "Authorization: Bearer $token" |
    python3 -c 'import sys,json;print([c["id"] for c in json.load(sys.stdin)["items"] if c["code"]=="medical"][0])')
  body="{\"category_id\":\"$category\",\"summary\":\"Pingsan di jalan\",\"location\":{\"lat\":-3.69,\"lon\":128.18}}"
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  "$bench" http --port "$port" --path /api/v1/incidents --method POST --body "$body" --token "$token" \
    --clients 64 --requests 20000 --name "create_incident_$name"
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  echo "{\"build\":\"$name\",\"server_cpu_us_per_incident\":$(( (after - before) * 1000000 / ticks / 20000 ))}"
  kill "$server"
  wait "$server" 2>/dev/null || true
}

for round in 1 2; do
  run base "$base"
  run rollups "$new"
done
