#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Crash safety of acknowledged writes (docs/node-api.md §3, docs/reliability.md): one
# cpc-node; a loop cpc-puts distinct random files of 1–4 KiB and records every CID the tool
# acknowledged (exit 0); the node is killed with SIGKILL at a random point of the loop
# (after a random number of acknowledgements plus a random delay, so usually mid-put);
# restarted on the same data directory, it must serve every acknowledged CID byte for byte.
# Three rounds on the same data directory; each round checks everything acknowledged so far.
# Every third put also registers the object on the node's chain (`cpc-put --register`,
# acknowledged only once the data.register transaction is committed): after each restart
# every acknowledged transaction must still be committed, and its registration present.
# No timing assertions: the kill point is chosen by counts, and waits are bounded polls.
source "$(dirname "$0")/lib.sh"

# The cpc-put in flight is a child of the loop's subshell: its PID is kept in put.pid so the
# exit trap can end it too, whatever way the test ends.
trap 'if [ -s put.pid ]; then kill -9 "$(cat put.pid)" 2> /dev/null || true; fi; cleanup' EXIT

ROUNDS=3
MAX_PUTS=400  # per round; the loop normally ends long before, when the node dies
: > acked.txt  # "CID FILE" per acknowledged put, across rounds
: > txs.txt    # "TXID CID" per acknowledged registration, across rounds
mkdir -p in
cpc-keygen -o owner.key > /dev/null 2>&1 || fail "cpc-keygen"

# put_loop ROUND: puts until a put fails (the node was killed) or MAX_PUTS are done.
put_loop() {
  local round=$1 i f size
  for ((i = 0; i < MAX_PUTS; i++)); do
    f=in/r$round.$i
    size=$((1024 + RANDOM % 3073))
    head -c "$size" /dev/urandom > "$f"
    local reg=()
    [ $((i % 3)) -eq 2 ] && reg=(--register -k owner.key)
    cpc-put -q "${reg[@]}" "$f" > "put.$round.out" 2> "put.$round.err" &
    echo $! > put.pid
    if wait $!; then
      echo "$(jq -r .cid "put.$round.out") $f" >> acked.txt
      if [ ${#reg[@]} -gt 0 ]; then
        echo "$(jq -r .tx "put.$round.out") $(jq -r .cid "put.$round.out")" >> txs.txt
      fi
    else
      echo "put $f failed after $i puts: $(head -c 200 "put.$round.err")" > "loop.$round.end"
      return 0
    fi
  done
  echo "loop ended after $MAX_PUTS puts" > "loop.$round.end"
}

for round in $(seq 1 "$ROUNDS"); do
  free_port
  port=$FREE_PORT
  export CPC_NODE="http://127.0.0.1:$port"
  start_node n1 "$port" || break
  node=$NODE_PID
  before=$(wc -l < acked.txt)
  target=$((before + 5 + RANDOM % 40))
  put_loop "$round" &
  loop=$!
  PIDS+=("$loop")
  # Kill once the loop has `target` acknowledgements (or has ended), after a random 0–0.3 s.
  while [ "$(wc -l < acked.txt)" -lt "$target" ] && kill -0 "$loop" 2> /dev/null; do
    sleep 0.02
  done
  sleep "$(printf '0.%03d' $((RANDOM % 300)))"
  kill -9 "$node" 2> /dev/null || true
  wait "$node" 2> /dev/null || true
  # A put in flight is not acknowledged; one waiting for its registration's commit would
  # keep polling the dead node until its 60 s deadline.
  kill -9 "$(cat put.pid)" 2> /dev/null || true
  wait "$loop" 2> /dev/null || true
  acked=$(wc -l < acked.txt)
  echo "round $round: killed after $((acked - before)) acknowledged puts ($(cat "loop.$round.end" 2> /dev/null))"
  [ "$acked" -gt "$before" ] || fail "round $round: no put was acknowledged before the kill"

  # Restart on the same data directory: every CID acknowledged so far reads back identical.
  free_port
  port=$FREE_PORT
  export CPC_NODE="http://127.0.0.1:$port"
  start_node n1 "$port" || break
  bad=0
  while read -r cid f; do
    rm -f got
    if ! cpc-get -q "$cid" -o got 2> get.err; then
      fail "round $round: acknowledged $cid ($f) not readable after kill -9: $(head -c 200 get.err)"
      bad=$((bad + 1))
    elif ! cmp -s "$f" got; then
      fail "round $round: $cid ($f) differs after kill -9"
      bad=$((bad + 1))
    fi
  done < acked.txt
  echo "round $round: $acked acknowledged CIDs checked after restart, $bad bad"
  # Every acknowledged registration: its transaction committed, the CID registered.
  bad=0
  while read -r tx cid; do
    st=$(curl -s "$CPC_NODE/v1/tx/$tx" | jq -r .status 2> /dev/null)
    reg=$(curl -s -o /dev/null -w '%{http_code}' "$CPC_NODE/v1/data/$cid")
    if [ "$st" != committed ] || [ "$reg" != 200 ]; then
      fail "round $round: acknowledged registration $tx of $cid lost after kill -9 (tx $st, /v1/data $reg)"
      bad=$((bad + 1))
    fi
  done < txs.txt
  echo "round $round: $(wc -l < txs.txt) acknowledged registrations checked after restart, $bad bad"
  stop_node "$NODE_PID" TERM
done
[ "$(wc -l < acked.txt)" -ge "$ROUNDS" ] || fail "too few acknowledged puts: $(wc -l < acked.txt)"
[ "$(wc -l < txs.txt)" -ge 1 ] || fail "no registration was acknowledged"
finish
