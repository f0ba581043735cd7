#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Personalized insurance (the paper's scenario): a driver sells her car's driving record to
# an insurer with an escrowed purchase on chain. The car signs the record and seals it to
# the driver; she stores it, registers it and offers it at a price; the insurer escrows the
# price (data.buy); the driver's grant releases the payment to her; the insurer reads the
# verified record and prices the policy. Balances are printed at each step. Starts a node
# of its own (a genesis that gives the insurer 1,000 tokens).
source "$(dirname "$0")/lib.sh"
echo "== identities"
keys node car driver insurer
cpc-node genesis --validator node.pub --alloc insurer.pub=1000 -o genesis.json
example_node_genesis genesis.json node.key
show() { echo "balances: driver $(balance driver.pub), insurer $(balance insurer.pub)"; }
show

echo "== the car signs a month of trips; sealed to the driver"
awk 'BEGIN { srand(3); for (d = 1; d <= 30; d++) for (t = 0; t < 2; t++)
  printf("{\"day\":%d,\"km\":%.1f,\"night\":%s,\"harsh_brakes\":%d,\"max_kmh\":%d}\n",
    d, 5 + 30 * rand(), (rand() < 0.1 ? "true" : "false"), int(rand() * 1.6), 50 + int(60 * rand())) }' > trips.ndjson
cpc-sign -k car.key trips.ndjson | cpc-encrypt --to driver.pub > trips.sealed
put=$(cpc-put -q --register -k driver.key --price 250 trips.sealed)
CID=$(jq -r .cid <<< "$put")
echo "stored, registered and offered at 250: $put"

echo "== the insurer buys: the price goes into escrow"
cpc-get "$CID" --buy -k insurer.key
show

echo "== the driver grants the insurer access: the escrow is paid to her"
cpc-reencrypt grant -k driver.key --to insurer.pub -t 1 -n 1 --cid "$CID" --node "$CPC_NODE"
show

echo "== the insurer reads the verified record and prices the policy"
cpc-get -q "$CID" -k insurer.key | cpc-verify --signer car.pub > record.ndjson
jq -s -c '{trips: length, km: (map(.km) | add | round), night_share: ((map(select(.night)) | length) / length),
  harsh_brakes_per_100km: ((map(.harsh_brakes) | add) / (map(.km) | add) * 100 * 10 | round / 10)} |
  . + {monthly_premium_eur: (40 + 25 * .harsh_brakes_per_100km + 30 * .night_share | round)}' record.ndjson
