#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The cost of node-to-node authentication (docs/benchmarks.md "Authentication's cost"):
# the 16-node put/get of bench/node_bench.sh and the committed tx/s of bench/chain_bench.sh,
# for two builds alternately in the same run (BEFORE: without authentication, AFTER: with),
# ROUNDS times for the 16 nodes and CHAIN_ROUNDS times for the chain.
# Usage: bench/auth_cost.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/auth_cost.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
declare -A BUILD=([before]=$1 [after]=$2)
for i in $(seq 1 "${ROUNDS:-3}"); do
  for side in before after; do
    echo "=== 16 nodes, run $i, $side ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))"
    ONLY_16=1 SECONDS_PER_RUN=${SECONDS_PER_RUN:-10} bash "$HERE/node_bench.sh" "${BUILD[$side]}" 2>&1 |
      grep -E '^(put|get) '
  done
done
for i in $(seq 1 "${CHAIN_ROUNDS:-2}"); do
  for side in before after; do
    echo "=== chain, run $i, $side ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))"
    SENDERS=40 TXS_PER_SENDER=50 bash "$HERE/chain_bench.sh" "${BUILD[$side]}" 2>&1 | grep '^validators='
  done
done
