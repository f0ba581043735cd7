#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Joining is one flag and cannot fork (docs/peer-auth.md §7): four nodes formed only with
# --bootstrap (no genesis file anywhere) run one chain — one genesis hash, the same block at
# the same height everywhere, a registration made through the last node committed on all.
# A node of another genesis is refused with a line naming both hashes, and --genesis-hash
# pins the network a node may join.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_chain.sh"

ports=()
for _ in 1 2 3 4 5 6; do
  free_port
  ports+=("$FREE_PORT")
done
url() { echo "http://127.0.0.1:${ports[$1]}"; }

start_node n0 "${ports[0]}"
for i in 1 2 3; do
  start_node "n$i" "${ports[$i]}" --bootstrap "$(url $((i - 1)))"
done
g0=$(curl -fsS "$(url 0)/v1/status" | jq -r .genesis)
[[ $g0 =~ ^[0-9a-f]{64}$ ]] || fail "no genesis hash in /v1/status: $g0"
for i in 1 2 3; do
  g=$(curl -fsS "$(url "$i")/v1/status" | jq -r .genesis)
  [ "$g" = "$g0" ] || fail "node $i runs genesis $g, not the network's $g0"
  grep -q "joining chain cpc-local-[0-9a-f]\{8\}, genesis $g0, from $(url $((i - 1)))" "$WORK/n$i.log" ||
    fail "node $i did not say which genesis it adopted: $(cat "$WORK/n$i.log")"
  cmp -s "$WORK/n0/genesis.json" "$WORK/n$i/genesis.json" || fail "node $i stored another genesis file"
done
chain=$(curl -fsS "$(url 0)/v1/chain/status" | jq -r .chain)
[[ $chain =~ ^cpc-local-[0-9a-f]{8}$ ]] || fail "a fresh network's chain id is not its own: $chain"

# A registration through the last node: relayed to the validator (n0), committed, and the
# same block at the same height on every node.
cpc-keygen -o owner.key
printf 'joined reading\n' > r.txt
cpc-put --node "$(url 3)" --register -k owner.key r.txt > put.json || fail "put --register through n3"
h=$(chain_height "$(url 0)")
for i in 1 2 3; do
  wait_height "$(url "$i")" "$h" 30 || fail "node $i did not reach height $h"
done
hash0=$(curl -fsS "$(url 0)/v1/chain/blocks/$h" | jq -r .hash)
for i in 1 2 3; do
  hi=$(curl -fsS "$(url "$i")/v1/chain/blocks/$h" | jq -r .hash)
  [ "$hi" = "$hash0" ] || fail "node $i has block $hi at height $h, n0 has $hash0"
done
for i in 0 1 2 3; do
  cpc-verify --chain --node "$(url "$i")" > "verify$i.json" || fail "cpc-verify --chain on n$i"
done

# Another network: its own genesis file, pointed at ours. Refused, both hashes named.
cpc-keygen -o other.key
cpc-node genesis --validator other.key -o other-genesis.json
set +e
timeout 30 cpc-node --data-dir "$WORK/other" --listen "127.0.0.1:${ports[4]}" \
  --genesis other-genesis.json --bootstrap "$(url 0)" 2> other.err
rc=$?
set -e
[ "$rc" = 3 ] || fail "a node of another genesis: exit $rc, want 3: $(cat other.err)"
grep -q "its genesis $g0 is not ours, [0-9a-f]\{64\}" other.err || fail "the refusal does not name both hashes: $(cat other.err)"

# --genesis-hash: the wrong one is refused before anything is written; the right one joins.
set +e
timeout 30 cpc-node --data-dir "$WORK/pinned" --listen "127.0.0.1:${ports[4]}" \
  --bootstrap "$(url 0)" --genesis-hash "$(printf '%064d' 0)" 2> pinned.err
rc=$?
set -e
[ "$rc" = 3 ] || fail "a wrong --genesis-hash: exit $rc, want 3: $(cat pinned.err)"
grep -q "has genesis $g0" pinned.err || fail "the pin refusal does not name the network's genesis: $(cat pinned.err)"
[ -e "$WORK/pinned/genesis.json" ] && fail "a refused join stored a genesis"
start_node pinned2 "${ports[5]}" --bootstrap "$(url 0)" --genesis-hash "$g0"
[ "$(curl -fsS "$(url 5)/v1/status" | jq -r .genesis)" = "$g0" ] || fail "the pinned node runs another genesis"

finish
