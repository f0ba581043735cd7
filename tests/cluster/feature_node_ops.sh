#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Running a node as an operator does (docs/node-api.md §6, §12): a validator started from a
# config file (flags on the command line win over it) with --log-format json writes one
# JSON object per line (listening, committed block, stopping); a follower configured with a
# bootstrap list and the validator's genesis joins it; the human log stays as it was;
# /metrics scraped from both has well-formed Prometheus text with request counters and
# latency histograms per endpoint, chain height, commit latency, mempool size, DHT peers,
# stored bytes, and the re-encryption counters at 0. A config file with an unknown key, or
# a missing one, is a usage error.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"

# start_json NAME PORT ARGS…: starts cpc-node (its stderr in NAME.log) and waits until it
# answers on PORT and its JSON "listening" line names that port. Sets NODE_PID.
start_json() {
  local name=$1 port=$2
  shift 2
  cpc-node "$@" 2>> "$WORK/$name.log" &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  local i
  for i in $(seq 1 1200); do
    if grep -q "\"msg\":\"listening\".*\"url\":\"http://127.0.0.1:$port\"" "$WORK/$name.log" 2> /dev/null &&
      curl -sf "http://127.0.0.1:$port/v1/status" > /dev/null 2>&1; then return 0; fi
    kill -0 "$NODE_PID" 2> /dev/null || { cat "$WORK/$name.log" >&2; fail "node $name died at start"; return 1; }
    sleep 0.05
  done
  fail "node $name did not answer within 60 s"
  return 1
}

free_port
p1=$FREE_PORT
free_port
unused=$FREE_PORT
free_port
p2=$FREE_PORT
URL1="http://127.0.0.1:$p1"
URL2="http://127.0.0.1:$p2"

# --- config files -------------------------------------------------------------------------
cat > v.toml << EOF
# The validator: the listen address here is overridden on the command line.
data-dir = "v"
listen = "127.0.0.1:$unused"
replication = 2
repair-interval = "5s"
log-format = "json"
EOF
start_json v "$p1" --config v.toml --listen "127.0.0.1:$p1"
[ -f v/node.key ] || fail "data-dir from the config file not used"
curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$unused/v1/status" && fail "the file's listen address won over the flag"
[ "$(curl -sf "$URL1/v1/status" | jq -r .replication)" = 2 ] || fail "replication from the config file"
wait_height "$URL1" 1 120 || fail "no block committed"

cat > f.toml << EOF
data-dir = "f"
listen = "127.0.0.1:$p2"
genesis = "v/genesis.json"
bootstrap = ["$URL1"]
log-format = "json"
EOF
start_json f "$p2" --config f.toml
[ "$(curl -sf "$URL2/v1/peers" | jq -r '.peers[0].url')" = "$URL1" ] || fail "follower's peers: $(curl -s "$URL2/v1/peers")"
[ "$(curl -sf "$URL2/v1/chain/status" | jq -r .validator)" = false ] || fail "the follower votes"

# Bad config files: usage errors (exit 2) that name the problem.
printf 'data-dir = "x"\nlisten-on = "127.0.0.1:1"\n' > bad.toml
rc=0
timeout 30 cpc-node --config bad.toml 2> bad.err || rc=$?
[ "$rc" = 2 ] || fail "unknown key: exit $rc"
grep -q "listen-on" bad.err || fail "unknown key not named: $(cat bad.err)"
rc=0
timeout 30 cpc-node --config no-such.toml 2> missing.err || rc=$?
[ "$rc" = 2 ] || fail "missing config file: exit $rc"
rc=0
timeout 30 cpc-node --log-format xml 2> fmt.err || rc=$?
[ "$rc" = 2 ] || fail "--log-format xml: exit $rc"

# --- work for the logs and metrics ----------------------------------------------------------
export CPC_NODE=$URL1
cpc-keygen -o owner.key
gen_file data.bin 300000 5
cpc-put -q --register -k owner.key data.bin > put.json 2> put.err || fail "cpc-put --register: $(cat put.err)"
tx=$(jq -r .tx put.json)
tx_height=$(curl -sf "$URL1/v1/tx/$tx" | jq -r .height)
wait_height "$URL2" "$tx_height" 120 || fail "the follower did not reach height $tx_height"
for _ in 1 2 3; do curl -sf "$URL1/v1/status" > /dev/null; done
curl -s -o /dev/null "$URL1/v1/blobs/bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

# --- /metrics -------------------------------------------------------------------------------
curl -sf -D m1.headers "$URL1/metrics" > m1.txt || fail "GET /metrics"
curl -sf "$URL2/metrics" > m2.txt || fail "GET /metrics (follower)"
grep -qi '^content-type: text/plain; version=0.0.4' m1.headers || fail "metrics Content-Type"
# value FILE SERIES: the value of one series (name with its labels, as written).
value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
for f in m1.txt m2.txt; do
  # Well-formed: comments, or "name{labels} value".
  if grep -vE '^# (HELP|TYPE) cpc_[a-z_]+ |^cpc_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? ([0-9]+(\.[0-9]+)?(e[-+][0-9]+)?)$' "$f" > bad-lines.txt; then
    fail "$f: malformed lines: $(head -3 bad-lines.txt)"
  fi
  for t in "cpc_requests_total counter" "cpc_request_duration_seconds histogram" \
    "cpc_commit_latency_seconds histogram" "cpc_reencryptions_total counter" \
    "cpc_chain_height gauge" "cpc_mempool_size gauge" "cpc_dht_peers gauge" \
    "cpc_stored_bytes gauge" "cpc_blobs_stored gauge"; do
    grep -qx "# TYPE $t" "$f" || fail "$f: no '# TYPE $t'"
  done
  [ "$(value "$f" 'cpc_reencryptions_total{result="served"}')" = 0 ] || fail "$f: re-encryptions served"
  [ "$(value "$f" 'cpc_reencryptions_total{result="refused"}')" = 0 ] || fail "$f: re-encryptions refused"
  [ "$(value "$f" cpc_chain_height)" -ge "$tx_height" ] || fail "$f: chain height $(value "$f" cpc_chain_height)"
  [ "$(value "$f" cpc_commit_latency_seconds_count)" -ge 1 ] || fail "$f: no commit latency observed"
  [ "$(value "$f" 'cpc_commit_latency_seconds_bucket{le="+Inf"}')" = "$(value "$f" cpc_commit_latency_seconds_count)" ] ||
    fail "$f: commit latency +Inf bucket differs from the count"
  [ "$(value "$f" cpc_dht_peers)" -ge 1 ] || fail "$f: DHT peers"
  [[ $(value "$f" cpc_mempool_size) =~ ^[0-9]+$ ]] || fail "$f: mempool size"
