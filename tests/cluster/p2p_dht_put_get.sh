#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Eight cpc-nodes in one DHT (docs/node-api.md §3, §7): an object put through any node is
# readable through every other; after kill -9 of two of the eight every object is still
# readable; and within 60 s repair restores the replication factor of every block, as the
# survivors report through GET /v1/blobs/{cid}/holders.
source "$(dirname "$0")/lib.sh"

N=8
REPLICATION=3
declare -a PORT NPID
for i in $(seq 0 $((N - 1))); do
  free_port
  PORT[$i]=$FREE_PORT
done
url() { echo "http://127.0.0.1:${PORT[$1]}"; }
start_node n0 "${PORT[0]}" --replication $REPLICATION --repair-interval 5s
NPID[0]=$NODE_PID
for i in $(seq 1 $((N - 1))); do
  start_node "n$i" "${PORT[$i]}" --replication $REPLICATION --repair-interval 5s \
    --bootstrap "$(url $((i - 1)))" --bootstrap "$(url 0)"
  NPID[$i]=$NODE_PID
done
# Every node should know several others.
for i in $(seq 0 $((N - 1))); do
  peers=$(curl -sf "$(url "$i")/v1/status" | jq .peers)
  [ "$peers" -ge 3 ] || fail "node $i knows only $peers peers"
done

# Objects of several shapes, each put through a different node.
declare -a CID SIZE
sizes=(0 1 1000 1048576 1048577 3145728 5000 77)
for i in $(seq 0 $((N - 1))); do
  SIZE[$i]=${sizes[$i]}
  gen_file "obj.$i" "${SIZE[$i]}" $((i + 100))
  cpc-put --node "$(url "$i")" "obj.$i" > put.json 2> put.err || fail "put via node $i: $(cat put.err)"
  CID[$i]=$(jq -r .cid put.json)
done

# read_all NODES…: every object through each listed node.
read_all() {
  local i j
  for j in "$@"; do
    for i in $(seq 0 $((N - 1))); do
      if ! cpc-get --node "$(url "$j")" "${CID[$i]}" -o got 2> get.err; then
        fail "object $i (${SIZE[$i]} B) through node $j: $(cat get.err)"
      elif ! cmp -s got "obj.$i"; then
        fail "object $i through node $j differs"
      fi
      rm -f got
    done
  done
}
read_all $(seq 0 $((N - 1)))

# Every block of every object is on REPLICATION nodes of its replica set. The blocks of an
# object: its root, plus its leaves when it has more than one chunk.
blocks_of() {  # blocks_of CID: the CIDs of the object's blocks, root first
  echo "$1"
  case $1 in
    bafybei*)
      curl -sf "$(url 0)/v1/blobs/$1" | python3 -c '
import sys
b = sys.stdin.buffer.read()
i = 0
while i < len(b) and b[i] == 0x12:
    ln = b[i + 1]; j = i + 2
    link = b[j:j + ln]
    import base64
    cid = link[2:2 + 36]
    print("b" + base64.b32encode(cid).decode().lower().rstrip("="))
    i = j + ln
' ;;
  esac
}
> blocks.txt
for i in $(seq 0 $((N - 1))); do blocks_of "${CID[$i]}" >> blocks.txt; done
sort -u blocks.txt -o blocks.txt

# check_replication NODE WANT: every block reports WANT replicas through NODE.
check_replication() {
  local node=$1 want=$2 bad=0 b r
  while read -r b; do
    r=$(curl -sf "$(url "$node")/v1/blobs/$b/holders" | jq .replicas)
    [ "${r:-0}" -ge "$want" ] || { bad=$((bad + 1)); echo "$b: $r replicas" >> underreplicated.txt; }
  done < blocks.txt
  echo "$bad"
}
[ "$(check_replication 1 $REPLICATION)" = 0 ] || fail "after put: under-replicated blocks: $(head -5 underreplicated.txt)"

# kill -9 two of the eight.
stop_node "${NPID[2]}" KILL
stop_node "${NPID[5]}" KILL
alive=(0 1 3 4 6 7)
read_all 0 3 7

# Repair: within 60 s every block is back to REPLICATION replicas among the survivors.
deadline=$((SECONDS + 60))
while :; do
  rm -f underreplicated.txt
  bad=$(check_replication 4 $REPLICATION)
  [ "$bad" = 0 ] && break
  if [ $SECONDS -ge $deadline ]; then
    fail "after 60 s, $bad blocks are still under-replicated: $(head -5 underreplicated.txt)"
    break
  fi
  sleep 3
done
echo "replication restored after $((SECONDS - deadline + 60)) s"
read_all "${alive[@]}"
finish
