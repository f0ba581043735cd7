#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Threshold re-encryption through the tools: grant, proxies re-encrypting a sealed stream and
# a stream of sealed records, the grantee opening with t cfrag files from different proxies
# (2-of-3, 3-of-5), and the refusals: t - 1 files, copies of one file, cfrags for another
# stream, a modified cfrag (cpc-verify --cfrag and opening both refuse it).
source "$(dirname "$0")/lib.sh"

for who in owner grantee stranger; do
  cpc-keygen -o $who.key && cpc-keygen --public -k $who.key > $who.pub
done
head -c 300000 /dev/urandom > data.bin
cpc-encrypt --to owner.pub --chunk-size 65536 data.bin > stream.sealed
for i in $(seq 1 25); do echo "{\"reading\":$i,\"temp\":$((i * 3))}"; done > readings.ndjson
cpc-encrypt --to owner.pub --records readings.ndjson > records.sealed
cpc-encrypt -d -k owner.key stream.sealed > owner.bin
cmp -s data.bin owner.bin || fail "the owner opens the stream"

# grant -t T -n N: N signed kfrag records, file mode 0600.
expect 0 "grant 3-of-5" -- cpc-reencrypt grant -k owner.key --to grantee.pub -t 3 -n 5 -o k35
[ "$(wc -l < k35)" = 5 ] || fail "want 5 kfrags"
[ "$(stat -c %a k35)" = 600 ] || fail "kfrag file mode $(stat -c %a k35)"
[ "$(jq -r .type k35 | sort -u)" = cpc/kfrag ] || fail "kfrag records"
cpc-reencrypt grant -k owner.key --to grantee.pub -t 2 -n 3 > k23
expect 2 "t > n" -- cpc-reencrypt grant -k owner.key --to grantee.pub -t 4 -n 3
expect 2 "no --kfrag" -- cpc-reencrypt stream.sealed
expect 2 "kfrag file with several kfrags" -- cpc-reencrypt --kfrag k35 stream.sealed
for g in 23 35; do
  for i in $(seq 1 "$(wc -l < k$g)"); do sed -n "${i}p" k$g > k$g.$i; done
done

# Proxies: one cfrag for a stream, one per record for records, in order.
for g in 23 35; do
  for i in $(seq 1 "$(wc -l < k$g)"); do
    cpc-reencrypt --kfrag k$g.$i stream.sealed > c$g.$i.stream
    cpc-reencrypt --kfrag k$g.$i < records.sealed > c$g.$i.records
  done
done
[ "$(wc -l < c23.1.stream)" = 1 ] || fail "one cfrag for a stream"
[ "$(wc -l < c23.1.records)" = 25 ] || fail "one cfrag per record"
[ "$(jq -r .type c23.1.records | sort -u)" = cpc/cfrag ] || fail "cfrag records"
expect 0 "verify stream cfrags" -- cpc-verify --cfrag c35.4.stream --from owner.pub --to grantee.pub stream.sealed
[ ! -s out.txt ] || fail "verify prints nothing"
expect 0 "verify record cfrags" -- cpc-verify --cfrag c23.2.records --from owner.pub --to grantee.pub records.sealed

# The grantee opens with t files from different proxies; the plaintext equals the owner's.
expect 0 "2-of-3 stream" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c23.3.stream --cfrag c23.1.stream stream.sealed -o g.bin
cmp -s data.bin g.bin || fail "2-of-3 stream plaintext"
expect 0 "3-of-5 stream" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c35.5.stream --cfrag c35.2.stream --cfrag c35.3.stream stream.sealed -o g.bin
cmp -s data.bin g.bin || fail "3-of-5 stream plaintext"
cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c35.1.stream --cfrag c35.2.stream --cfrag c35.3.stream --cfrag c35.4.stream < stream.sealed > g.bin
cmp -s data.bin g.bin || fail "more than t"
cpc-encrypt -d -k owner.key records.sealed > owner.ndjson
for g in "23 1 3" "35 2 4 5"; do
  set -- $g
  n=$1; shift
  args=()
  for i in "$@"; do args+=(--cfrag c$n.$i.records); done
  expect 0 "records $n" -- cpc-encrypt -d -k grantee.key --from owner.pub "${args[@]}" records.sealed -o g.ndjson
  cmp -s owner.ndjson g.ndjson || fail "records $n plaintext"
