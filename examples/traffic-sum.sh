#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Traffic scheduling (the paper's scenario): road sensors encrypt their hourly vehicle
# counts additively homomorphically to the city's key and store them in the network; the
# network adds them without any key (cpc-get --sum); only the city decrypts the total.
# Prints what the node and the city see. Runs on the embedded single-node default.
source "$(dirname "$0")/lib.sh"
example_node
keys city
echo "== 6 sensors, 24 hourly counts each, encrypted to the city"
CIDS=()
truth=0
for s in 1 2 3 4 5 6; do
  awk -v s="$s" 'BEGIN { srand(s); for (h = 0; h < 24; h++)
    printf("%d\n", (h >= 7 && h <= 9 || h >= 16 && h <= 18 ? 600 : 150) + int(200 * rand()) * s / 3) }' > "sensor$s.txt"
  truth=$((truth + $(awk '{ s += $1 } END { print s }' "sensor$s.txt")))
  cpc-encrypt --he --to city.pub < "sensor$s.txt" > "sensor$s.he"
  CIDS+=("$(cpc-put -q "sensor$s.he" | jq -r .cid)")
done
echo "stored: ${CIDS[*]}"
echo "what the node holds for sensor 1 (first record): $(head -n 1 sensor1.he)"

echo "== the network adds them (no key involved)"
cpc-get --sum "${CIDS[@]}" > total.he
echo "encrypted total: $(cat total.he)"

echo "== the city decrypts the total"
total=$(cpc-encrypt -d -k city.key total.he)
echo "city: $total vehicles in a day over $(jq -r .count total.he) sensor-hours (sensors' own sum: $truth)"
[ "$total" = "$truth" ] || { echo "BUG: the sum is wrong" >&2; exit 1; }
