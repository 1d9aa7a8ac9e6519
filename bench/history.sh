#!/usr/bin/env bash
# Write cost as history grows (issue 14 item 1, docs/benchmarks.md "Cost independent of history"):
# the same load (2,000 new calls from 100 numbers, 4 commands each: ringing, answered, ended,
# classified; 64 in flight, durable) on databases where each number already has 30, 300 and
# 3,000 calls (3,000, 30,000 and 300,000 calls in all), twice each, smallest first.
# Usage: bash bench/history.sh [build-dir] [work-dir]   (builds history_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
work="${2:-/tmp}"
ninja -C "$build" -j2 history_bench >/dev/null
echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
  for h in 30 300 3000; do
    "$build/bench/history_bench" --database "$work/siaga-history-$$.db" --history "$h" --numbers 100 --calls 2000
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
