#!/usr/bin/env bash
# A highly available PostgreSQL 15 cluster on one machine, as deploy/ha/README.md describes it
# for three: one etcd, three PostgreSQL instances each managed by Patroni on loopback ports,
# synchronous replication in strict mode (a commit is acknowledged only once a standby has it,
# and only that standby may be promoted), so that a failover never loses an acknowledged write.
# For the failover test (deploy/ha/failover-test.sh) and for trying the deployment by hand.
#
#   ha-cluster.sh start DIR      makes and starts the cluster in DIR (a new, empty folder) and
#                                waits for a leader; writes DIR/conninfo (the multi-host libpq
#                                string siaga connects with) and DIR/ports
#   ha-cluster.sh leader DIR     prints the leader's member name (pg1, pg2 or pg3) and port
#   ha-cluster.sh kill-leader DIR  SIGKILLs the leader's postmaster (Patroni too, so it cannot
#                                restart it: the machine "died")
#   ha-cluster.sh wait-leader DIR [OLD]  waits for a leader other than OLD; prints it
#   ha-cluster.sh stop DIR       stops everything started from DIR and removes DIR
#
# Patroni and etcd come from Debian (packages patroni and etcd-server, installed by
# scripts/install-deps.sh --ha). PostgreSQL refuses to run as root: as root, the instances and
# Patroni run as the postgres user.
set -euo pipefail

usage() {
  sed -n '2,20p' "$0" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
action=$1
dir=$2

bindir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
for tool in patroni etcd; do
  command -v "$tool" >/dev/null || {
    echo "ha-cluster: $tool is not installed; run scripts/install-deps.sh --ha" >&2
    exit 1
  }
done
[[ -x "$bindir/postgres" ]] || {
  echo "ha-cluster: PostgreSQL 15 is not installed; run scripts/install-deps.sh" >&2
  exit 1
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Starts a program in the background as the owner, its own pid (not runuser's) in pidfile.
spawn() {
  local pidfile=$1 log=$2
  shift 2
  as_owner bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >"$log" 2>&1 &
  for _ in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  echo "ha-cluster: $1 did not start" >&2
  return 1
}

# Patroni's REST API answers 200 on /primary only on the leader.
leader() {
  local i
  for i in 1 2 3; do
    local api pg
    api=$(sed -n "s/^pg$i api=\([0-9]*\) .*/\1/p" "$dir/ports")
    pg=$(sed -n "s/^pg$i api=[0-9]* pg=\([0-9]*\)/\1/p" "$dir/ports")
    if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$api/primary" 2>/dev/null; then
      echo "pg$i $pg"
      return 0
    fi
  done
  return 1
}

wait_leader() {
  local old=${1:-} deadline=$((SECONDS + ${HA_WAIT:-90})) now
  while ((SECONDS < deadline)); do
    if now=$(leader) && [[ "${now%% *}" != "$old" ]]; then
      echo "$now"
      return 0
    fi
    sleep 0.5
  done
  echo "ha-cluster: no leader (other than '${old}') within ${HA_WAIT:-90} s; logs in $dir/*.log" >&2
  return 1
}

write_member() {
  local i=$1 api=$2 pg=$3 etcd=$4
  cat >"$dir/pg$i.yml" <<YML
scope: siaga
name: pg$i
restapi:
  listen: 127.0.0.1:$api
  connect_address: 127.0.0.1:$api
etcd3:
  hosts: 127.0.0.1:$etcd
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 5
    maximum_lag_on_failover: 0
    synchronous_mode: true
    synchronous_mode_strict: true
    synchronous_node_count: 1
    postgresql:
      use_pg_rewind: false
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 200
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication replicator 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$pg
  connect_address: 127.0.0.1:$pg
  data_dir: $dir/pg$i
  bin_dir: $bindir
  pgpass: $dir/pgpass$i
  authentication:
    superuser:
      username: siaga
      password: siaga
    replication:
      username: replicator
      password: replicator
  parameters:
    unix_socket_directories: $dir
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
YML
}

case "$action" in
  start)
    mkdir -p "$dir"
    [[ -z "$(ls -A "$dir")" ]] || {
      echo "ha-cluster: $dir is not empty" >&2
      exit 1
    }
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    base=$((20000 + RANDOM % 20000))
    etcd_port=$base
    spawn "$dir/etcd.pid" "$dir/etcd.log" etcd --name ha --data-dir "$dir/etcd" \
      --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
      --listen-peer-urls "http://127.0.0.1:$((base + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((base + 1))" \
      --initial-cluster "ha=http://127.0.0.1:$((base + 1))"
    : >"$dir/ports"
    hosts="" ports=""
    for i in 1 2 3; do
      api=$((base + 10 + i)) pg=$((base + 20 + i))
      echo "pg$i api=$api pg=$pg" >>"$dir/ports"
      write_member "$i" "$api" "$pg" "$etcd_port"
      hosts+="${hosts:+,}127.0.0.1" ports+="${ports:+,}$pg"
    done
    # etcd first: Patroni gives up on a DCS it cannot reach at start.
    for _ in $(seq 1 100); do
      curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$etcd_port/health" 2>/dev/null && break
      sleep 0.1
    done
    for i in 1 2 3; do
      spawn "$dir/patroni$i.pid" "$dir/patroni$i.log" patroni "$dir/pg$i.yml"
      # The first member bootstraps; the others clone from it once it leads.
      if [[ $i -eq 1 ]]; then wait_leader >/dev/null; fi
    done
    # Strict synchronous mode accepts no commit until a standby is synchronous.
    deadline=$((SECONDS + ${HA_WAIT:-90}))
    until [[ "$(as_owner "$bindir/psql" -h "$dir" -p "$(leader | cut -d' ' -f2)" -U siaga -d postgres -Atc \
      "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'" 2>/dev/null)" == 1 ]]; do
      ((SECONDS < deadline)) || {
        echo "ha-cluster: no synchronous standby within ${HA_WAIT:-90} s" >&2
        exit 1
      }
      sleep 0.5
    done
    echo "host=$hosts port=$ports user=siaga password=siaga dbname=postgres target_session_attrs=read-write connect_timeout=2" \
      >"$dir/conninfo"
    echo "ha-cluster: leader $(leader); conninfo in $dir/conninfo"
    ;;
  leader) leader ;;
  wait-leader) wait_leader "${3:-}" ;;
  kill-leader)
    now=$(leader)
    name=${now%% *}
    i=${name#pg}
    kill -9 "$(cat "$dir/patroni$i.pid")" 2>/dev/null || true
    kill -9 "$(head -n 1 "$dir/$name/postmaster.pid")"
    echo "$name"
    ;;
  stop)
    for i in 1 2 3; do
      [[ -f "$dir/patroni$i.pid" ]] && kill "$(cat "$dir/patroni$i.pid")" 2>/dev/null || true
    done
    sleep 2
    for i in 1 2 3; do
      [[ -f "$dir/patroni$i.pid" ]] && kill -9 "$(cat "$dir/patroni$i.pid")" 2>/dev/null || true
      [[ -f "$dir/pg$i/postmaster.pid" ]] && kill -9 "$(head -n 1 "$dir/pg$i/postmaster.pid")" 2>/dev/null || true
    done
    [[ -f "$dir/etcd.pid" ]] && kill "$(cat "$dir/etcd.pid")" 2>/dev/null || true
    sleep 0.5
    rm -rf "$dir"
    echo "ha-cluster: stopped and removed"
    ;;
  *) usage ;;
esac
