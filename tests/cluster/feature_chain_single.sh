#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One default cpc-node (no --genesis: a single-validator chain of its own node key,
# docs/node-api.md §9-§10) commits alone: cpc-put --register waits for the commit and
# prints the transaction; a second registration of the same CID is refused with the
# reason; cpc-get --proof prints the registration with its inclusion proof, which
# cpc-verify --proof checks offline (and refuses when tampered); cpc-verify --chain
# re-executes the chain from genesis; a restart keeps the chain and commits a new
# registration, and another genesis is refused for the same data directory.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"

free_port
port=$FREE_PORT
URL="http://127.0.0.1:$port"
export CPC_NODE=$URL
start_node n1 "$port"
[ "$(jq -r '.validators | length' n1/genesis.json)" = 1 ] || fail "default genesis: $(cat n1/genesis.json)"
wait_height "$URL" 1 120 || fail "no block committed alone"

cpc-keygen -o owner.key
gen_file data.bin 3000000 7
cpc-put -q --register -k owner.key data.bin > put.json 2> put.err || fail "cpc-put --register: $(cat put.err)"
cid=$(jq -r .cid put.json)
tx=$(jq -r .tx put.json)
[[ $tx =~ ^[0-9a-f]{64}$ ]] || fail "no tx in $(cat put.json)"
[ "$(curl -sf "$URL/v1/tx/$tx" | jq -r .status)" = committed ] || fail "tx not committed"
[ "$(curl -sf "$URL/v1/data/$cid" | jq -r .owner)" = "$(cpc-keygen --public -k owner.key | jq -r .sign)" ] ||
  fail "owner of the registration"

# The same CID again: refused, with the reason, exit 1.
if cpc-put -q --register -k owner.key data.bin > again.json 2> again.err; then
  fail "a second registration of $cid succeeded"
fi
grep -q "CID already registered" again.err || fail "reason: $(cat again.err)"
cpc-put --register data.bin > /dev/null 2> nokey.err && fail "--register without -k accepted"

cpc-get --proof "$cid" > proof.json 2> proof.err || fail "cpc-get --proof: $(cat proof.err)"
[ "$(jq -r .type proof.json)" = cpc/data-proof ] || fail "proof type: $(head -c 200 proof.json)"
[ "$(jq -r .tx proof.json)" = "$tx" ] || fail "proof names another tx"
cpc-verify --proof proof.json > check.json 2> check.err || fail "cpc-verify --proof: $(cat check.err)"
[ "$(jq -r .tx check.json)" = "$tx" ] || fail "proof-check tx"
cpc-verify --proof proof.json --genesis n1/genesis.json > /dev/null 2>&1 || fail "--proof with --genesis"
# Another genesis is not this chain's.
cpc-keygen -o other.key && cpc-keygen --public -k other.key > other.pub
cpc-node genesis --validator other.pub -o other-genesis.json
cpc-verify --proof proof.json --genesis other-genesis.json > /dev/null 2>&1 && fail "proof accepted under another genesis"
# A tampered proof: the transaction's size changed.
jq -c '.proof.tx.size += 1' proof.json > bad-proof.json
cpc-verify --proof bad-proof.json > /dev/null 2> bad.err && fail "tampered proof accepted"
jq -c '.size += 1' proof.json > bad-summary.json
cpc-verify --proof bad-summary.json > /dev/null 2> summary.err && fail "record with a wrong size accepted"
grep -q "owner or size" summary.err || fail "summary mismatch: $(cat summary.err)"
jq -c '.proof' proof.json > bare-proof.json
cpc-verify --proof bare-proof.json > /dev/null 2> bare.err && fail "bare tx-proof accepted without --genesis"
grep -q -- "--genesis" bare.err || fail "bare proof hint: $(cat bare.err)"
cpc-verify --proof bare-proof.json --genesis n1/genesis.json > /dev/null 2>&1 || fail "bare proof with --genesis"
cpc-get --proof bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa > /dev/null 2>&1 &&
  fail "--proof of an unregistered CID succeeded"

cpc-verify --chain > chain.json 2> chain.err || fail "cpc-verify --chain: $(cat chain.err)"
[ "$(jq -r .height chain.json)" -ge 1 ] || fail "chain-check height: $(cat chain.json)"
cpc-verify --chain --genesis other-genesis.json > /dev/null 2>&1 && fail "--chain under another genesis"

# A restart keeps the chain and goes on committing.
h=$(chain_height "$URL")
stop_node "$NODE_PID"
start_node n1 "$port"
[ "$(chain_height "$URL")" -ge "$h" ] || fail "height went back after a restart"
# An idle chain makes no block by itself (docs/consensus.md §6.3.1): a transaction shows it
# still commits.
gen_file data2.bin 1000 8
cpc-put -q --register -k owner.key data2.bin > put2.json 2> put2.err || fail "register after the restart: $(cat put2.err)"
[ "$(chain_height "$URL")" -ge $((h + 1)) ] || fail "no commit after the restart"
[ "$(curl -sf "$URL/v1/tx/$tx" | jq -r .status)" = committed ] || fail "tx lost at restart"

# The data directory keeps its chain: another genesis is refused at start, and the
# directory's genesis.json stays as it was.
stop_node "$NODE_PID"
cp n1/genesis.json kept-genesis.json
rc=0
timeout 60 cpc-node --data-dir n1 --listen "127.0.0.1:$port" --genesis other-genesis.json 2> other.err || rc=$?
if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then fail "a node started on another genesis (rc $rc)"; fi
grep -q "genesis" other.err || fail "other genesis: $(cat other.err)"
cmp -s n1/genesis.json kept-genesis.json || fail "genesis.json replaced by a refused --genesis"
finish
