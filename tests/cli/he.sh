#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Additively homomorphic numbers through cpc-encrypt: --he, --sum (no key) and -d on cpc/he
# records; integers, decimals with --scale, negative numbers; line-numbered errors for bad
# numbers; mixed keys and scales; 1000 16-bit readings; and 100,000 records summed through
# the fast path (correctness only, no timing).
source "$(dirname "$0")/lib.sh"
export CPC_CACHE_DIR="$CPC_BUILD/tests/cache"

cpc-keygen -o own.key && cpc-keygen --public -k own.key > own.pub
cpc-keygen -o other.key && cpc-keygen --public -k other.key > other.pub

# Integers, one per line: encrypt, decrypt each, sum, decrypt the sum.
printf '5\n-12\n0\n+7\n1099511627776\n' > ints
expect 0 "encrypt integers" -- cpc-encrypt --he --to own.pub ints
mv out.txt ints.he
[ "$(wc -l < ints.he)" = 5 ] || fail "one record per number"
[ "$(jq -r '.type + " " + (.scale|tostring) + " " + (.count|tostring)' ints.he | sort -u)" = "cpc/he 0 1" ] || fail "fresh records"
expect 0 "decrypt each" -- cpc-encrypt -d -k own.key ints.he
[ "$(cat out.txt | tr '\n' ' ')" = "5 -12 0 7 1099511627776 " ] || fail "decrypted integers: $(cat out.txt)"
head -n 4 ints.he | cpc-encrypt --sum > sum.he
[ "$(jq -r .count sum.he)" = 4 ] || fail "count of a sum"
[ "$(cpc-encrypt -d -k own.key sum.he)" = 0 ] || fail "5 - 12 + 0 + 7"

# Decimals with --scale: rounding half away from zero, printed with the scale.
printf '12.5\n-0.125\n3\n0.004\n-7.005\n' | cpc-encrypt --he --to own.pub --scale 2 > dec.he
[ "$(cpc-encrypt -d -k own.key dec.he | tr '\n' ' ')" = "12.50 -0.13 3.00 0.00 -7.01 " ] || fail "decimals: $(cpc-encrypt -d -k own.key dec.he | tr '\n' ' ')"
[ "$(cpc-encrypt --sum dec.he | cpc-encrypt -d -k own.key)" = "8.36" ] || fail "sum of decimals"
printf -- '-1.5\n-2.25\n' | cpc-encrypt --he --to own.pub --scale 3 | cpc-encrypt --sum > neg.he
[ "$(cpc-encrypt -d -k own.key neg.he)" = "-3.750" ] || fail "negative decimal sum"

# Bad numbers: exit 2, the line named, no output file.
for bad in abc 1e5 '1.' '.5' '--1' '0x10' '1 2' 1099511627777 '-1099511627777'; do
  printf '1\n2\n%s\n' "$bad" > badnums
  expect 2 "bad number '$bad'" -- cpc-encrypt --he --to own.pub badnums -o bad.he
  expect_err_contains "line 3:"
  expect_absent bad.he
done
expect 2 "scale out of range" -- cpc-encrypt --he --to own.pub --scale 19 ints

# Sums: different keys exit 1, different scales exit 2, empty input exit 2.
printf '1\n' | cpc-encrypt --he --to other.pub > other.he
cat ints.he other.he > mixed.he
expect 1 "different keys" -- cpc-encrypt --sum mixed.he -o s.he
expect_absent s.he
expect_err_contains "line 6:"
cat ints.he dec.he > scales.he
expect 2 "different scales" -- cpc-encrypt --sum scales.he -o s.he
expect_absent s.he
: > empty
expect 2 "empty sum" -- cpc-encrypt --sum empty
expect 1 "decrypt with another key" -- cpc-encrypt -d -k other.key ints.he
jq -c '.c1 = ("00" * 32)' other.he > ident.he
expect 2 "identity point" -- cpc-encrypt --sum ident.he
sed 's/"scale":0/"scale": 0/' ints.he | cpc-encrypt --sum | cpc-encrypt -d -k own.key > spaced
[ "$(cat spaced)" = 1099511627776 ] || fail "records in another spelling"

# 1000 16-bit readings.
awk 'BEGIN { srand(7); for (i = 0; i < 1000; i++) print int(65536 * rand()) }' > r1000
want=$(awk '{ s += $1 } END { print s }' r1000)
cpc-encrypt --he --to own.pub r1000 > r1000.he
[ "$(cpc-encrypt --sum r1000.he | cpc-encrypt -d -k own.key)" = "$want" ] || fail "1000 readings"
[ "$(cpc-encrypt --sum r1000.he | jq .count)" = 1000 ] || fail "count 1000"

# 100,000 records (100 copies of the 1000): the fast path's total.
for _ in $(seq 100); do cat r1000.he; done > r100k.he
expect 0 "sum 100,000" -- cpc-encrypt --sum r100k.he
[ "$(cpc-encrypt -d -k own.key out.txt)" = "$((want * 100))" ] || fail "100,000 readings"
[ "$(jq .count out.txt)" = 100000 ] || fail "count 100,000"
finish
