#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One cpc-node (docs/node-api.md): cpc-put / cpc-get round trips of 0 B, 1 B, 1 MiB,
# 1 MiB + 1 and 200 MiB whose root CIDs equal those of npm ipfs-unixfs-importer (as in
# tests/cli/unixfs_ipfs_compat.sh, which installs it the same way); data survives SIGTERM and a restart; an
# unknown CID exits 1 and writes nothing; hostile input (malformed JSON, bad CIDs, a block
# that does not match its CID, an oversized body, 300 idle connections) leaves the node up.
source "$(dirname "$0")/lib.sh"

free_port
port=$FREE_PORT
URL="http://127.0.0.1:$port"
export CPC_NODE=$URL
start_node n1 "$port"
grep -q "cpc-node: listening on $URL, data in $WORK/n1, id [0-9a-f]\{64\}" n1.log ||
  fail "start-up line: $(cat n1.log)"
[ "$(stat -c %a n1/node.key)" = 600 ] || fail "node.key is not 0600"

# The IPFS project's importer, installed as tests/cli/unixfs_ipfs_compat.sh does.
: "${CPC_BUILD:?CPC_BUILD must name the build directory}"
importer_dir="$CPC_BUILD/npm-unixfs"
mkdir -p "$importer_dir"
exec 9> "$importer_dir.lock"  # the CLI test may be installing it at the same moment
flock 9
if [ ! -f "$importer_dir/.installed" ]; then
  echo '{"name": "cpc-unixfs-compat", "private": true}' > "$importer_dir/package.json"
  (cd "$importer_dir" && npm install --no-audit --no-fund --no-save ipfs-unixfs-importer@^17 \
    > install.log 2>&1) || { cat "$importer_dir/install.log" >&2; fail "npm install ipfs-unixfs-importer"; }
  touch "$importer_dir/.installed"
fi
cp "$CPC_SRC/tests/cli/unixfs_importer.mjs" "$importer_dir/"
flock -u 9
declare -A CIDS
for size in 0 1 1048576 1048577 209715200; do  # 200 MiB: two levels of nodes
  gen_file "in.$size" "$size" "$size"
  cpc-put "in.$size" > put.json 2> put.err || { fail "cpc-put $size: $(cat put.err)"; continue; }
  cid=$(jq -r .cid put.json)
  [ "$(jq -r .type put.json)" = cpc/put ] || fail "put $size: type $(cat put.json)"
  [ "$(jq -r .size put.json)" = "$size" ] || fail "put $size: size $(cat put.json)"
  CIDS[$size]=$cid
  cpc-get "$cid" -o "out.$size" 2> get.err || fail "cpc-get $size: $(cat get.err)"
  cmp -s "in.$size" "out.$size" || fail "round trip of $size bytes differs"
  theirs=$(cd "$importer_dir" && node unixfs_importer.mjs cid "$WORK/in.$size" 1048576 174)
  [ "$cid" = "$theirs" ] || fail "$size bytes: cpc-put $cid, ipfs-unixfs-importer $theirs"
  echo "$size bytes: $cid (importer: $theirs)"
  rm -f "out.$size"
done
# Through a pipe, and to stdout.
printf 'hello world' | cpc-put > put.json
[ "$(jq -r .cid put.json)" = bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e ] ||
  fail "hello world CID: $(cat put.json)"
[ "$(cpc-get bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e)" = "hello world" ] ||
  fail "cpc-get to stdout"
# --records: one object per line.
printf '{"a":1}\n{"b":2}\n' | cpc-put --records > recs.json
[ "$(wc -l < recs.json)" = 2 ] || fail "--records: $(cat recs.json)"
[ "$(cpc-get "$(sed -n 2p recs.json | jq -r .cid)")" = '{"b":2}' ] || fail "--records second object"

# Unknown CID: exit 1, one line, no output file.
unknown=bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
set +e
cpc-get "$unknown" -o missing.out 2> get.err
rc=$?
set -e
[ "$rc" = 1 ] || fail "unknown CID: exit $rc: $(cat get.err)"
grep -q "^cpc-get: not found" get.err || fail "unknown CID message: $(cat get.err)"
[ ! -e missing.out ] || fail "unknown CID left an output file"
ls -a | grep -q 'missing.out.tmp' && fail "unknown CID left a temporary file"
set +e
cpc-get not-a-cid > /dev/null 2> get.err
rc=$?
set -e
[ "$rc" = 2 ] || fail "bad CID: exit $rc"

