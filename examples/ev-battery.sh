#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Predictive maintenance (the paper's electric-vehicle scenario), end to end on the network:
# a car's battery management system signs its telemetry and seals it to the car's owner;
# the sealed stream is stored in the network and registered on chain; the owner grants a
# maintenance company access through a proxy node; the company reads and verifies it and
# flags the weak cells; a stranger gets nothing; after revocation the company gets nothing
# either. Prints what each party sees. Runs on the embedded single-node default (see
# examples/lib.sh); pass a reading count as $1 (default 500).
source "$(dirname "$0")/lib.sh"
n=${1:-500}
example_node

echo "== identities"
keys battery owner maintenance stranger
for k in battery owner maintenance stranger; do printf '%-12s %s\n' "$k" "$(jq -r .id "$k.pub")"; done

echo "== the battery signs $n telemetry readings and seals them to the owner"
awk -v n="$n" 'BEGIN { srand(7); for (i = 0; i < n; i++) {
  weak = (i > n * 0.7) ? 1.5 * (i / n - 0.7) : 0
  printf("{\"vin\":\"WVWZZZ1JZ3W386752\",\"t\":%d,\"soc\":%.1f,\"cell_v_min\":%.3f,\"cell\":%d,\"temp_c\":%.1f}\n",
    1767225600 + 60 * i, 90 - 0.1 * i, 3.65 - weak - 0.01 * rand(), 42, 24 + 3 * rand()) } }' > telemetry.ndjson
cpc-sign -k battery.key telemetry.ndjson | cpc-encrypt --to owner.pub > telemetry.sealed
put=$(cpc-put -q --register -k owner.key telemetry.sealed)
CID=$(jq -r .cid <<< "$put")
echo "stored and registered on chain: $put"

echo "== what the storage node holds (first 160 bytes of the object $CID)"
cpc-get -q "$CID" -o stored.bin
head -c 160 stored.bin
echo " … ($(wc -c < stored.bin) bytes)"
echo "(ciphertext: the node has neither the key nor the plaintext)"

echo "== the owner reads it"
cpc-get -q "$CID" -k owner.key | cpc-verify --signer battery.pub > owner.ndjson
echo "owner: $(wc -l < owner.ndjson) readings verified as the battery's; first: $(head -n 1 owner.ndjson)"

echo "== the maintenance company before any grant"
if cpc-get -q "$CID" -k maintenance.key -o m.out 2> m.err; then echo "BUG: read without a grant" >&2; exit 1; fi
echo "maintenance: $(cat m.err)"

echo "== the owner grants the maintenance company access (threshold 1 of 1 proxy: this node)"
grant=$(cpc-reencrypt grant -k owner.key --to maintenance.pub -t 1 -n 1 --cid "$CID" --node "$CPC_NODE")
echo "grant on chain: $grant"
GRANT=$(jq -r .id <<< "$grant")

echo "== the maintenance company reads, verifies and analyses"
cpc-get -q "$CID" -k maintenance.key | cpc-verify --signer battery.pub > maint.ndjson
cmp -s owner.ndjson maint.ndjson && echo "maintenance: the same $(wc -l < maint.ndjson) verified readings as the owner"
jq -s -c '{readings: length,
  cell_v_min_first_hour: (.[0:60] | map(.cell_v_min) | min),
  cell_v_min_last_hour: (.[-60:] | map(.cell_v_min) | min)} |
  . + {verdict: (if .cell_v_min_last_hour < 3.3 then "replace cell 42 at next service" else "healthy" end)}' maint.ndjson

echo "== a stranger"
if cpc-get -q "$CID" -k stranger.key -o s.out 2> s.err; then echo "BUG: a stranger read the data" >&2; exit 1; fi
echo "stranger: $(cat s.err) (output file: $([ -e s.out ] && echo present || echo absent))"

echo "== the owner revokes the grant"
cpc-reencrypt revoke -k owner.key --grant "$GRANT" --node "$CPC_NODE"
if cpc-get -q "$CID" -k maintenance.key -o m2.out 2> m2.err; then echo "BUG: read after revocation" >&2; exit 1; fi
echo "maintenance after revocation: $(cat m2.err)"
