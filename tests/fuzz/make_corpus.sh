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
# Sharing records (fuzz_share.cpp): the first byte selects the parser; the sealed kfrag is
# sealed to the fuzz key.
if command -v cpc-reencrypt > /dev/null; then
  mkdir -p "$c/share"
  cpc-reencrypt grant -k k --to g.pub -t 1 -n 2 > skf
  head -n 1 skf | cpc-encrypt --to fuzz.pub | base64 -w0 > sealed_kfrag
  head -n 1 skf > skf1 && echo hi | cpc-encrypt --to k.pub | cpc-reencrypt --kfrag skf1 > scfrag
  python3 - "$c/share" "$(jq -r .sign g.pub)" << 'PY'
import hashlib, json, sys
out, grantee = sys.argv[1], sys.argv[2]
def seed(n, sel, data):
    with open(f"{out}/seed{n}", "wb") as f:
        f.write(bytes([sel]) + (data if isinstance(data, bytes) else data.encode()))
dump = lambda v: json.dumps(v, separators=(",", ":"))
cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
seed(0, 0, dump({"cid": cid, "grant": "a" * 64, "nonce": "0" * 31 + "7", "requester": grantee,
                 "sig": "0" * 127 + "1", "time": 1767225600000, "type": "cpc/reencrypt-request"}))
seed(1, 0, dump({"type": "cpc/reencrypt-request"}))
seed(2, 1, dump({"type": "cpc/reencrypt-response", "cfrags": [open("scfrag").read().strip()]}))
key = json.load(open("fuzz.pub"))
nid = hashlib.blake2b(bytes.fromhex(key["sign"]), digest_size=32).hexdigest()
seed(3, 2, dump({"type": "cpc/proxies",
                 "proxies": [{"id": nid, "url": "http://127.0.0.1:7400", "key": key}]}))
seed(4, 3, dump({"type": "cpc/grants", "grantee": "b" * 64, "cid": cid, "height": 41,
                 "grants": [{"id": "c" * 64, "owner": "d" * 64, "owner_key": key["encrypt"],
                             "grantee": "b" * 64, "threshold": 1, "expires": 99, "height": 7,
                             "proxies": [{"node": nid, "url": "http://127.0.0.1:7400"},
                                         {"node": "e" * 64, "url": None}]}]}))
seed(5, 4, open("sealed_kfrag", "rb").read())
PY
fi
echo "corpus written to $c"
