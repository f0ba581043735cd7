#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sharing end to end on four validator nodes (docs/sharing.md §1–§4): the owner seals data
# to herself, stores and registers it, and reads it with cpc-get -k; a grantee gets exit 1
# and nothing before the grant; cpc-reencrypt grant --node (t=2, n=3) puts the grant on
# chain, each kfrag sealed to one proxy node; the grantee reads the same bytes; a third
# party gets exit 1 and nothing; with one of the three proxies killed (-9) the grantee
# still reads; after cpc-reencrypt revoke commits, every proxy answers 403 and cpc-get
# exits 1; no node's data directory holds the plaintext or a kfrag record. Keys are
# passphrase-protected (CPC_PASSPHRASE_FILE / --passphrase-file). A proxy that returns a
# wrong cfrag is covered by the unit tests (share_client_test.cpp: a fake lying proxy is
# skipped and named). Every wait is bounded.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"
REQTOOL="$CPC_BUILD/tests/reencrypt_request_tool"

printf 'owner passphrase\n' > alice.pass && chmod 600 alice.pass
printf 'grantee passphrase\n' > bob.pass && chmod 600 bob.pass
for i in 1 2 3 4; do
  cpc-keygen -o "v$i.key" && cpc-keygen --public -k "v$i.key" > "v$i.pub"
done
cpc-keygen -o alice.key --passphrase-file alice.pass && cpc-keygen --public -k alice.key > alice.pub
cpc-keygen -o bob.key --passphrase-file bob.pass && cpc-keygen --public -k bob.key > bob.pub
cpc-keygen -o eve.key
cpc-node genesis --validator v1.pub --validator v2.pub --validator v3.pub --validator v4.pub \
  -o genesis.json

declare -a PORT URL PID
for i in 1 2 3 4; do
  free_port
  PORT[i]=$FREE_PORT
  URL[i]="http://127.0.0.1:${PORT[i]}"
done
start() {
  local boot=()
  [ "$1" = 1 ] || boot=(--bootstrap "${URL[1]}")
  start_node "v$1" "${PORT[$1]}" -k "v$1.key" --genesis genesis.json "${boot[@]}"
  PID[$1]=$NODE_PID
}
for i in 1 2 3 4; do start "$i"; done
for i in 1 2 3 4; do
  wait_height "${URL[i]}" 1 180 || fail "node $i: no block 1 within 180 s (height $(chain_height "${URL[i]}"))"
done
# Proxies are chosen among registered nodes: each registers itself once it has joined.
wait_registered "${URL[1]}" 120 "${URL[@]}" || fail "not every node registered on chain within 120 s"

# expect_denied NAME CMD…: CMD exits 1, says "access denied", writes nothing (-o NAME.out
# must not exist and its stdout, NAME.stdout, is empty).
expect_denied() {
  local name=$1 rc=0
  shift
  timeout 120 "$@" > "$name.stdout" 2> "$name.err" || rc=$?
  [ "$rc" = 1 ] || fail "$name: exit $rc, want 1 ($(cat "$name.err"))"
  grep -q "access denied" "$name.err" || fail "$name: no 'access denied': $(cat "$name.err")"
  [ ! -e "$name.out" ] || fail "$name: wrote $name.out"
  [ ! -s "$name.stdout" ] || fail "$name: wrote to stdout"
}

# --- the owner seals data to herself, stores and registers it, reads it -------------
TOKEN="plaintext-marker-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
for i in $(seq 1 400); do echo "{\"device\":\"thermo-7\",\"t\":$i,\"note\":\"$TOKEN\"}"; done > plain.ndjson
cpc-encrypt --to alice.pub plain.ndjson > data.sealed
CPC_PASSPHRASE_FILE=$PWD/alice.pass timeout 120 cpc-put -q --node "${URL[1]}" --register -k alice.key \
  data.sealed > put.json 2> put.err || fail "cpc-put --register: $(cat put.err)"
CID=$(jq -r .cid put.json)
timeout 120 cpc-get --node "${URL[2]}" "$CID" -k alice.key --passphrase-file alice.pass -o owner.out \
  2> owner.err || fail "the owner's cpc-get -k: $(cat owner.err)"
cmp -s owner.out plain.ndjson || fail "the owner read other bytes"

# --- the grantee before the grant: access denied, nothing written ------------------
export CPC_PASSPHRASE_FILE=$PWD/bob.pass
expect_denied bob0 cpc-get --node "${URL[3]}" "$CID" -k bob.key -o bob0.out

# --- the grant: t=2 of n=3 proxies chosen by node 1 --------------------------------
timeout 120 cpc-reencrypt grant -k alice.key --passphrase-file alice.pass --to bob.pub -t 2 -n 3 \
  --cid "$CID" --node "${URL[1]}" > grant.json 2> grant.err || fail "cpc-reencrypt grant --node: $(cat grant.err)"
