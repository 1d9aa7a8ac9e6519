#!/usr/bin/env bash
# Write cost as history grows (issue 14 item 1, docs/benchmarks.md "Cost independent of history"):
#  - telephony: the same load (2,000 new calls from 100 numbers, 4 commands each: ringing,
#    answered, ended, classified; 64 in flight, durable) on databases where each number already
#    has 30, 300 and 3,000 calls (3,000, 30,000 and 300,000 calls in all);
#  - incident creation: 20,000 incidents created as POST /api/v1/incidents creates them (one
#    dispatch each, 64 in flight, durable) in copies of databases of 10,000, 100,000 and
#    1,000,000 incidents over 5 years (stats_bench generate, without calls);
# twice each, smallest first.
# Usage: bash bench/history.sh [build-dir] [work-dir]   (builds history_bench and stats_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
work="${2:-/tmp}"
ninja -C "$build" -j2 history_bench stats_bench >/dev/null
dir=$(mktemp -d "$work/siaga-history-XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
  for h in 30 300 3000; do
    "$build/bench/history_bench" --database "$dir/calls.db" --history "$h" --numbers 100 --calls 2000
  done
done
sizes=(10000 100000 1000000)
for n in "${sizes[@]}"; do
  "$build/bench/stats_bench" generate --database "$dir/incidents-$n.db" --incidents "$n" --calls-per-incident 0 \
    --years 5 | tail -n 1
done
for round in 1 2; do
  for n in "${sizes[@]}"; do
    # A copy, so that each run starts from the same history.
    rm -f "$dir/run.db" "$dir/run.db-wal" "$dir/run.db-shm"
    cp "$dir/incidents-$n.db" "$dir/run.db"
    sync
    echo -n "# $n incidents before: "
    "$build/bench/history_bench" --database "$dir/run.db" --creations 20000
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
