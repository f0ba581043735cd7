#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/sharing.md §5 and §6 on four validator nodes: traffic sensors put encrypted counts
# (cpc/he) through different nodes; cpc-get --sum through one node returns the encrypted
# total, which the city's key decrypts to the true sum (the nodes hold no key); an unknown
# CID, a non-HE object and objects under different keys are refused.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"

for i in 1 2 3 4; do
  cpc-keygen -o "v$i.key" && cpc-keygen --public -k "v$i.key" > "v$i.pub"
done
for u in city seller buyer; do
  cpc-keygen -o "$u.key" && cpc-keygen --public -k "$u.key" > "$u.pub"
done
cpc-node genesis --validator v1.pub --validator v2.pub --validator v3.pub --validator v4.pub \
  --alloc buyer.pub=1000 --alloc seller.pub=10 -o genesis.json

declare -a URL
for i in 1 2 3 4; do
  free_port
  boot=()
  [ "$i" = 1 ] || boot=(--bootstrap "${URL[1]}")
  URL[i]="http://127.0.0.1:$FREE_PORT"
  start_node "v$i" "$FREE_PORT" -k "v$i.key" --genesis genesis.json "${boot[@]}"
done
for i in 1 2 3 4; do
  wait_height "${URL[i]}" 1 180 || fail "validator $i: no block 1 within 180 s"
done

# --- encrypted sums: 8 sensors, each through another node ----------------------------
CIDS=()
want=0
for s in 1 2 3 4 5 6 7 8; do
  : > "s$s.txt"
  for r in 1 2 3 4 5; do
    v=$(((s * 37 + r * 11) % 500 - 100))
    echo "$v" >> "s$s.txt"
    want=$((want + v))
  done
  cpc-encrypt --he --to city.pub < "s$s.txt" > "s$s.he" || fail "encrypt sensor $s"
  node=$(((s - 1) % 4 + 1))
  CIDS+=("$(cpc-put -q --node "${URL[node]}" "s$s.he" | jq -r .cid)")
done
cpc-get --node "${URL[2]}" --sum "${CIDS[@]}" > total.he 2> sum.err || fail "sum: $(cat sum.err)"
[ "$(jq -r .count total.he)" = 40 ] || fail "total counts $(jq -r .count total.he) readings, not 40"
got=$(cpc-encrypt -d -k city.key < total.he) || fail "decrypt the total"
[ "$got" = "$want" ] || fail "encrypted sum decrypts to $got, the readings sum to $want"
# What the nodes saw: ciphertexts only — no plaintext reading in any answer.
if grep -q '"c1"' sum.err; then fail "unexpected stderr"; fi
# An unknown CID: exit 1, nothing printed.
if cpc-get --node "${URL[3]}" --sum "${CIDS[0]}" bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy > out 2> err; then
  fail "sum with an unknown CID succeeded"
fi
[ ! -s out ] || fail "sum with an unknown CID printed $(cat out)"
grep -q "not found" err || fail "unknown CID: $(cat err)"
# A non-HE object: exit 1.
echo "plain text" > plain.txt
PLAIN=$(cpc-put -q --node "${URL[1]}" plain.txt | jq -r .cid)
if cpc-get --node "${URL[1]}" --sum "${CIDS[0]}" "$PLAIN" > out 2> err; then fail "sum of a non-HE object succeeded"; fi
grep -q "cpc/he" err || fail "non-HE object: $(cat err)"
# Under another key: exit 1.
echo 5 | cpc-encrypt --he --to seller.pub > other.he
OTHER=$(cpc-put -q --node "${URL[4]}" other.he | jq -r .cid)
if cpc-get --node "${URL[4]}" --sum "${CIDS[0]}" "$OTHER" > out 2> err; then fail "sum across keys succeeded"; fi
grep -q "different" err || fail "sum across keys: $(cat err)"

finish
