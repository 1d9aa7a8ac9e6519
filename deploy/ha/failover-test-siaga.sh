#!/usr/bin/env bash
# Issue 13 item 4, the whole promise: two `siaga serve` nodes on the Patroni cluster
# (ha-cluster.sh: three PostgreSQL 15, etcd, strict synchronous replication) survive the loss
# of the PostgreSQL primary with nothing acknowledged lost.
#
# Starts the cluster in a temporary folder, seeds the demo city into a database `siaga`, starts
# two nodes on the multi-host connection string (target_session_attrs=read-write), then
# failover_drive.py writes through both nodes (incidents, retried with their Idempotency-Key,
# and telephony events), keeps a stream client on each, SIGKILLs the primary after BEFORE_S
# seconds and node B RESTART_B_S seconds later (then starts it again), writes AFTER_S seconds
# more after the promotion and proves: every 2xx write present and no key made two incidents,
# each stream without gap or duplicate (resumed with ?after), each outbox notification
# delivered at least once; then
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
stop_nodes() {
  for name in A B; do
    if [[ -s "$work/pid.$name" ]]; then kill "$(cat "$work/pid.$name")" 2>/dev/null || true; fi
  done
  sleep 1
}
finish() {
  stop_nodes
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

# work/serve.sh NAME starts one node in the background, its pid in work/pid.NAME and its port
# in work/port.NAME; the driver uses it to start node B again after SIGKILLing it.
# --pg-failover-wait-s: the writer waits for the new primary (the kill, the leader key's 10 s
# TTL, the promotion) rather than answering 503 meanwhile. --outbox-lease-s 15: a delivery
# whose recording the failover cut is sent again 15 s later.
{
  echo '#!/usr/bin/env bash'
  echo "work=$(printf %q "$work")"
  printf 'cmd=(%q serve --database %q' "$siaga" "$conninfo"
  echo ' --web-root "" --log-level info --max-new-reports-per-reporter 0 --max-connections-per-address 100000' \
    "--notify-poll-ms 100 --notify-backoff-ms 200 --outbox-lease-s 15 --pg-failover-wait-s ${FAILOVER_WAIT_S:-30})"
  cat <<'EOF'
rm -f "$work/port.$1"
"${cmd[@]}" --port 0 --port-file "$work/port.$1" >>"$work/$1.log" 2>&1 &
echo $! >"$work/pid.$1"
for _ in $(seq 200); do [[ -s "$work/port.$1" ]] && exit 0; sleep 0.05; done
echo "failover-test-siaga: node $1 did not start:" >&2
tail -n 3 "$work/$1.log" >&2
exit 1
EOF
} >"$work/serve.sh"
bash "$work/serve.sh" A
bash "$work/serve.sh" B
echo "failover-test-siaga: nodes on ports $(cat "$work/port.A") and $(cat "$work/port.B")"

status=0
python3 "$here/failover_drive.py" "$dir" "$conninfo" "$work" || status=1
stop_nodes
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
