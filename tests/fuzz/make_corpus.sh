#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the seed corpora under tests/fuzz/corpus/ from the real tools (needs a build:
# CPC_BIN=build/tools). The sealed-stream corpus is sealed to fuzz_key.json, a test key
# committed here on purpose (it protects nothing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PATH="${CPC_BIN:?set CPC_BIN to the built tools}:$PATH"
c=$here/corpus
rm -rf "$c" && mkdir -p "$c"/{json,records,sealed_stream}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
[ -f "$here/fuzz_key.json" ] || cpc-keygen -o "$here/fuzz_key.json"
chmod 600 "$here/fuzz_key.json"
cpc-keygen --public -k "$here/fuzz_key.json" > fuzz.pub
cpc-keygen -o k && cpc-keygen --public -k k > k.pub
printf 'pw\n' > pw && cpc-keygen --passphrase-file pw -o kp

# JSON: the shapes the tools see.
i=0
for j in '{"device":"t-17","t":1700000000,"temp":21.5}' '[1,2.5,-3e-7,1e21,"x",true,null,{}]' \
  '"\u20ac\ud83d\ude00\r\n"' '{"b":{"c":[[[]]]},"a":0.1}' '-0' '12345678901234567' '{"a":1,"a":2}'; do
  printf '%s' "$j" > "$c/json/seed$((i++))"
done

# Records: first byte selects the parser (fuzz_records.cpp).
rec() { printf "\\x$(printf %02x "$1")%s" "$2" > "$c/records/seed$((i++))"; }
rec 0 "$(cat k.pub)"
rec 1 "$(cat k)"
rec 1 "$(cat kp)"
echo '{"t":1,"v":[1,2]}' | cpc-sign -k k > signed
rec 2 "$(cat signed)"
printf message > msg && cpc-sign -k k --detached msg > sig
rec 3 "$(cat sig)"
head -c 100 /dev/urandom | cpc-encrypt --to k.pub | head -n 1 > header
rec 4 "$(cat header)"
echo '{"t":1}' | cpc-encrypt --to k.pub --records > sealed_rec
rec 5 "$(cat sealed_rec)"
if command -v cpc-reencrypt > /dev/null; then
  cpc-keygen -o g && cpc-keygen --public -k g > g.pub
  cpc-reencrypt grant -k k --to g.pub -t 2 -n 3 > kfrags
  rec 6 "$(head -n 1 kfrags)"
  head -n 1 kfrags > kf && cpc-reencrypt --kfrag kf sealed_rec > cfrag && rec 7 "$(cat cfrag)"
  printf '1\n-2\n' | cpc-encrypt --he --to k.pub --scale 1 | head -n 1 > he && rec 8 "$(cat he)"
fi

# Sealed streams to the fuzz key: empty, small, several chunks, records.
: | cpc-encrypt --to fuzz.pub > "$c/sealed_stream/empty"
printf 'hello' | cpc-encrypt --to fuzz.pub > "$c/sealed_stream/small"
head -c 200 /dev/urandom | cpc-encrypt --to fuzz.pub --chunk-size 64 > "$c/sealed_stream/chunks"
printf '{"a":1}\n' | cpc-encrypt --to fuzz.pub --records > "$c/sealed_stream/record"
echo "corpus written to $c"
