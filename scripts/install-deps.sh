#!/usr/bin/env bash
# Installs what Siaga 112 needs to build and test on Debian 12, only where it is missing
# (with --ha, also Patroni and etcd for deploy/ha/).
# Idempotent: a machine that has everything returns at once without touching apt.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev libspdlog-dev libjemalloc-dev
  libgtest-dev libgmock-dev libpq-dev postgresql postgresql-common
  chromium poppler-utils zlib1g-dev python3-openpyxl
  clang-14 libfuzzer-14-dev
)
# --ha: also what the highly available deployment's scripts run (deploy/ha/): Patroni and etcd.
[[ "${1:-}" == "--ha" ]] && packages+=(patroni etcd-server)
# The consoles (web/) build with Node.js and npm; Debian's own are enough when none is there.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "siaga: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "siaga: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
