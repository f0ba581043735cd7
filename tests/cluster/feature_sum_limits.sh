#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bounded work per POST /v1/sum (docs/node-api.md §5a): one node; a CID named twice is a
# 400 naming it, from the node and from cpc-get --sum (exit 2, one line, nothing asked of
# the node); more than 1024 CIDs, or objects of more than 16 MiB in all, are a 413; an
# attacker's 630 KB body of one CID repeated 10,000 times (the request that used to cost
# hours of CPU) and 1024 copies of it are refused at once, and the node then still sums.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

cpc-keygen -o city.key && cpc-keygen --public -k city.key > city.pub
free_port
URL="http://127.0.0.1:$FREE_PORT"
start_node n1 "$FREE_PORT"

# post BODY-FILE: POST /v1/sum; sets CODE, ANSWER and MS (the time it took).
post() {
  local t0=$EPOCHREALTIME
  ANSWER=$(curl -s --max-time 60 -o - -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "@$1" "$URL/v1/sum")
  CODE=${ANSWER##*$'\n'}
  ANSWER=${ANSWER%$'\n'*}
  MS=$(python3 -c "print(int(($EPOCHREALTIME - $t0) * 1000))")
}
# cids_body CID N [MORE…]: {"cids":[CID ×N, MORE…]}
cids_body() {
  python3 - "$@" << 'PY'
import json, sys
cid, n, more = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(json.dumps({"cids": [cid] * n + more}, separators=(",", ":")))
PY
}

seq 1 5 | cpc-encrypt --he --to city.pub > a.he
seq 6 9 | cpc-encrypt --he --to city.pub > b.he
A=$(cpc-put -q --node "$URL" a.he | jq -r .cid)
B=$(cpc-put -q --node "$URL" b.he | jq -r .cid)

# --- distinct CIDs sum as before ---------------------------------------------------------
cpc-get --node "$URL" --sum "$A" "$B" > total.he 2> sum.err || fail "sum: $(cat sum.err)"
[ "$(cpc-encrypt -d -k city.key < total.he)" = 45 ] || fail "sum of A and B: $(cat total.he)"

# --- a CID twice: 400 naming it, from the node and the tool ------------------------------
cids_body "$A" 2 "$B" > dup.json
post dup.json
[ "$CODE" = 400 ] || fail "duplicate CIDs answered $CODE $ANSWER"
[ "$ANSWER" = "{\"error\":\"duplicate CID in the sum: $A\"}" ] || fail "duplicate answer: $ANSWER"
sums() { curl -sf "$URL/metrics" | awk '/^cpc_requests_total[{]endpoint="sum"/ { n += $2 } END { print n + 0 }'; }
before=$(sums)
rc=0
cpc-get --node "$URL" --sum "$A" "$A" "$A" > out 2> err || rc=$?
[ "$rc" = 2 ] || fail "cpc-get --sum A A A exited $rc: $(cat err)"
[ "$(wc -l < err)" = 1 ] || fail "cpc-get --sum A A A: not one line: $(cat err)"
grep -q "^cpc-get: duplicate CID in the sum: $A\$" err || fail "cpc-get --sum A A A said: $(cat err)"
[ ! -s out ] || fail "cpc-get --sum A A A printed $(cat out)"
after=$(sums)
[ "$before" = "$after" ] || fail "cpc-get asked the node about a duplicate sum"

# --- more than 1024 CIDs: 413 -------------------------------------------------------------
python3 - "$A" > many.json << 'PY'
import json, sys
# 1025 distinct, well-formed CIDs (only the first exists): refused on the count alone.
import base64, hashlib
cids = [sys.argv[1]]
for i in range(1024):
    d = hashlib.sha256(str(i).encode()).digest()
    raw = bytes([0x01, 0x55, 0x12, 0x20]) + d
    cids.append("b" + base64.b32encode(raw).decode().lower().rstrip("="))
print(json.dumps({"cids": cids}))
PY
post many.json
[ "$CODE" = 413 ] || fail "1025 CIDs answered $CODE $ANSWER"
[ "$ANSWER" = '{"error":"a sum takes at most 1024 CIDs, not 1025"}' ] || fail "1025 CIDs: $ANSWER"

# --- more than 16 MiB of objects in all: 413 ------------------------------------------------
seq 1 1000 | cpc-encrypt --he --to city.pub > k.he
: > big1.he
while [ "$(stat -c %s big1.he)" -lt $((9 << 20)) ]; do cat k.he >> big1.he; done
{ head -n 1 a.he; cat big1.he; } > big2.he # another object, as large
BIG1=$(cpc-put -q --node "$URL" big1.he | jq -r .cid)
BIG2=$(cpc-put -q --node "$URL" big2.he | jq -r .cid)
cpc-get --node "$URL" --sum "$BIG1" > one.he 2> one.err || fail "sum of one 9 MiB object: $(cat one.err)"
rc=0
cpc-get --node "$URL" --sum "$BIG1" "$BIG2" > out 2> err || rc=$?
[ "$rc" = 2 ] || fail "sum of 18 MiB exited $rc: $(cat err)"
grep -q "^cpc-get: sum: the objects of a sum hold more than 16777216 bytes or 4096 blocks\$" err ||
  fail "sum of 18 MiB said: $(cat err)"
cids_body "$BIG1" 1 "$BIG2" > big.json
post big.json
[ "$CODE" = 413 ] || fail "sum of 18 MiB answered $CODE $ANSWER"

# --- the attacker: one CID 10,000 times (630 KB), and 1024 times ----------------------------
cids_body "$A" 10000 > attack.json
size=$(stat -c %s attack.json)
[ "$size" -gt 600000 ] || fail "the attack body is only $size bytes"
post attack.json
[ "$CODE" = 413 ] || fail "the 630 KB attack answered $CODE $ANSWER"
[ "$MS" -lt 2000 ] || fail "the 630 KB attack took $MS ms to refuse"
attack_ms=$MS
cids_body "$A" 1024 > attack2.json
post attack2.json
[ "$CODE" = 400 ] || fail "1024 copies of one CID answered $CODE $ANSWER"
[ "$ANSWER" = "{\"error\":\"duplicate CID in the sum: $A\"}" ] || fail "1024 copies: $ANSWER"
[ "$MS" -lt 2000 ] || fail "1024 copies of one CID took $MS ms to refuse"
echo "attack refused: the 630 KB body in $attack_ms ms, 1024 copies of one CID in $MS ms"
# An attacker in a loop: 20 of each, in parallel; the node stays quick and still sums.
t0=$SECONDS
attackers=()
for _ in $(seq 1 20); do
  curl -s -o /dev/null --max-time 60 -X POST --data-binary @attack.json "$URL/v1/sum" &
  attackers+=($!)
  curl -s -o /dev/null --max-time 60 -X POST --data-binary @attack2.json "$URL/v1/sum" &
  attackers+=($!)
done
for pid in "${attackers[@]}"; do wait "$pid" || true; done
[ $((SECONDS - t0)) -lt 30 ] || fail "40 attack requests took $((SECONDS - t0)) s"
cpc-get --node "$URL" --sum "$A" "$B" > total2.he 2> sum2.err || fail "sum after the attack: $(cat sum2.err)"
[ "$(cpc-encrypt -d -k city.key < total2.he)" = 45 ] || fail "sum after the attack: $(cat total2.he)"
finish
