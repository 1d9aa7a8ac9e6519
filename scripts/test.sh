#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j "${SIAGA_JOBS:-2}" --timeout 600
cd ..
# The parsers' fuzz targets, a bounded time each (fuzz/README.md).
bash scripts/fuzz.sh
