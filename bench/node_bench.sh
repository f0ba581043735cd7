#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Storage node benchmarks (docs/benchmarks.md "Storage node"):
#   1. one node on loopback: 1 KiB puts and gets per second with 8 concurrent clients
#      (bench/node_load), against the raw LMDB rates of the same 1 KiB values
#      (bench/store_net_bench: one durable commit per put, as the node does);
#   2. idle RSS of that node, and its peak RSS under the load;
#   3. a 16-node network: median and p95 latency of 1 KiB puts and gets sent to random nodes
#      by one client (replication 3).
# Usage: bench/node_bench.sh [BUILD_DIR] (default ./build). Kills every node it started.
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/tools
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cpc-node-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
port=$((20000 + ($$ % 600) * 20))  # below the ephemeral range (32768-)
wait_up() { for _ in $(seq 1 1200); do curl -sf "$1/v1/status" > /dev/null && return 0; sleep 0.05; done; return 1; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

if [ "${ONLY_16:-}" != 1 ]; then
echo "== raw LMDB, 1 KiB values (store_net_bench)"
"$BUILD/bench/store_net_bench" 1 | grep '^store'

echo "== one node, 8 clients, 1 KiB"
"$BIN/cpc-node" --data-dir "$WORK/single" --listen "127.0.0.1:$port" 2> "$WORK/single.log" &
PIDS+=($!)
single=$!
wait_up "http://127.0.0.1:$port" || { cat "$WORK/single.log" >&2; exit 3; }
sleep 1
echo "idle RSS: $(( $(rss_kb $single) / 1024 )) MiB"
"$BUILD/bench/node_load" --node "http://127.0.0.1:$port" --threads 8 --seconds "${SECONDS_PER_RUN:-10}"
echo "peak RSS under load: $(( $(hwm_kb $single) / 1024 )) MiB"
kill -TERM $single; wait $single 2> /dev/null || true

fi
echo "== 16 nodes, replication 3, one client, random nodes, 1 KiB"
nodes=()
for i in $(seq 0 15); do
  p=$((port + 1 + i))
  boot=()
  [ "$i" -gt 0 ] && boot=(--bootstrap "http://127.0.0.1:$((port + 1))")
  "$BIN/cpc-node" --data-dir "$WORK/n$i" --listen "127.0.0.1:$p" "${boot[@]}" 2> "$WORK/n$i.log" &
  PIDS+=($!)
  wait_up "http://127.0.0.1:$p" || { cat "$WORK/n$i.log" >&2; exit 3; }
  nodes+=(--node "http://127.0.0.1:$p")
done
sleep 2
"$BUILD/bench/node_load" "${nodes[@]}" --threads 1 --seconds "${SECONDS_PER_RUN:-10}"
