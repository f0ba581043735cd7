#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer target (tests/fuzz/fuzz_*.cpp) for SECONDS each in the sanitizer
# build (ASan + UBSan, clang, $CPC_ROOT/build-asan as scripts/sanitize.sh makes it), each on
# a scratch copy of its seed corpus, and prints a markdown table: executions, exec/s,
# coverage (the last cov: and ft: libFuzzer reports), corpus size and crashes (crash-,
# leak-, timeout- and oom- artifacts). docs/reliability.md §3 has the figures of one run.
# Usage: tests/fuzz/campaign.sh [SECONDS] [TARGET…]   (default 60 s, every target; TARGET = json,
# node_api, …). Logs and artifacts stay in build-asan/fuzz-bench/<target>/.
source "$(dirname "$0")/../../scripts/common.sh"
seconds=${1:-60}
shift || true
cpc_install clang libclang-rt-14-dev
export CC=clang CXX=clang++
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
B=${CPC_SANITIZE_BUILD_DIR:-$CPC_ROOT/build-asan}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in "$CPC_ROOT"/tests/fuzz/fuzz_*.cpp; do
    n=$(basename "$src" .cpp)
    targets+=("${n#fuzz_}")
  done
fi
# Configured as scripts/sanitize.sh does; only the fuzz binaries are built.
cmake -S "$CPC_ROOT" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCPC_SANITIZE=address,undefined -DCPC_FUZZ=ON >&2
cmake --build "$B" -j2 --target "${targets[@]/#/fuzz_}" >&2
echo "Fuzzing ${#targets[@]} targets for ${seconds} s each ($(nproc) CPUs, $(date -u +%F))" >&2
echo
echo "| target | seconds | executions | exec/s | cov | ft | corpus (seeds → final) | crashes |"
echo "|---|---:|---:|---:|---:|---:|---|---:|"
failed=0
for t in "${targets[@]}"; do
  bin=$B/tests/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "no $bin" >&2; exit 2; }
  d=$B/fuzz-bench/$t
  rm -rf "$d" && mkdir -p "$d/corpus" "$d/artifacts"
  cp -r "$CPC_ROOT/tests/fuzz/corpus/$t/." "$d/corpus/"
  seeds=$(find "$d/corpus" -type f | wc -l)
  rc=0
  (cd "$d" && "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$d/artifacts/" corpus > log 2>&1) || rc=$?
  execs=$(awk -F: '/stat::number_of_executed_units/ { gsub(/ /, "", $NF); print $NF }' "$d/log")
  rate=$(awk -F: '/stat::average_exec_per_sec/ { gsub(/ /, "", $NF); print $NF }' "$d/log")
  last=$(grep -E '^#[0-9]+' "$d/log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  final=$(find "$d/corpus" -type f | wc -l)
  crashes=$(find "$d/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes="exit $rc"; fi
  [ "$crashes" = 0 ] || failed=1
  echo "| $t | $seconds | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | $seeds → $final | $crashes |"
done
echo
echo "Command: tests/fuzz/campaign.sh $seconds${*:+ $*}; logs and artifacts in $B/fuzz-bench/." 
exit $failed
