#!/usr/bin/env bash
# Configures and builds Siaga 112 into build/ (Ninja, two jobs: the machines have two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build_type="${SIAGA_BUILD_TYPE:-RelWithDebInfo}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
ninja -C build -j "${SIAGA_JOBS:-2}" "$@"
# The official area codes and names that `siaga init` reads (idn-area-data from npm).
bash scripts/area-data.sh
# The web consoles (web/dist, served by siaga): skip with SIAGA_WEB=0.
[[ "${SIAGA_WEB:-1}" == 0 ]] || bash scripts/build-web.sh