# Hostile input.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
raw=bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e
[ "$(code -X PUT --data-binary 'hello WORLD' "$URL/v1/blobs/$raw")" = 400 ] || fail "mismatching block not 400"
[ "$(code -X PUT --data-binary 'x' "$URL/v1/blobs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG")" = 400 ] || fail "CIDv0 not 400"
[ "$(code -X PUT --data-binary 'x' "$URL/v1/blobs/bafyreigarbage")" = 400 ] || fail "garbage CID not 400"
[ "$(code "$URL/v1/blobs/%00%ff")" = 400 ] || fail "binary CID not 400"
dagpb=bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi
[ "$(code -X PUT --data-binary 'not protobuf' "$URL/v1/blobs/$dagpb")" = 400 ] || fail "bad dag-pb not 400"
head -c $((3 << 20)) /dev/zero > big.bin
[ "$(code -X PUT -H 'Content-Type: application/octet-stream' --data-binary @big.bin "$URL/v1/blobs/$raw")" = 413 ] || fail "oversized body not 413"
# Node-to-node routes take only signed requests (docs/peer-auth.md): unsigned ones, and
# ones with the sender headers of old, are refused before their body is read.
for body in '{' '[]' '{"target":"zz"}' '{"target":"00","from":{"id":1}}' "$(head -c 5000 /dev/zero | tr '\0' '[')"; do
  c=$(code -X POST --data-binary "$body" "$URL/v1/dht/find_node")
  [ "$c" = 401 ] || fail "unsigned find_node body '${body:0:20}': $c"
done
c=$(code -X POST -H "X-Cpc-From-Id: $(printf '%064d' 0)" -H 'X-Cpc-From-Url: http://127.0.0.1:1' \
  --data-binary 'x' "$URL/v1/dht/store/$raw")
[ "$c" = 401 ] || fail "store with forged sender headers: $c"
[ "$(code -X PUT --data-binary '{"type":"cpc/record"}' "$URL/v1/records/$(printf '%064d' 0)")" = 400 ] || fail "bad record not 400"
# 300 idle connections, then a normal request.
python3 - "$port" << 'PY' &
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(300)]
time.sleep(4)
PY
idle=$!
sleep 1
[ "$(code "$URL/v1/status")" = 200 ] || fail "status with 300 idle connections"
cpc-get "$raw" > /dev/null || fail "get with 300 idle connections"
wait "$idle" || fail "could not open 300 idle connections"
# The idle connections just closed; until the node has seen them go, this client's
# connections may still be at the per-client limit (a sanitizer build is slow to notice).
metrics_ok=0
for _ in $(seq 1 50); do
  if curl -sf --max-time 5 "$URL/metrics" > metrics.txt; then metrics_ok=1; break; fi
  sleep 0.1
done
[ "$metrics_ok" = 1 ] || fail "/metrics did not answer after the idle connections closed"
grep -q '^cpc_requests_total{endpoint="blobs_put",status="400"}' metrics.txt || fail "/metrics lacks the 400s"
curl -sf "$URL/metrics" | grep -q '^cpc_blobs_stored ' || fail "/metrics lacks cpc_blobs_stored"

# SIGTERM, restart, everything still there.
stop_node "$NODE_PID" TERM
start_node n1 "$port"
for size in "${!CIDS[@]}"; do
  cpc-get "${CIDS[$size]}" -o "again.$size" 2> get.err || fail "after restart, get $size: $(cat get.err)"
  cmp -s "in.$size" "again.$size" || fail "after restart, $size bytes differ"
  rm -f "again.$size"
done
# kill -9 after an acknowledged put: it is still there.
printf 'acknowledged' | cpc-put > put.json
stop_node "$NODE_PID" KILL
start_node n1 "$port"
[ "$(cpc-get "$(jq -r .cid put.json)")" = acknowledged ] || fail "acknowledged put lost by kill -9"
finish
