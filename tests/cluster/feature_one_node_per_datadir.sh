#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One node per data directory (docs/node-api.md §8): a second cpc-node started on a running
# node's data directory exits 3 with one line naming the holder and touches nothing; the
# first keeps running and committing, its chain verifies from genesis afterwards, and once
# it has stopped the directory can be taken again.
source "$(dirname "$0")/lib.sh"

free_port
P1=$FREE_PORT
free_port
P2=$FREE_PORT
start_node a "$P1"
first=$NODE_PID
URL="http://127.0.0.1:$P1"

set +e
timeout 20 cpc-node --data-dir "$WORK/a" --listen "127.0.0.1:$P2" > second.out 2> second.err
rc=$?
set -e
[ "$rc" = 3 ] || fail "second node on the same data directory: exit $rc, want 3; stderr: $(cat second.err)"
[ "$(wc -l < second.err)" = 1 ] || fail "want one line from the second node: $(cat second.err)"
grep -q "^cpc-node: data directory .* is in use by another cpc-node (pid $first, listening on 127.0.0.1:$P1)$" second.err ||
  fail "the error does not name the holder: $(cat second.err)"
(echo > "/dev/tcp/127.0.0.1/$P2") 2> /dev/null && fail "the second node listened on $P2"

# The first node is untouched: it answers, commits a registration, and its chain verifies.
kill -0 "$first" || fail "the first node died"
curl -fsS "$URL/v1/status" > /dev/null || fail "the first node does not answer"
cpc-keygen -o owner.key
printf 'reading 1\n' > r.txt
cpc-put --node "$URL" --register -k owner.key r.txt > put.json || fail "put --register on the first node"
cpc-verify --chain --node "$URL" > verify.json || fail "cpc-verify --chain: $(cat verify.json)"

# Once the first has stopped (SIGTERM), the directory is free again.
kill -TERM "$first"
wait "$first" 2> /dev/null || true
start_node a "$P2"
curl -fsS "http://127.0.0.1:$P2/v1/status" > /dev/null || fail "restart on the freed directory"
cpc-verify --chain --node "http://127.0.0.1:$P2" > verify2.json || fail "cpc-verify --chain after restart"

finish
