#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The three example scenarios of examples/ run to the end and show what they promise: the
# EV telemetry example against a node of this test (CPC_NODE), the insurance example on
# the node it starts itself, the traffic example against this test's node. Each example
# checks its own results and exits non-zero on a wrong one.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
EX=${CPC_SRC:-$HERE/../..}/examples
free_port
start_node n "$FREE_PORT"
export CPC_NODE="http://127.0.0.1:$FREE_PORT"
for i in $(seq 1 300); do
  [ "$(curl -sf "$CPC_NODE/v1/chain/status" | jq -r .height)" -ge 1 ] 2> /dev/null && break
  sleep 0.1
done
# The node is offered as a proxy once its own registration (node.register) has committed.
id=$(curl -sf "$CPC_NODE/v1/status" | jq -r .id)
for i in $(seq 1 300); do
  curl -sf -o /dev/null "$CPC_NODE/v1/nodes/$id" && break
  sleep 0.1
done
bash "$EX/ev-battery.sh" 300 > ev.out 2> ev.err || fail "ev-battery.sh: $(tail -3 ev.err)"
grep -q "maintenance: the same 300 verified readings as the owner" ev.out || fail "ev: grantee did not read: $(tail -5 ev.out)"
grep -q '"verdict":"replace cell 42 at next service"' ev.out || fail "ev: no verdict: $(tail -5 ev.out)"
grep -q "^stranger: cpc-get: access denied" ev.out || fail "ev: stranger not denied"
grep -q "^maintenance after revocation: cpc-get: access denied" ev.out || fail "ev: revocation not enforced"
bash "$EX/traffic-sum.sh" > traffic.out 2> traffic.err || fail "traffic-sum.sh: $(tail -3 traffic.err)"
grep -q "^city: [0-9]* vehicles" traffic.out || fail "traffic: $(tail -3 traffic.out)"
(unset CPC_NODE; bash "$EX/insurance.sh") > ins.out 2> ins.err || fail "insurance.sh: $(tail -3 ins.err)"
grep -q "^balances: driver 250, insurer 750" ins.out || fail "insurance: escrow not released: $(grep balances ins.out)"
grep -q "monthly_premium_eur" ins.out || fail "insurance: no premium"
finish
