#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpc-encrypt through pipes: round trips at chunk boundaries and at 100 MB with bounded
# memory, sealed records, and every kind of bad input (exit 1 or 2, one line on stderr, no
# output file).
source "$(dirname "$0")/lib.sh"

cpc-keygen -o own.key && cpc-keygen --public -k own.key > own.pub
cpc-keygen -o other.key
MiB=1048576

# Round trips; peak RSS of sealing and opening stays under 40 MB at any size.
rss_kb() { /usr/bin/time -f %M -o rss.txt "$@"; cat rss.txt; }
for n in 0 1 $((MiB - 1)) $MiB $((MiB + 1)) 100000000; do
  head -c "$n" /dev/urandom > in.bin
  seal_kb=$(rss_kb cpc-encrypt --to own.pub in.bin -o sealed)
  open_kb=$(rss_kb cpc-encrypt -d -k own.key sealed -o out.bin)
  cmp -s in.bin out.bin || fail "round trip of $n bytes"
  [ "$seal_kb" -lt 40960 ] || fail "sealing $n bytes used $seal_kb KiB"
  [ "$open_kb" -lt 40960 ] || fail "opening $n bytes used $open_kb KiB"
  echo "size $n: seal ${seal_kb} KiB, open ${open_kb} KiB peak RSS"
done
# Through a pipe with another chunk size.
head -c 300000 /dev/urandom > in.bin
cpc-encrypt --to own.pub --chunk-size 4096 < in.bin | cpc-encrypt -d -k own.key > out.bin
cmp -s in.bin out.bin || fail "pipe round trip"
rm -f out.bin sealed

# Tampering with a stream of 4 chunks (16 bytes each): exit 1, nothing written.
head -c 64 /dev/urandom > in.bin
cpc-encrypt --to own.pub --chunk-size 16 in.bin > s
[ "$(wc -l < s)" = 5 ] || fail "want header + 4 chunks"
check_refused() {
  local what=$1 file=$2
  expect 1 "$what" -- cpc-encrypt -d -k own.key "$file" -o out.bin
  expect_absent out.bin
}
check_malformed() {
  local what=$1 file=$2
  expect 2 "$what" -- cpc-encrypt -d -k own.key "$file" -o out.bin
  expect_absent out.bin
}
head -n 4 s > t; check_refused "truncated" t
expect_err_contains "truncated"
awk 'NR == 2 { held = $0; next } NR == 3 { print; print held; next } 1' s > t; check_refused "reordered" t
sed -n '1p;2p;2p;3p;4p;5p' s > t; check_refused "duplicated" t
{ cat s; sed -n 5p s; } > t; check_refused "extended" t
{ cat s; echo '{"type":"cpc/chunk","i":4,"final":true,"data":""}'; } > t; check_refused "extended with garbage chunk" t
jq -c 'if .type == "cpc/chunk" and .i == 2 then .data |= (.[0:4] + (if .[4:5] == "A" then "B" else "A" end) + .[5:]) else . end' s > t
check_refused "modified chunk" t
expect 1 "wrong key" -- cpc-encrypt -d -k other.key s -o out.bin
expect_absent out.bin
expect_err_contains "sealed to another key"
{ head -n 2 s; echo '{"type":"cpc/chunk",'; } > t; check_malformed "malformed JSON" t
expect_err_contains "line 3:"
{ head -n 2 s; echo '{"type":"cpc/signed","i":1,"final":false,"data":""}'; } > t; check_malformed "wrong record type" t
jq -c 'if .type == "cpc/sealed" then .capsule = ("ff" * 32) + .capsule[64:] else . end' s > t
check_malformed "non-canonical point in capsule" t
jq -c 'if .type == "cpc/sealed" then .capsule = ("00" * 32) + .capsule[64:] else . end' s > t
check_malformed "identity point in capsule" t
jq -c 'if .type == "cpc/sealed" then .capsule = .capsule[0:128] + ("ff" * 32) else . end' s > t
check_malformed "non-canonical scalar in capsule" t
jq -c 'if .type == "cpc/sealed" then .chunk_size = 32 else . end' s > t; check_refused "swapped header field" t
jq -c 'if .type == "cpc/chunk" then .data = "!!!!" else . end' s > t; check_malformed "bad base64" t
: > t; check_malformed "empty input" t
echo '{"type":"cpc/signed"}' > t; check_malformed "not a sealed stream" t
# A failed open to a redirected stdout file leaves it empty.
set +e; cpc-encrypt -d -k own.key <(head -n 4 s) > partial.out 2> /dev/null; rc=$?; set -e
[ "$rc" = 1 ] && [ ! -s partial.out ] || fail "partial plaintext left on redirected stdout (exit $rc)"

# Sealed records: one per line, each opens alone.
printf '{"t":1}\n{"t":2}\n\n{"t":3}\n' > r.ndjson
expect 0 "seal records" -- cpc-encrypt --to own.pub --records r.ndjson
cp out.txt rs.ndjson
[ "$(wc -l < rs.ndjson)" = 3 ] || fail "one sealed record per non-blank line"
expect 0 "open records" -- cpc-encrypt -d -k own.key rs.ndjson
printf '{"t":1}\n{"t":2}\n{"t":3}\n' > want.txt
cmp -s out.txt want.txt || fail "opened records: $(cat out.txt)"
sed -n 2p rs.ndjson | cpc-encrypt -d -k own.key > one.txt
[ "$(cat one.txt)" = '{"t":2}' ] || fail "a record opens alone"
jq -c '.data |= ("AAAA" + .[4:])' rs.ndjson > t; check_refused "modified record" t

# Usage errors.
expect 2 "no mode" -- cpc-encrypt in.bin
expect 2 "-d without key" -- cpc-encrypt -d s
expect 2 "bad recipient file" -- cpc-encrypt --to r.ndjson in.bin -o o.bin
expect_absent o.bin
expect 3 "missing input" -- cpc-encrypt --to own.pub no-such-file
finish
