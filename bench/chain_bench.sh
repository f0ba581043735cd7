#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Chain through the API (docs/benchmarks.md "Chain", "Through the node"): 1 and 4 validator
# cpc-node processes on loopback; SENDERS accounts each submit TXS_PER_SENDER pre-signed
# transfers in nonce order (senders spread over the nodes, 8 submitting threads with
# keep-alive connections); reports committed tx/s (first submission to last commit) and
# the median and p95 latency from a transaction's submission to the moment a poller
# (every 50 ms) sees its block.
# Usage: bench/chain_bench.sh [BUILD_DIR] (default ./build). Kills every node it started.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
BIN=$BUILD/tools
TXTOOL=$BUILD/tests/chain_tx_tool
SENDERS=${SENDERS:-20}
TXS_PER_SENDER=${TXS_PER_SENDER:-25}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cpc-chain-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
port=$((21000 + ($$ % 500) * 10))
wait_up() { for _ in $(seq 1 1200); do curl -sf "$1/v1/chain/status" > /dev/null && return 0; sleep 0.05; done; return 1; }

run() {  # run N_VALIDATORS
  local n=$1 i s
  rm -rf net && mkdir net && cd net
  for i in $(seq 1 "$n"); do
    "$BIN/cpc-keygen" -o "v$i.key" && "$BIN/cpc-keygen" --public -k "v$i.key" > "v$i.pub"
  done
  local allocs=()
  for s in $(seq 1 "$SENDERS"); do
    "$BIN/cpc-keygen" -o "s$s.key"
    allocs+=(--alloc "$(  "$BIN/cpc-keygen" --public -k "s$s.key" | jq -r .sign)=1000000")
  done
  local vals=()
  for i in $(seq 1 "$n"); do vals+=(--validator "v$i.pub"); done
  "$BIN/cpc-node" genesis "${vals[@]}" "${allocs[@]}" -o genesis.json
  local urls=()
  for i in $(seq 1 "$n"); do
    local p=$((port + i)) boot=()
    [ "$i" = 1 ] || boot=(--bootstrap "http://127.0.0.1:$((port + 1))")
    "$BIN/cpc-node" --data-dir "d$i" --listen "127.0.0.1:$p" -k "v$i.key" --genesis genesis.json \
      "${boot[@]}" 2> "d$i.log" &
    PIDS+=($!)
    wait_up "http://127.0.0.1:$p"
    urls+=("http://127.0.0.1:$p")
  done
  local to
  to=$(jq -r .sign v1.pub)
  : > txs.txt
  for s in $(seq 1 "$SENDERS"); do
    for k in $(seq 0 $((TXS_PER_SENDER - 1))); do
      echo "$s $k $("$TXTOOL" "s$s.key" cpc-local "$k" transfer "$to" 1)" >> txs.txt
    done
  done
  python3 - "${urls[@]}" << 'PY'
import http.client, json, sys, threading, time, urllib.parse
urls = sys.argv[1:]
txs = [l.split(" ", 2) for l in open("txs.txt").read().splitlines()]
by_sender = {}
for s, k, rec in txs:
    by_sender.setdefault(int(s), []).append(json.loads(rec))
def conn(url):
    u = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)
submitted = {}
lock = threading.Lock()
senders = sorted(by_sender)
def worker(wid):
    cs = {}
    for s in senders[wid::8]:
        url = urls[s % len(urls)]
        c = cs.setdefault(url, conn(url))
        for tx in by_sender[s]:
            body = json.dumps(tx)
            t = time.time()
            c.request("POST", "/v1/tx", body, {"Content-Type": "application/json"})
            r = c.getresponse(); data = r.read()
            if r.status != 202:
                raise SystemExit("refused: %d %s" % (r.status, data))
            with lock:
                submitted[(tx["from"], tx["nonce"])] = t
total = len(txs)
c0 = conn(urls[0])
def get(path):
    c0.request("GET", path); r = c0.getresponse(); return r.status, r.read()
h0 = json.loads(get("/v1/chain/status")[1])["height"]
t0 = time.time()
threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
for t in threads: t.start()
committed = {}
h = h0
deadline = time.time() + 600
while len(committed) < total and time.time() < deadline:
    top = json.loads(get("/v1/chain/status")[1])["height"]
    now = time.time()
    while h < top:
        h += 1
        blk = json.loads(get("/v1/chain/blocks/%d" % h)[1])
        for tx in blk["block"]["txs"]:
            committed[(tx["from"], tx["nonce"])] = now
    time.sleep(0.05)
for t in threads: t.join()
t1 = max(committed.values()) if committed else time.time()
lat = sorted(committed[k] - submitted[k] for k in committed if k in submitted)
def pct(p): return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
print("validators=%d txs=%d committed=%d blocks=%d tx/s=%.0f median_ms=%.0f p95_ms=%.0f" % (
    len(urls), total, len(committed), h - h0, len(committed) / (t1 - t0), pct(0.5), pct(0.95)))
PY
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
  PIDS=()
  cd ..
}
run 1
run 4
