#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang 14 under ASan and UBSan into build-fuzz/
# (apart from build/, which stays untouched) and runs each for a bounded time, starting from
# the seeds in fuzz/corpus/<target>/. Exit 1 on the first target that crashes, leaks or breaks
# a property; the input is kept in build-fuzz/artifacts/<target>/.
#   SIAGA_FUZZ_SECONDS  seconds per target (default 15)
#   SIAGA_FUZZ_TARGETS  space-separated names to run (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
seconds="${SIAGA_FUZZ_SECONDS:-15}"
all="phone aml_sms els_form media_sniff json_body telephony_events http_head websocket_frames"
targets="${SIAGA_FUZZ_TARGETS:-$all}"
CXX=clang++-14 cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
ninja -C build-fuzz -j "${SIAGA_JOBS:-2}" >/dev/null
for t in $targets; do
  work="build-fuzz/corpus/$t"
  artifacts="build-fuzz/artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  echo "fuzz: $t for ${seconds}s"
  # New inputs go to the work corpus; the seeds in the repository are only read.
  if ! "build-fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "fuzz/corpus/$t" \
      >"build-fuzz/$t.log" 2>&1; then
    tail -n 60 "build-fuzz/$t.log" >&2
    echo "fuzz: $t FAILED (input in $artifacts, log build-fuzz/$t.log)" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^Done" "build-fuzz/$t.log" | tr '\n' ' '
  echo
done
echo "fuzz: every target ran without a crash"
