#!/usr/bin/env bash
# Proves the HA deployment's promise at the database level: with Patroni's strict synchronous
# mode, no write acknowledged before, during or after the loss of the primary is lost.
#
# Starts the three-member cluster (ha-cluster.sh) in a temporary folder, writes numbered rows
# through the multi-host connection string (target_session_attrs=read-write: a client finds
# the new primary by itself) from WRITERS concurrent writers, each write a new connection
# and one commit; after a few seconds SIGKILLs the primary's postmaster and its Patroni (the
# machine "dies"), keeps writing until Patroni has promoted the synchronous standby and
# writes succeed again for a while, then checks on the new primary that every row a writer saw
# acknowledged is there, and prints the write unavailability window (the longest time between
# two acknowledged writes around the kill). Exits 1 when an acknowledged row is missing.
# Run by hand; figures go to docs/benchmarks.md. Needs root or the postgres user.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/../../scripts/install-deps.sh" --ha
writers=${WRITERS:-4}
before=${BEFORE_S:-5}
after=${AFTER_S:-10}
dir=$(mktemp -d /tmp/siaga-ha.XXXXXX)
finish() {
  touch "$dir/stop-writers" 2>/dev/null || true
  local pids
  pids=$(jobs -p)
  [[ -z "$pids" ]] || kill $pids 2>/dev/null || true
  wait 2>/dev/null || true
  bash "$here/ha-cluster.sh" stop "$dir" >/dev/null 2>&1 || true
}
trap finish EXIT
bash "$here/ha-cluster.sh" start "$dir"
conninfo=$(cat "$dir/conninfo")
psql_() { PGCONNECT_TIMEOUT=2 /usr/lib/postgresql/15/bin/psql "$conninfo" -v ON_ERROR_STOP=1 -Atq "$@"; }
psql_ -c "CREATE TABLE acked (writer int, n int, PRIMARY KEY (writer, n))"

stop_file="$dir/stop-writers"
write_loop() {
  local w=$1 n=0
  while [[ ! -e "$stop_file" ]]; do
    n=$((n + 1))
    if psql_ -c "INSERT INTO acked VALUES ($w, $n)" 2>/dev/null; then
      echo "$n $(date +%s.%N)" >>"$dir/acks.$w"
    else
      echo "$n $(date +%s.%N)" >>"$dir/fails.$w"
    fi
  done
}
for w in $(seq 1 "$writers"); do
  : >"$dir/acks.$w"
  : >"$dir/fails.$w"
  write_loop "$w" &
done
sleep "$before"
killed_at=$(date +%s.%N)
old=$(bash "$here/ha-cluster.sh" kill-leader "$dir")
echo "failover-test: killed the primary $old at $killed_at"
new=$(bash "$here/ha-cluster.sh" wait-leader "$dir" "$old")
promoted_at=$(date +%s.%N)
echo "failover-test: $new leads, $(echo "$promoted_at - $killed_at" | bc) s after the kill"
sleep "$after"
touch "$stop_file"
wait

acked=0 missing=0 failed=0
for w in $(seq 1 "$writers"); do
  present=$(psql_ -c "SELECT n FROM acked WHERE writer = $w ORDER BY n")
  while read -r n _; do
    acked=$((acked + 1))
    grep -qx "$n" <<<"$present" || {
      missing=$((missing + 1))
      echo "failover-test: writer $w's acknowledged row $n is missing" >&2
    }
  done <"$dir/acks.$w"
  failed=$((failed + $(wc -l <"$dir/fails.$w")))
done
# The longest pause between two acknowledged writes (of any writer) after the kill.
window=$(cat "$dir"/acks.* | awk '{print $2}' | sort -n |
  awk -v k="$killed_at" 'BEGIN{prev=k; gap=0} $1>=k {if ($1-prev>gap) gap=$1-prev; prev=$1} END{printf "%.2f", gap}')
echo "failover-test: $acked writes acknowledged, $missing of them missing, $failed refused during the failover;" \
  "writes unavailable for ${window} s"
[[ $missing -eq 0 && $acked -gt 0 ]]
