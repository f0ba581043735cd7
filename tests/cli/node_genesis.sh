#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpc-node without a network: `cpc-node genesis` (docs/node-api.md §9) and the start-up
# errors (bad flags exit 2, an address in use exits 3, one line on stderr each).
source "$(dirname "$0")/lib.sh"

cpc-keygen -o v1.key && cpc-keygen --public -k v1.key > v1.pub
cpc-keygen -o v2.key && cpc-keygen --public -k v2.key > v2.pub
expect 0 "genesis" -- cpc-node genesis --validator v1.pub --validator v2.pub --alloc v1.pub=1000 -o genesis.json
[ "$(jq -r .type genesis.json)" = cpc/genesis ] || fail "genesis type: $(cat genesis.json)"
[ "$(jq '.validators | length' genesis.json)" = 2 ] || fail "two validators"
[ "$(jq -r '.alloc[0].account' genesis.json)" = "$(jq -r .sign v1.pub)" ] || fail "alloc key"
[ "$(jq -r '.alloc[0].amount' genesis.json)" = 1000 ] || fail "alloc amount"
[ "$(jq -r .chain genesis.json)" = cpc-local ] || fail "chain: $(jq -r .chain genesis.json)"
[ "$(jq '.validators | map(.power) | add' genesis.json)" = 2 ] || fail "powers"
jq -e '.time | type == "number"' genesis.json > /dev/null || fail "time in ms"
expect 0 "genesis with a bare hex alloc" -- cpc-node genesis --validator v1.pub --alloc "$(jq -r .sign v2.pub)=5"
expect 2 "genesis without a validator" -- cpc-node genesis -o none.json
expect_absent none.json
expect 2 "genesis with a bad alloc" -- cpc-node genesis --validator v1.pub --alloc v1.pub=lots
expect 2 "genesis with the same validator twice" -- cpc-node genesis --validator v1.pub --validator v1.pub
expect 2 "bad --listen" -- cpc-node --data-dir d1 --listen localhost
expect 2 "bad --repair-interval" -- cpc-node --data-dir d1 --repair-interval soon
# An address in use (a listening socket held by python for the duration).
python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(5)' > port.txt &
holder=$!
for _ in $(seq 50); do [ -s port.txt ] && break; sleep 0.1; done
expect 3 "address in use" -- cpc-node --data-dir d2 --listen "127.0.0.1:$(cat port.txt)"
expect_err_contains "Address already in use"
kill "$holder" 2> /dev/null || true
wait "$holder" 2> /dev/null || true
finish