GRANT=$(jq -r .id grant.json)
[ "$(jq -r .type grant.json)" = cpc/grant ] || fail "grant output: $(cat grant.json)"
[ "$(jq -r .tx grant.json)" = "$GRANT" ] || fail "grant id is not its tx id: $(cat grant.json)"
H=$(jq -r .height grant.json)
for i in 1 2 3 4; do wait_height "${URL[i]}" "$H" 120 || fail "node $i did not reach the grant's block $H"; done
BOB=$(jq -r .sign bob.pub)
curl -sf "${URL[4]}/v1/grants?grantee=$BOB&cid=$CID" > grants.json || fail "GET /v1/grants"
[ "$(jq '.grants | length' grants.json)" = 1 ] || fail "grants: $(cat grants.json)"
[ "$(jq -r '.grants[0].owner_key' grants.json)" = "$(jq -r .encrypt alice.pub)" ] || fail "owner_key: $(cat grants.json)"
mapfile -t PROXY_URLS < <(jq -r '.grants[0].proxies[].url' grants.json)
[ "${#PROXY_URLS[@]}" = 3 ] || fail "grant has ${#PROXY_URLS[@]} proxies: $(cat grants.json)"
# The node that is not a proxy is where the grantee reads; a proxy is what gets killed.
READER=""
VICTIM=""
for i in 1 2 3 4; do
  is_proxy=no
  for u in "${PROXY_URLS[@]}"; do [ "$u" = "${URL[i]}" ] && is_proxy=yes; done
  if [ "$is_proxy" = no ]; then READER=$i; elif [ -z "$VICTIM" ] || [ "$i" != 1 ]; then VICTIM=$i; fi
done
if [ -z "$READER" ] || [ -z "$VICTIM" ]; then
  fail "proxies ${PROXY_URLS[*]} are not 3 of the 4 nodes"
  exit 1
fi

timeout 120 cpc-get --node "${URL[READER]}" "$CID" -k bob.key -o bob1.out 2> bob1.err ||
  fail "the grantee's cpc-get -k: $(cat bob1.err)"
cmp -s bob1.out plain.ndjson || fail "the grantee read other bytes"
# Through a proxy node too, to stdout.
timeout 120 cpc-get --node "${URL[VICTIM]}" "$CID" -k bob.key > bob2.out 2> bob2.err ||
  fail "the grantee's cpc-get -k via a proxy node: $(cat bob2.err)"
cmp -s bob2.out plain.ndjson || fail "the grantee read other bytes (stdout)"

# --- a third party: access denied, nothing written ----------------------------------
unset CPC_PASSPHRASE_FILE
expect_denied eve cpc-get --node "${URL[READER]}" "$CID" -k eve.key -o eve.out
export CPC_PASSPHRASE_FILE=$PWD/bob.pass

# --- one of the three proxies down (kill -9): the grantee still reads --------------
stop_node "${PID[VICTIM]}" KILL
timeout 120 cpc-get --node "${URL[READER]}" "$CID" -k bob.key -v -o bob3.out 2> bob3.err ||
  fail "cpc-get -k with one proxy down: $(cat bob3.err)"
cmp -s bob3.out plain.ndjson || fail "with one proxy down, the grantee read other bytes"
grep -q "${URL[VICTIM]}" bob3.err || fail "-v does not name the proxy that is down: $(cat bob3.err)"
start "$VICTIM"
target=$(chain_height "${URL[READER]}")
wait_height "${URL[VICTIM]}" "$target" 180 || fail "restarted node $VICTIM did not catch up to $target"

# --- revocation: every proxy refuses, cpc-get exits 1 -------------------------------
timeout 120 cpc-reencrypt revoke -k alice.key --passphrase-file alice.pass --grant "$GRANT" \
  --node "${URL[2]}" > revoke.json 2> revoke.err || fail "cpc-reencrypt revoke: $(cat revoke.err)"
if [ "$(jq -r .type revoke.json)" != cpc/revoke ] || [ "$(jq -r .grant revoke.json)" != "$GRANT" ]; then
  fail "revoke output: $(cat revoke.json)"
fi
RH=$(jq -r .height revoke.json)
for u in "${PROXY_URLS[@]}"; do
  wait_height "$u" "$RH" 120 || fail "proxy $u did not reach the revocation's block $RH"
  req=$("$REQTOOL" bob.key "$GRANT" "$CID") || fail "reencrypt_request_tool"
  code=$(curl -s --max-time 10 -o answer.json -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "$req" "$u/v1/reencrypt")
  [ "$code" = 403 ] || fail "proxy $u after the revocation: $code $(cat answer.json)"
  grep -q "no live grant" answer.json || fail "proxy $u: $(cat answer.json)"
done
expect_denied bob4 cpc-get --node "${URL[READER]}" "$CID" -k bob.key -o bob4.out

# Proxies counted what they served and refused.
served=0
for i in 1 2 3 4; do
  n=$(curl -sf "${URL[i]}/metrics" | awk -F' ' '/^cpc_reencryptions_total\{result="served"\}/ { print $2 }')
  served=$((served + ${n:-0}))
done
[ "$served" -ge 4 ] || fail "the proxies served $served re-encryptions, want at least 4"

# --- no plaintext, no kfrag in any node's data directory -----------------------------
for i in 1 2 3 4; do
  [ -d "$WORK/v$i" ] || fail "no data directory for node $i"
  if grep -raqF "$TOKEN" "$WORK/v$i"; then fail "node $i's data directory holds the plaintext"; fi
  if grep -raqF '"type":"cpc/kfrag"' "$WORK/v$i"; then fail "node $i's data directory holds a kfrag record"; fi
  # The scan sees what is there: the registration is in the chain store.
  grep -raqF "$CID" "$WORK/v$i" || fail "scan of node $i found not even the CID"
done
finish
