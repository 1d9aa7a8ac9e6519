#!/usr/bin/env bash
# The throw-away PostgreSQL cluster of the tests: `start STATE_DIR` makes a cluster in a new
# temporary folder (initdb), starts it on a free loopback port and writes its libpq connection
# string to STATE_DIR/conninfo; `stop STATE_DIR` stops it and removes the folder. ctest runs
# both around the tests that need it (the fixture pg_cluster in CMakeLists.txt).
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user (created
# by Debian's postgresql package) and its commands run through runuser.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
action=$1
state=$2

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "pg-test-cluster: PostgreSQL is not installed; run scripts/install-deps.sh (package postgresql)" >&2
  exit 1
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  [[ -f "$state/cluster" ]] || return 0
  local dir
  dir=$(cat "$state/cluster")
  if [[ -d "$dir/data" ]]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ "$dir" == /tmp/siaga-pg.* ]] && rm -rf "$dir"
  rm -f "$state/cluster" "$state/conninfo"
}

case "$action" in
  start)
    mkdir -p "$state"
    stop_cluster  # a cluster left by an interrupted run
    dir=$(mktemp -d /tmp/siaga-pg.XXXXXX)
    chmod 755 "$dir"
    echo "$dir" >"$state/cluster"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    # trust on loopback only: the cluster lives for one test run and holds test data.
    as_owner "$bindir/initdb" -D "$dir/data" -U siaga --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    started=""
    durability="-c fsync=off -c full_page_writes=off"
    [[ "${SIAGA_PG_DURABLE:-0}" == 1 ]] && durability="-c fsync=on -c synchronous_commit=on"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      port=$((20000 + RANDOM % 30000))
      # Durability is not under test here (fsync off, unless SIAGA_PG_DURABLE=1 as for the
      # benchmarks); many connections: one reader per thread.
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=300" \
        start >/dev/null 2>&1; then
        started=$port
        break
      fi
    done
    if [[ -z "$started" ]]; then
      echo "pg-test-cluster: the cluster did not start; its log:" >&2
      cat "$dir/server.log" >&2 || true
      exit 1
    fi
    echo "host=127.0.0.1 port=$started user=siaga dbname=postgres" >"$state/conninfo"
    echo "pg-test-cluster: started in $dir on port $started"
    ;;
  stop)
    stop_cluster
    echo "pg-test-cluster: stopped and removed"
    ;;
  *) usage ;;
esac
