#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Four validator nodes (one genesis, docs/consensus.md §6, docs/node-api.md §10):
# transfers and cpc-put --register registrations submitted to different nodes commit;
# bad transactions (bad signature, wrong chain id, replayed nonce, overspending, a CID
# registered twice) are refused with their reason and never appear in a block; with one
# validator killed (-9) the chain goes on and the restarted one catches up; with two
# killed, commits stop, and resume when one comes back; a fifth node whose key is no
# validator follows the chain without voting; an idle chain makes no blocks (docs/consensus.md
# §6.3.1), so progress is shown by transactions; at the end every node has the same block
# hash at every height, cpc-verify --chain passes against each node, and
# cpc-get --proof + cpc-verify --proof work. Every wait is bounded.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"

for i in 1 2 3 4; do
  cpc-keygen -o "v$i.key" && cpc-keygen --public -k "v$i.key" > "v$i.pub"
done
for u in alice bob carol dave; do
  cpc-keygen -o "$u.key" && cpc-keygen --public -k "$u.key" > "$u.pub"
done
cpc-node genesis --validator v1.pub --validator v2.pub --validator v3.pub --validator v4.pub \
  --alloc alice.pub=1000000 --alloc bob.pub=10 -o genesis.json
CHAIN=$(jq -r .chain genesis.json)
BOB=$(jq -r .sign bob.pub)

declare -a PORT URL PID
for i in 1 2 3 4 5; do
  free_port
  PORT[i]=$FREE_PORT
  URL[i]="http://127.0.0.1:${PORT[i]}"
done
# start N: validator N, bootstrapping from validator 1 (1 starts alone).
start() {
  local boot=()
  [ "$1" = 1 ] || boot=(--bootstrap "${URL[1]}")
  start_node "v$1" "${PORT[$1]}" -k "v$1.key" --genesis genesis.json "${boot[@]}"
  PID[$1]=$NODE_PID
}
for i in 1 2 3 4; do start "$i"; done
# Node 5: a follower (its own node key, not in the genesis).
start_node f5 "${PORT[5]}" --genesis genesis.json --bootstrap "${URL[1]}"
[ "$(curl -sf "${URL[5]}/v1/chain/status" | jq -r .validator)" = false ] || fail "node 5 is not a follower"
# Block 1 is made at once; after it, blocks come with transactions (or the 60 s heartbeat).
for i in 1 2 3 4; do
  wait_height "${URL[i]}" 1 180 || fail "validator $i: no block 1 within 180 s (height $(chain_height "${URL[i]}"))"
done

# --- transfers: alice -> bob, each through another node ---------------------------
ACCEPTED=()
nonce=0
for i in 1 2 3 4; do
  rec=$("$TXTOOL" alice.key "$CHAIN" "$nonce" transfer "$BOB" 100)
  id=$("$TXTOOL" alice.key "$CHAIN" "$nonce" transfer "$BOB" 100 --id)
  submit "${URL[i]}" "$rec"
  [ "$HTTP_CODE" = 202 ] || fail "transfer $nonce via node $i: $HTTP_CODE $REPLY"
  [ "$(jq -r .id <<< "$REPLY")" = "$id" ] || fail "answered id: $REPLY"
  wait_tx "${URL[i]}" "$id" 120 || fail "transfer $nonce not committed on node $i"
  ACCEPTED+=("$id")
  nonce=$((nonce + 1))
done
[ "$(curl -sf "${URL[3]}/v1/accounts/$BOB" | jq -r .balance)" = 410 ] ||
  fail "bob's balance: $(curl -s "${URL[3]}/v1/accounts/$BOB")"

# --- registrations through cpc-put --register on two nodes -------------------------
gen_file c.bin 200000 1
gen_file d.bin 300000 2
cpc-put -q --node "${URL[2]}" --register -k carol.key c.bin > c.json 2> c.err || fail "register via 2: $(cat c.err)"
cpc-put -q --node "${URL[3]}" --register -k dave.key d.bin > d.json 2> d.err || fail "register via 3: $(cat d.err)"
CID_C=$(jq -r .cid c.json)
ACCEPTED+=("$(jq -r .tx c.json)" "$(jq -r .tx d.json)")

# --- bad transactions: refused with the reason ------------------------------------
BAD=()
bad() {  # bad NODE WANT_REASON TXTOOL-ARGS…
  local node=$1 want=$2
  shift 2
  local rec id
  rec=$("$TXTOOL" "$@")
  id=$("$TXTOOL" "$@" --id)
  submit "${URL[node]}" "$rec"
  case $HTTP_CODE in 400 | 409) ;; *) fail "bad tx ($want) answered $HTTP_CODE $REPLY" ;; esac
  grep -q "$want" <<< "$REPLY" || fail "bad tx: reason '$want' not in $REPLY"
  BAD+=("$id")
}
bad 1 "signature" alice.key "$CHAIN" "$nonce" transfer "$BOB" 1 --bad-sig
bad 2 "wrong chain id" alice.key other-chain "$nonce" transfer "$BOB" 1
bad 3 "already used" alice.key "$CHAIN" 0 transfer "$BOB" 1
bad 4 "insufficient balance" bob.key "$CHAIN" 0 transfer "$(jq -r .sign alice.pub)" 100000
bad 1 "CID already registered" dave.key "$CHAIN" 1 register "$CID_C" 200000
if cpc-put -q --node "${URL[4]}" --register -k dave.key c.bin > /dev/null 2> twice.err; then
  fail "cpc-put --register of a registered CID succeeded"
