#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An idle chain stays small (docs/consensus.md §6.3.1): a default node makes block 1 and
# the block of its own registration (node.register, docs/peer-auth.md §6), then no block
# while nothing happens, also across a restart (same URL: no new registration); a registration commits at
# once; with --empty-block-interval 2s the heartbeat's empty blocks come 2 s apart; with 0,
# empty blocks come as before; a bad duration is a usage error naming the flag.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"

status() { curl -sf --max-time 5 "$1/v1/chain/status"; }
block_time() { curl -sf --max-time 5 "$1/v1/blocks/$2" | jq -r .block.header.time; }

# --- a default node: idle, no blocks ------------------------------------------------------
free_port
port=$FREE_PORT
URL="http://127.0.0.1:$port"
export CPC_NODE=$URL
start_node n1 "$port"
wait_height "$URL" 1 120 || fail "no block 1"
wait_registered "$URL" 60 "$URL" || fail "the node did not register itself on chain"
sleep 1
h=$(chain_height "$URL")
sleep 4
[ "$(chain_height "$URL")" = "$h" ] || fail "an idle node went from $h to $(chain_height "$URL") in 4 s"
[ "$(status "$URL" | jq -r .round)" = 0 ] || fail "rounds while idle: $(status "$URL")"

# A transaction: committed promptly, in the next block.
cpc-keygen -o owner.key
gen_file data.bin 1000 3
t0=$EPOCHREALTIME
cpc-put -q --register -k owner.key data.bin > put.json 2> put.err || fail "register: $(cat put.err)"
ms=$(python3 -c "print(int(($EPOCHREALTIME - $t0) * 1000))")
echo "registration committed in $ms ms on an idle chain"
[ "$ms" -lt 3000 ] || fail "a registration on an idle chain took $ms ms"
tx_h=$(curl -sf "$URL/v1/tx/$(jq -r .tx put.json)" | jq -r .height)
[ "$tx_h" = $((h + 1)) ] || fail "the registration is in block $tx_h, not $((h + 1))"
sleep 3
[ "$(chain_height "$URL")" = "$tx_h" ] || fail "blocks after the registration: $(chain_height "$URL")"

# A restart: still no block by itself.
stop_node "$NODE_PID"
start_node n1 "$port"
sleep 4
[ "$(chain_height "$URL")" = "$tx_h" ] || fail "a restart made blocks: $(chain_height "$URL")"
cpc-verify --chain > chain.json 2> chain.err || fail "cpc-verify --chain: $(cat chain.err)"
[ "$(jq -r .height chain.json)" = "$tx_h" ] || fail "verified height: $(cat chain.json)"
stop_node "$NODE_PID"

# --- the heartbeat: an empty block every 2 s ----------------------------------------------
free_port
URL2="http://127.0.0.1:$FREE_PORT"
# (--no-register: the heartbeat blocks must be empty, and no registration comes in between.)
start_node n2 "$FREE_PORT" --empty-block-interval 2s --no-register
wait_height "$URL2" 4 60 || fail "heartbeat: no block 4 within 60 s"
for b in 2 3 4; do
  gap=$(($(block_time "$URL2" "$b") - $(block_time "$URL2" $((b - 1)))))
  if [ "$gap" -lt 2000 ] || [ "$gap" -ge 3000 ]; then fail "heartbeat: block $b came $gap ms after block $((b - 1))"; fi
  [ "$(curl -sf "$URL2/v1/blocks/$b" | jq '.block.txs | length')" = 0 ] || fail "heartbeat block $b holds transactions"
done
stop_node "$NODE_PID"

# --- 0: an empty block after every commit wait, as before ---------------------------------
free_port
URL3="http://127.0.0.1:$FREE_PORT"
start_node n3 "$FREE_PORT" --empty-block-interval 0
wait_height "$URL3" 1 60 || fail "interval 0: no block 1"
h3=$(chain_height "$URL3")
sleep 3
[ "$(chain_height "$URL3")" -ge $((h3 + 3)) ] || fail "interval 0: $h3 -> $(chain_height "$URL3") in 3 s"
stop_node "$NODE_PID"

# --- a bad duration: exit 2, one line naming the flag ---------------------------------------
rc=0
cpc-node --data-dir bad --listen 127.0.0.1:0 --empty-block-interval soon 2> bad.err || rc=$?
[ "$rc" = 2 ] || fail "a bad --empty-block-interval exited $rc"
[ "$(wc -l < bad.err)" = 1 ] || fail "bad duration: not one line: $(cat bad.err)"
grep -q -- "--empty-block-interval" bad.err || fail "bad duration: $(cat bad.err)"
finish
