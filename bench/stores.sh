#!/usr/bin/env bash
# Issue 13 item 7, in one run on this machine: incident creation (POST /api/v1/incidents, one
# incident with its dispatch and events; 64 closed-loop clients, then open loop at 1,000 a
# second) on each store and layout, durable everywhere (fsync on):
#   (1) SQLite, one node;
#   (2) PostgreSQL 15, one node (a local cluster, fsync and synchronous_commit on);
#   (3) PostgreSQL, two siaga nodes on the same database, 32 clients on each;
#   (4) PostgreSQL under Patroni with a synchronous standby in strict mode (deploy/ha), two
#       nodes (skipped, saying so, when patroni and etcd are not installed:
#       scripts/install-deps.sh --ha);
#   (5) the stream across nodes: 200 WebSocket clients on node B, incidents created on node A
#       at 20 a second, commit -> arrival.
# Usage: bash bench/stores.sh [build-dir] [steps]   (builds siaga and siaga_bench first)
#   steps: which of the five to run, e.g. "5" or "2,3,5"; all of them by default.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
build="${1:-build}"
steps=",${2:-1,2,3,4,5},"
step() { [[ "$steps" == *",$1,"* ]]; }
ninja -C "$build" -j2 siaga siaga_bench >/dev/null
siaga="$(pwd)/$build/siaga"
bench="$(pwd)/$build/bench/siaga_bench"
work=$(mktemp -d /tmp/siaga-stores-XXXXXX)
chmod 755 "$work"
servers=()
cleanup() {
  for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/pg-test-cluster.sh stop "$work/pgstate" >/dev/null 2>&1 || true
  [[ -d "$work/ha" ]] && bash deploy/ha/ha-cluster.sh stop "$work/ha" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts `siaga serve` on database; its port in $work/port.NAME, its pid appended to servers.
serve() {
  local name=$1 database=$2
  "$siaga" serve --database "$database" --port 0 --port-file "$work/port.$name" --web-root "" --log-level warn \
    --max-connections-per-address 100000 >"$work/$name.log" 2>&1 &
  servers+=($!)
  for _ in $(seq 200); do [[ -s "$work/port.$name" ]] && break; sleep 0.05; done
  [[ -s "$work/port.$name" ]] || { echo "siaga $name did not start:" >&2; cat "$work/$name.log" >&2; exit 1; }
}

# The call taker's token and an incident body on the server at port $1.
login() {
  curl -s -X POST "localhost:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"calltaker","password":"siaga112demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
}
incident_body() {
  local category
  category=$(curl -s "localhost:$1/api/v1/categories" -H "Authorization: Bearer $2" |
    python3 -c 'import sys,json;print([c["id"] for c in json.load(sys.stdin)["items"] if c["code"]=="medical"][0])')
  echo "{\"category_id\":\"$category\",\"summary\":\"Pingsan di jalan\",\"location\":{\"lat\":-3.69,\"lon\":128.18}}"
}

# Closed loop with 64 clients, then open loop at 1,000 a second for 10 s, on one node.
one_node() {
  local label=$1 port=$2 token body
  token=$(login "$port")
  body=$(incident_body "$port" "$token")
  echo "# $label: 64 clients, 20,000 incidents (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench" http --port "$port" --path /api/v1/incidents --method POST --body "$body" --token "$token" \
    --clients 64 --requests 20000 --name "create_incident $label"
  echo "# $label: open loop, 1,000 a second for 10 s"
  "$bench" http --port "$port" --path /api/v1/incidents --method POST --body "$body" --token "$token" \
    --clients 64 --rate 1000 --seconds 10 --name "create_incident_open_1000 $label"
}

# 32 clients on each of two nodes at once; each prints its own line (add the rates).
two_nodes() {
  local label=$1 a=$2 b=$3 ta tb body
  ta=$(login "$a")
  tb=$(login "$b")
  body=$(incident_body "$a" "$ta")
  echo "# $label: 32 clients on each node, 10,000 incidents each (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench" http --port "$a" --path /api/v1/incidents --method POST --body "$body" --token "$ta" \
    --clients 32 --requests 10000 --name "create_incident $label node A" &
  local pa=$!
  "$bench" http --port "$b" --path /api/v1/incidents --method POST --body "$body" --token "$tb" \
    --clients 32 --requests 10000 --name "create_incident $label node B"
  wait "$pa"
}

echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"

if step 1; then
  "$siaga" seed --demo --database "$work/city.db" >/dev/null
  serve sqlite "$work/city.db"
  one_node sqlite "$(cat "$work/port.sqlite")"
  kill "${servers[-1]}"
  wait "${servers[-1]}" 2>/dev/null || true
fi

if step 2 || step 3 || step 5; then
  SIAGA_PG_DURABLE=1 bash scripts/pg-test-cluster.sh start "$work/pgstate" >/dev/null
  server=$(cat "$work/pgstate/conninfo")
  psql "$server" -qc "CREATE DATABASE one" -c "CREATE DATABASE two"
fi
if step 2; then
  "$siaga" seed --demo --database "$server dbname=one" >/dev/null
  # A new database has no planner statistics until autovacuum's first ANALYZE (within a minute
  # of enough writes on a running system); without them the plans prepared while the demo's tables
  # are tiny scan whole tables as they grow (106 incidents a second instead of 243 in a trial).
  psql "$server dbname=one" -qc "ANALYZE"
  serve pg1 "$server dbname=one"
  one_node postgresql "$(cat "$work/port.pg1")"
  kill "${servers[-1]}"
  wait "${servers[-1]}" 2>/dev/null || true
fi

if step 3 || step 5; then
  "$siaga" seed --demo --database "$server dbname=two" >/dev/null
  psql "$server dbname=two" -qc "ANALYZE"
  serve pgA "$server dbname=two"
  serve pgB "$server dbname=two"
fi
if step 3; then
  two_nodes "postgresql two nodes" "$(cat "$work/port.pgA")" "$(cat "$work/port.pgB")"
fi
if step 5; then
  token=$(login "$(cat "$work/port.pgB")")
  body=$(incident_body "$(cat "$work/port.pgB")" "$token")
  echo "# (5) the stream across nodes: 200 clients on node B, incidents created on node A at 20 a second (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench" stream --port "$(cat "$work/port.pgB")" --write-port "$(cat "$work/port.pgA")" --token "$token" \
    --body "$body" --clients 200 --incidents 400 --rate 20 || echo "# (5) failed: is the stream fed across nodes?"
fi

if ! step 4; then
  :
elif command -v patroni >/dev/null && command -v etcd >/dev/null; then
  bash deploy/ha/ha-cluster.sh start "$work/ha" >/dev/null
  ha=$(cat "$work/ha/conninfo")
  psql "$ha" -qc "CREATE DATABASE siaga"
  ha="${ha/dbname=postgres/dbname=siaga}"
  "$siaga" seed --demo --database "$ha" >/dev/null
  psql "$ha" -qc "ANALYZE"
  serve haA "$ha"
  one_node "patroni sync standby" "$(cat "$work/port.haA")"
  serve haB "$ha"
  two_nodes "patroni sync standby two nodes" "$(cat "$work/port.haA")" "$(cat "$work/port.haB")"
else
  echo "# (4) skipped: patroni and etcd are not installed (scripts/install-deps.sh --ha)"
fi
