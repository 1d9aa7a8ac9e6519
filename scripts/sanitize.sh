#!/usr/bin/env bash
# Builds the server and every C++ test with AddressSanitizer and UndefinedBehaviorSanitizer
# (GCC) into build-asan/ and runs them: any invalid read or write, leak, signed overflow or
# misaligned access fails the test that caused it (the servers the integration tests start are
# instrumented too). Run by hand, on an idle machine (record the run in docs/security.md): on two cores the
# instrumented build and run take about twice as long as the plain ones, which CI has no time
# for. Arguments go to ctest (e.g. -R calls).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIAGA_JEMALLOC=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
ninja -C build-asan -j "${SIAGA_JOBS:-2}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-asan
# The browser tests drive build/siaga through Chromium; their server paths are the plain
# build's, so they stay out of this run.
ctest --output-on-failure -j "${SIAGA_JOBS:-2}" --timeout 1800 -E "browser|web_" "$@"