fi
grep -q "CID already registered" twice.err || fail "cpc-put twice: $(cat twice.err)"

# --- one validator down: the chain goes on; back up: it catches up ----------------
stop_node "${PID[4]}" KILL
h=$(chain_height "${URL[1]}")
# Three transfers, each through another live node, each committed: three blocks of progress.
for i in 1 2 3; do
  rec=$("$TXTOOL" alice.key "$CHAIN" "$nonce" transfer "$BOB" 5)
  id=$("$TXTOOL" alice.key "$CHAIN" "$nonce" transfer "$BOB" 5 --id)
  submit "${URL[i]}" "$rec"
  wait_tx "${URL[i]}" "$id" 120 || fail "transfer $nonce with one validator down not committed"
  ACCEPTED+=("$id")
  nonce=$((nonce + 1))
done
[ "$(chain_height "${URL[1]}")" -ge $((h + 3)) ] || fail "no progress with 3 of 4 validators"
start 4
target=$(chain_height "${URL[1]}")
wait_height "${URL[4]}" "$target" 180 || fail "restarted validator 4 did not catch up to $target"
[ "$(curl -sf "${URL[4]}/v1/tx/$id" | jq -r .status)" = committed ] || fail "caught-up node lacks $id"

# --- two validators down: commits stop; one back: they resume ---------------------
stop_node "${PID[3]}" KILL
stop_node "${PID[4]}" KILL
sleep 3  # a block already decided may still land
h=$(chain_height "${URL[1]}")
# A transfer waits: no quorum commits it.
rec=$("$TXTOOL" alice.key "$CHAIN" "$nonce" transfer "$BOB" 5)
id=$("$TXTOOL" alice.key "$CHAIN" "$nonce" transfer "$BOB" 5 --id)
submit "${URL[1]}" "$rec"
[ "$HTTP_CODE" = 202 ] || fail "transfer with 2 of 4 down: $HTTP_CODE $REPLY"
sleep 6
h2=$(chain_height "${URL[1]}")
[ "$h2" -le $((h + 1)) ] || fail "commits went on with 2 of 4 validators ($h -> $h2)"
[ "$(curl -sf "${URL[1]}/v1/tx/$id" | jq -r .status)" = pending ] || fail "transfer committed with 2 of 4 down"
start 3
wait_tx "${URL[1]}" "$id" 180 || fail "commits did not resume with 3 of 4"
ACCEPTED+=("$id")
nonce=$((nonce + 1))
start 4
target=$(chain_height "${URL[1]}")
for i in 1 2 3 4 5; do
  wait_height "${URL[i]}" "$target" 180 || fail "node $i did not reach $target"
done

# --- no fork: the same block at every height on every node ------------------------
top=$target
for h in $(seq 1 "$top"); do
  ref=$(curl -sf "${URL[1]}/v1/blocks/$h" | jq -r .commit.block)
  for i in 2 3 4 5; do
    got=$(curl -sf "${URL[i]}/v1/blocks/$h" | jq -r .commit.block)
    [ "$got" = "$ref" ] || fail "height $h: node $i has $got, node 1 $ref"
  done
done
# Every committed transaction is an accepted one; no bad one anywhere.
in_blocks=0
for h in $(seq 1 "$top"); do
  # The nodes' own registrations (node.register, docs/peer-auth.md §6) are not the test's.
  n=$(curl -sf "${URL[1]}/v1/blocks/$h" | jq '[.block.txs[] | select(.op != "node.register")] | length')
  in_blocks=$((in_blocks + n))
done
[ "$in_blocks" = "${#ACCEPTED[@]}" ] || fail "$in_blocks transactions in blocks, ${#ACCEPTED[@]} accepted"
for id in "${ACCEPTED[@]}"; do
  [ "$(curl -sf "${URL[1]}/v1/tx/$id" | jq -r .status)" = committed ] || fail "accepted $id not committed"
done
for id in "${BAD[@]}"; do
  for i in 1 2 3 4 5; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "${URL[i]}/v1/tx/$id")
    [ "$code" = 404 ] || fail "bad tx $id known to node $i ($code)"
  done
done

# --- whole-chain verification and proofs -------------------------------------------
for i in 1 2 3 4 5; do
  cpc-verify --chain --node "${URL[i]}" --genesis genesis.json > "chain$i.json" 2> "chain$i.err" ||
    fail "cpc-verify --chain against node $i: $(cat "chain$i.err")"
done
cpc-get --node "${URL[4]}" --proof "$CID_C" > proof.json 2> proof.err || fail "cpc-get --proof: $(cat proof.err)"
cpc-verify --proof proof.json --genesis genesis.json > check.json 2> check.err ||
  fail "cpc-verify --proof: $(cat check.err)"
[ "$(jq -r .tx check.json)" = "$(jq -r .tx c.json)" ] || fail "proof-check names another tx"
finish