done
[ "$(value m1.txt 'cpc_requests_total{endpoint="status",status="200"}')" -ge 3 ] || fail "status requests not counted"
[ "$(value m1.txt 'cpc_requests_total{endpoint="blobs_get",status="404"}')" -ge 1 ] || fail "404 not counted"
[ "$(value m1.txt 'cpc_requests_total{endpoint="tx_post",status="202"}')" -ge 1 ] || fail "tx_post not counted"
[ "$(value m1.txt cpc_stored_bytes)" -ge 300000 ] || fail "stored bytes $(value m1.txt cpc_stored_bytes)"
[ "$(value m1.txt cpc_blobs_stored)" -ge 1 ] || fail "blobs stored"
# Latency histograms per endpoint: buckets cumulative, +Inf equal to the count, and as many
# observations as answers counted for the endpoint.
python3 - m1.txt << 'PY' || fail "request latency histograms inconsistent"
import re, sys
buckets, counts, answers = {}, {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'cpc_request_duration_seconds_bucket\{endpoint="([a-z_]+)",le="([^"]+)"\} (\d+)$', line)
    if m:
        buckets.setdefault(m[1], []).append((m[2], int(m[3])))
    m = re.match(r'cpc_request_duration_seconds_count\{endpoint="([a-z_]+)"\} (\d+)$', line)
    if m:
        counts[m[1]] = int(m[2])
    m = re.match(r'cpc_requests_total\{endpoint="([a-z_]+)",status="\d+"\} (\d+)$', line)
    if m:
        answers[m[1]] = answers.get(m[1], 0) + int(m[2])
assert {"status", "tx_post", "blobs_put", "blobs_get"} <= set(buckets), sorted(buckets)
for ep, bs in buckets.items():
    values = [n for _, n in bs]
    assert values == sorted(values), (ep, bs)
    assert bs[-1][0] == "+Inf" and bs[-1][1] == counts[ep], (ep, bs, counts.get(ep))
    # This scrape is answered after it is rendered: it counts in neither yet.
    assert counts[ep] == answers[ep], (ep, counts[ep], answers[ep])
PY

# --- JSON logs --------------------------------------------------------------------------------
stop_node "$NODE_PID"  # the follower
for name in v f; do
  while IFS= read -r line; do
    jq -e 'type == "object" and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"))
      and (.level | IN("info", "warn", "error")) and (.msg | type == "string")' <<< "$line" > /dev/null ||
      fail "$name.log: not a JSON log line: ${line:0:200}"
  done < "$name.log"
done
# (jq -s: one array of the lines; jq 1.6's -e reads only the last line's result otherwise.)
jq -s -e --arg u "$URL1" 'any(.[]; .msg == "listening" and .url == $u and (.id | test("^[0-9a-f]{64}$"))
  and .data_dir == "v")' v.log > /dev/null || fail "no listening event: $(head -c 300 v.log)"
jq -s -e --argjson h "$tx_height" 'any(.[]; .msg == "committed block" and .height == $h and .txs >= 1
  and (.block | test("^[0-9a-f]{64}$")))' v.log > /dev/null ||
  fail "no committed block event at $tx_height: $(grep -c committed v.log) others"
jq -s -e 'any(.[]; .msg == "stopping" and .signal == "SIGTERM")' f.log > /dev/null ||
  fail "no stopping event: $(tail -c 300 f.log)"

# --- the human log, unchanged -------------------------------------------------------------------
free_port
p3=$FREE_PORT
start_node t "$p3"
wait_height "http://127.0.0.1:$p3" 1 120 || fail "text node: no block"
cpc-put -q --node "http://127.0.0.1:$p3" --register -k owner.key data.bin > put3.json 2> put3.err ||
  fail "cpc-put to the text node: $(cat put3.err)"
h3=$(curl -sf "http://127.0.0.1:$p3/v1/tx/$(jq -r .tx put3.json)" | jq -r .height)
stop_node "$NODE_PID"
grep -qx "cpc-node: listening on http://127.0.0.1:$p3, data in $WORK/t, id [0-9a-f]\{64\}" t.log || fail "text listening line: $(head -2 t.log)"
# At least ours: the node's own registration (node.register) may share the block.
grep -qx "cpc-node: committed block $h3 ([1-9][0-9]* txs) [0-9a-f]\{8\}…" t.log || fail "text committed line: $(grep committed t.log | head -2)"
grep -q '^{' t.log && fail "JSON in the default log"
finish