done
cmp -s readings.ndjson g.ndjson || fail "records round trip"
rm -f g.bin g.ndjson

# t - 1 files: exit 1, no output file; copies of one proxy's file count once.
expect 1 "t-1 of 3-of-5" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c35.1.stream --cfrag c35.2.stream stream.sealed -o g.bin
expect_absent g.bin
expect_err_contains "threshold is 3"
expect 1 "duplicated cfrag files" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c23.1.stream --cfrag c23.1.stream stream.sealed -o g.bin
expect_absent g.bin
cp c23.1.stream copy.stream
expect 1 "a copy under another name" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c23.1.stream --cfrag copy.stream stream.sealed -o g.bin
expect_absent g.bin
expect 1 "t-1 records" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c23.2.records records.sealed -o g.ndjson
expect_absent g.ndjson
expect 2 "--cfrag without --from" -- cpc-encrypt -d -k grantee.key --cfrag c23.1.stream stream.sealed
expect 1 "another grantee" -- cpc-encrypt -d -k stranger.key --from owner.pub --cfrag c23.1.stream --cfrag c23.2.stream stream.sealed -o g.bin
expect_absent g.bin

# Cfrags for another stream: refused by cpc-verify and by the grantee.
cpc-encrypt --to owner.pub data.bin > other.sealed
expect 1 "cfrag for another stream" -- cpc-verify --cfrag c23.1.stream --from owner.pub --to grantee.pub other.sealed
expect_err_contains "cfrag 1 does not verify"
expect 1 "open another stream" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c23.1.stream --cfrag c23.2.stream other.sealed -o g.bin
expect_absent g.bin
expect 1 "stream cfrags for records" -- cpc-verify --cfrag c23.1.stream --from owner.pub --to grantee.pub records.sealed
expect 1 "wrong grantee in verify" -- cpc-verify --cfrag c23.1.stream --from owner.pub --to stranger.pub stream.sealed
expect 2 "verify without --to" -- cpc-verify --cfrag c23.1.stream --from owner.pub stream.sealed

# A modified cfrag (one field edited with jq): verify says no, and it does not count.
for field in e1 z commitment; do
  # .["e1"], not .e1: jq 1.6 reads .e1 as a number.
  other=$(jq -r ".[\"$field\"]" c23.2.stream)
  jq -c --arg v "$(jq -r ".[\"$field\"]" c23.3.stream)" ".[\"$field\"] = \$v" c23.2.stream > bad.stream
  [ "$other" != "$(jq -r ".[\"$field\"]" bad.stream)" ] || fail "jq edit of $field"
  expect 1 "modified $field" -- cpc-verify --cfrag bad.stream --from owner.pub --to grantee.pub stream.sealed
  expect_err_contains "cfrag 1 does not verify"
  expect 1 "open with modified $field" -- cpc-encrypt -d -k grantee.key --from owner.pub --cfrag c23.1.stream --cfrag bad.stream stream.sealed -o g.bin
  expect_absent g.bin
done
jq -c 'if .threshold then .threshold = 1 else . end' c23.2.records > bad.records
expect 1 "modified threshold in records" -- cpc-verify --cfrag bad.records --from owner.pub --to grantee.pub records.sealed
jq -c '.z = "zz"' c23.2.stream > bad.stream
expect 2 "malformed cfrag" -- cpc-verify --cfrag bad.stream --from owner.pub --to grantee.pub stream.sealed

# A proxy refuses data sealed to someone else, and a kfrag that does not verify.
cpc-encrypt --to stranger.pub data.bin > stranger.sealed
expect 1 "proxy: another owner's data" -- cpc-reencrypt --kfrag k23.1 stranger.sealed -o c.out
expect_absent c.out
expect_err_contains "sealed to another key"
jq -c --arg v "$(jq -r .commitment k23.2)" '.commitment = $v' k23.1 > bad.kfrag
expect 1 "proxy: modified kfrag" -- cpc-reencrypt --kfrag bad.kfrag stream.sealed -o c.out
expect_absent c.out
finish
