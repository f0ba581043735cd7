#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The randomized fault runs of docs/reliability.md "Fault injection": tests/fault/
# fault_netns.sh with FAULT_RUNS runs (default 50) of FAULT_STEPS faults each (default 5),
# seeds FAULT_SEED, FAULT_SEED+1, … (default 1000). Needs root (network namespaces).
# Usage: tests/fault/campaign.sh [BUILD_DIR]   (prints one line per run and the summary)
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export CPC_BIN=$BUILD/tools CPC_BUILD=$BUILD
export FAULT_RUNS=${FAULT_RUNS:-50} FAULT_STEPS=${FAULT_STEPS:-5} FAULT_SEED=${FAULT_SEED:-1000}
start=$SECONDS
if bash "$SRC/tests/fault/fault_netns.sh"; then
  echo "fault runs: $FAULT_RUNS of $FAULT_STEPS faults each, invariants held in all; $((SECONDS - start)) s"
else
  echo "fault runs: an invariant failed (see above); $((SECONDS - start)) s"
  exit 1
fi
