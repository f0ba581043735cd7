#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The device workflow, offline: a temperature sensor signs its readings and seals them to
# its owner; the owner opens them and verifies every reading came from the sensor.
# Needs the cpc-* tools on PATH (scripts/demo.sh builds them and runs this).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
n=${1:-1000}

echo "== identities"
cpc-keygen -o sensor.key
cpc-keygen -o owner.key
cpc-keygen --public -k sensor.key > sensor.pub
cpc-keygen --public -k owner.key > owner.pub
echo "sensor: $(jq -r .id sensor.pub)   owner: $(jq -r .id owner.pub)"

echo "== the sensor signs $n readings and seals them to the owner"
awk -v n="$n" 'BEGIN { srand(42); for (i = 0; i < n; i++)
  printf("{\"device\":\"thermo-17\",\"t\":%d,\"temp\":%.1f}\n", 1700000000 + 60 * i, 18 + 6 * rand()) }' \
  > readings.ndjson
cpc-sign -k sensor.key readings.ndjson | cpc-encrypt --to owner.pub > readings.sealed
echo "what the storage sees (first 200 bytes of $(wc -c < readings.sealed) sealed bytes):"
head -c 200 readings.sealed; echo " …"

echo "== the owner opens and verifies them"
cpc-encrypt -d -k owner.key readings.sealed | cpc-verify --signer sensor.pub > verified.ndjson
echo "verified $(wc -l < verified.ndjson) readings; first and last:"
head -n 1 verified.ndjson
tail -n 1 verified.ndjson
jq -s '{count: length, mean_temp: ((map(.temp) | add) / length * 100 | round / 100)}' -c verified.ndjson

echo "== a stranger cannot open them"
cpc-keygen -o stranger.key
if cpc-encrypt -d -k stranger.key readings.sealed -o stolen.out 2> err.txt; then
  echo "BUG: a stranger opened the data" >&2; exit 1
fi
echo "stranger: $(cat err.txt) (no output file: $([ -e stolen.out ] && echo present || echo absent))"
