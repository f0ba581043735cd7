#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Time from `cpc-get CID -k KEY` to plaintext for a grantee (docs/benchmarks.md "Sharing"):
# three validator cpc-node processes on 127.0.0.1, an owner's sealed objects of 1 KiB and
# 100 MB (SIZES to change) stored and registered, a grant t = 2 of n = 3 proxies; then
# bench/cpc_share_bench reads each object as the grantee REPS times (default 5) and prints
# the medians split into fetch, grant lookup, re-encryption round trip and decryption, next
# to a plain fetch of the same object. Usage: bench/share_bench.sh [BUILD_DIR]
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
BIN=$BUILD/tools
SIZES=${SIZES:-"1024 100000000"}
REPS=${REPS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cpc-share-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
port=$((24000 + ($$ % 500) * 4))
for i in 1 2 3; do "$BIN/cpc-keygen" -o "v$i.key" && "$BIN/cpc-keygen" --public -k "v$i.key" > "v$i.pub"; done
for u in owner grantee; do "$BIN/cpc-keygen" -o "$u.key" && "$BIN/cpc-keygen" --public -k "$u.key" > "$u.pub"; done
"$BIN/cpc-node" genesis --validator v1.pub --validator v2.pub --validator v3.pub -o genesis.json
for i in 1 2 3; do
  boot=()
  [ "$i" = 1 ] || boot=(--bootstrap "http://127.0.0.1:$((port + 1))")
  "$BIN/cpc-node" --data-dir "d$i" --listen "127.0.0.1:$((port + i))" -k "v$i.key" --genesis genesis.json \
    "${boot[@]}" 2> "d$i.log" &
  PIDS+=($!)
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$((port + i))/v1/status" > /dev/null && break; sleep 0.05; done
done
export CPC_NODE="http://127.0.0.1:$((port + 1))"
for _ in $(seq 1 600); do
  [ "$(curl -sf "$CPC_NODE/v1/chain/status" | jq -r .height)" -ge 1 ] 2> /dev/null && break
  sleep 0.1
done
echo "grantee read, medians of $REPS (ms), 3 validators on 127.0.0.1, t = 2 of 3 proxies, $(nproc) CPU, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%12s %10s %10s %10s %12s %10s %12s\n' bytes total fetch grants reencrypt decrypt plain_fetch
for size in $SIZES; do
  head -c "$size" /dev/urandom | "$BIN/cpc-encrypt" --to owner.pub > "obj.$size"
  cid=$("$BIN/cpc-put" -q --register -k owner.key "obj.$size" | jq -r .cid)
  "$BIN/cpc-reencrypt" grant -k owner.key --to grantee.pub -t 2 -n 3 --cid "$cid" --node "$CPC_NODE" > /dev/null
  read -r bytes total fetch grants re dec plain < <("$BUILD/bench/cpc_share_bench" "$CPC_NODE" grantee.key "$cid" "$REPS")
  printf '%12s %10s %10s %10s %12s %10s %12s\n' "$bytes" "$total" "$fetch" "$grants" "$re" "$dec" "$plain"
done
