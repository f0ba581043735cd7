#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/sharing.md §5 and §6 on four validator nodes: traffic sensors put encrypted counts
# (cpc/he) through different nodes; cpc-get --sum through one node returns the encrypted
# total, which the city's key decrypts to the true sum (the nodes hold no key); an unknown
# CID, a non-HE object and objects under different keys are refused. Then escrowed purchases
# end to end (§6): the seller registers and offers two objects (cpc-put --price); the buyer
# escrows the price of each (cpc-get --buy); the seller's grant (t = 2 of 3 proxies)
# releases the first payment and the buyer reads the data; the second, never granted, is
# refunded after its deadline; tokens are conserved throughout.
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
  # Heights must pass without transactions for B's refund deadline: a block every second
  # at least (docs/consensus.md §6.3.1).
  start_node "v$i" "$FREE_PORT" -k "v$i.key" --genesis genesis.json --empty-block-interval 1s \
    "${boot[@]}"
done
for i in 1 2 3 4; do
  wait_height "${URL[i]}" 1 180 || fail "validator $i: no block 1 within 180 s"
done
# Proxies are chosen among registered nodes: each registers itself once it has joined.
wait_registered "${URL[2]}" 120 "${URL[@]}" || fail "not every node registered on chain within 120 s"

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

# --- escrowed purchase -------------------------------------------------------------
total() { echo $(($(bal seller.pub) + $(bal buyer.pub))); }
bal() { curl -sf "${URL[1]}/v1/accounts/$(jq -r .sign "$1")" | jq -r .balance; }
echo '{"trip":1,"km":12.5,"harsh_brakes":0}' | cpc-encrypt --to seller.pub --records > rec.sealed
echo '{"trip":2,"km":3.1,"harsh_brakes":2}' | cpc-encrypt --to seller.pub --records > rec2.sealed
A=$(cpc-put -q --node "${URL[2]}" --register -k seller.key --price 300 rec.sealed | jq -r .cid) || fail "offer A"
B=$(cpc-put -q --node "${URL[3]}" --register -k seller.key --price 100 rec2.sealed | jq -r .cid) || fail "offer B"
[ "$(curl -sf "${URL[4]}/v1/data/$A" | jq -r .price)" = 300 ] || fail "the offer of A is not on chain"
[ "$(total)" = 1010 ] || fail "tokens before: $(total)"
cpc-get --node "${URL[3]}" "$A" --buy -k buyer.key > buyA.json 2> buy.err || fail "buy A: $(cat buy.err)"
cpc-get --node "${URL[4]}" "$B" --buy -k buyer.key --deadline 4 > buyB.json 2> buy.err || fail "buy B: $(cat buy.err)"
[ "$(bal buyer.pub)" = 600 ] || fail "buyer after two purchases: $(bal buyer.pub), not 600"
[ "$(bal seller.pub)" = 10 ] || fail "seller paid before granting: $(bal seller.pub)"
# Reading before the grant: denied, nothing written.
if cpc-get --node "${URL[1]}" "$A" -k buyer.key -o a.out 2> deny.err; then fail "the buyer read A before the grant"; fi
[ ! -e a.out ] || fail "denied read left a.out"
cpc-reencrypt grant -k seller.key --to buyer.pub -t 2 -n 3 --cid "$A" --node "${URL[2]}" > grant.json 2> grant.err ||
  fail "grant: $(cat grant.err)"
[ "$(bal seller.pub)" = 310 ] || fail "the grant did not release the escrow: seller $(bal seller.pub)"
cpc-get --node "${URL[1]}" "$A" -k buyer.key -o a.out 2> read.err || fail "the buyer cannot read A: $(cat read.err)"
[ "$(cat a.out)" = '{"trip":1,"km":12.5,"harsh_brakes":0}' ] || fail "the buyer read $(cat a.out)"
# B is never granted: refunded at its deadline + 1.
deadline_h=$(( $(jq -r .height buyB.json) + 5 ))
wait_height "${URL[1]}" "$deadline_h" 120 || fail "no block $deadline_h"
[ "$(bal buyer.pub)" = 700 ] || fail "B not refunded after its deadline: buyer $(bal buyer.pub)"
[ "$(total)" = 1010 ] || fail "tokens not conserved: $(total)"

finish
