#!/usr/bin/env bash
# Issue 13 item 4, the whole promise: two `siaga serve` nodes on the Patroni cluster
# (ha-cluster.sh: three PostgreSQL 15, etcd, strict synchronous replication) survive the loss
# of the PostgreSQL primary with nothing acknowledged lost.
#
# Starts the cluster in a temporary folder, seeds the demo city into a database `siaga`, starts
# two nodes on the multi-host connection string (target_session_attrs=read-write), then
# failover_drive.py writes through both nodes (incidents and telephony events), keeps a stream
# client on each, SIGKILLs the primary after BEFORE_S seconds, writes AFTER_S seconds more
# after the promotion and proves: every 2xx write present, each stream without gap or duplicate
# (resumed with ?after), each outbox notification delivered at least once; then
# `siaga audit verify` on the new primary. Prints the write unavailability window.
# Run by hand as root (minutes, several processes): bash deploy/ha/failover-test-siaga.sh [build-dir]
# Its last output is in deploy/ha/README.md. Exits 1 when a proof fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
siaga="$build/siaga"
[[ -x "$siaga" ]] || {
  echo "failover-test-siaga: $siaga is not built (ninja -C $build siaga)" >&2
  exit 1
}
bash "$root/scripts/install-deps.sh" --ha >/dev/null
dir=$(mktemp -d /tmp/siaga-ha.XXXXXX)
work=$(mktemp -d /tmp/siaga-ha-nodes.XXXXXX)
nodes=()
finish() {
  for p in "${nodes[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$here/ha-cluster.sh" stop "$dir" >/dev/null 2>&1 || true
  [[ -n "${KEEP:-}" ]] && echo "failover-test-siaga: node logs kept in $work" || rm -rf "$work"
}
trap finish EXIT
echo "failover-test-siaga: $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
bash "$here/ha-cluster.sh" start "$dir"
conninfo=$(cat "$dir/conninfo")
PGCONNECT_TIMEOUT=3 /usr/lib/postgresql/15/bin/psql "$conninfo" -qc "CREATE DATABASE siaga"
conninfo=${conninfo/dbname=postgres/dbname=siaga}
"$siaga" seed --demo --database "$conninfo" >"$work/seed.log" 2>&1 || {
  cat "$work/seed.log" >&2
  exit 1
}

serve() {
  local name=$1
  # --pg-failover-wait-s: the writer waits for the new primary (the kill, the leader key's
  # 10 s TTL, the promotion) rather than answering 503 meanwhile. --outbox-lease-s 15: a
  # delivery whose recording the failover cut is sent again 15 s later.
  "$siaga" serve --database "$conninfo" --port 0 --port-file "$work/port.$name" --web-root "" --log-level info \
    --max-new-reports-per-reporter 0 --max-connections-per-address 100000 --notify-poll-ms 100 \
    --notify-backoff-ms 200 --outbox-lease-s 15 --pg-failover-wait-s "${FAILOVER_WAIT_S:-30}" \
    >"$work/$name.log" 2>&1 &
  nodes+=($!)
  for _ in $(seq 200); do [[ -s "$work/port.$name" ]] && break; sleep 0.05; done
  [[ -s "$work/port.$name" ]] || {
    echo "failover-test-siaga: node $name did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
  }
}
serve A
serve B
echo "failover-test-siaga: nodes on ports $(cat "$work/port.A") and $(cat "$work/port.B")"

status=0
python3 "$here/failover_drive.py" "$dir" "$conninfo" "$(cat "$work/port.A")" "$(cat "$work/port.B")" || status=1
for p in "${nodes[@]}"; do kill "$p" 2>/dev/null || true; done
wait "${nodes[@]}" 2>/dev/null || true
nodes=()
if "$siaga" audit verify --database "$conninfo" >"$work/verify.log" 2>&1; then
  echo "failover-test-siaga: audit verify: $(tail -n 1 "$work/verify.log")"
else
  echo "failover-test-siaga: audit verify FAILED:" >&2
  cat "$work/verify.log" >&2
  status=1
fi
for name in A B; do
  echo "failover-test-siaga: node $name logged $(grep -ci 'error\|warn' "$work/$name.log" || true) warnings or errors"
done
[[ $status -eq 0 ]] && echo "failover-test-siaga: passed" || echo "failover-test-siaga: FAILED"
exit $status
