#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpc-sign / cpc-verify through pipes: envelopes, keyrings, tampering, malformed input,
# detached signatures checked by an independent RFC 8032 implementation (Python's
# cryptography package).
source "$(dirname "$0")/lib.sh"

cpc-keygen -o dev.key && cpc-keygen --public -k dev.key > dev.pub
cpc-keygen -o other.key && cpc-keygen --public -k other.key > other.pub
printf '{"device":"t-17","t":1,"temp":21.5}\n[1,2,3]\n"text"\n{"b":2,  "a":1}\n' > r.ndjson

expect 0 "sign" -- cpc-sign -k dev.key r.ndjson
cp out.txt s.ndjson
[ "$(wc -l < s.ndjson)" = 4 ] || fail "want 4 signed records"
jq -e -s 'all(.type == "cpc/signed" and (.sig|length) == 128)' s.ndjson > /dev/null || fail "record shape"
expect 0 "verify" -- cpc-verify --signer dev.pub s.ndjson
printf '{"device":"t-17","t":1,"temp":21.5}\n[1,2,3]\n"text"\n{"a":1,"b":2}\n' > want.txt
cmp -s out.txt want.txt || fail "verified payloads: $(cat out.txt)"
run cpc-verify < s.ndjson
cmp -s out.txt want.txt || fail "verify from stdin without --signer"
# Reformatted but equal JSON still verifies (canonical form is what is signed).
jq -c '{sig, payload, signer, type}' s.ndjson > reordered.ndjson
expect 0 "re-ordered fields verify" -- cpc-verify --signer dev.pub reordered.ndjson

# Trust: another signer, keyrings, bare hex keys, repeated --signer.
expect 1 "untrusted signer" -- cpc-verify --signer other.pub s.ndjson
expect_err_contains "line 1: signer"
mkdir ring && cp other.pub dev.pub ring/
expect 0 "keyring directory" -- cpc-verify --signer ring s.ndjson
expect 0 "repeated --signer" -- cpc-verify --signer other.pub --signer dev.key s.ndjson
expect 0 "bare hex signer" -- cpc-verify --signer "$(jq -r .sign dev.pub)" s.ndjson
mkdir badring && cp dev.pub badring/ && echo junk > badring/README
expect 2 "keyring with a non-key file" -- cpc-verify --signer badring s.ndjson
expect_err_contains "badring/README"

# Tampering and malformed input.
sed '3s/"text"/"texT"/' s.ndjson > t.ndjson
expect 1 "modified payload" -- cpc-verify --signer dev.pub t.ndjson
expect_err_contains "line 3: signature does not verify (signer"
[ "$(wc -l < out.txt)" = 2 ] || fail "records before the bad one are printed"
expect 1 "keep-going" -- cpc-verify --signer dev.pub --keep-going t.ndjson
[ "$(wc -l < out.txt)" = 3 ] || fail "keep-going prints the 3 valid records"
{ head -n 1 s.ndjson; echo '{"type":"cpc/signed",'; } > m.ndjson
expect 2 "malformed JSON" -- cpc-verify m.ndjson
expect_err_contains "line 2:"
printf '{"type":"cpc/public-key"}\n' > w.ndjson
expect 2 "wrong record type" -- cpc-verify w.ndjson
jq -c '.sig = "zz"' s.ndjson | head -n 1 > h.ndjson
expect 2 "bad hex" -- cpc-verify h.ndjson
jq -c '.extra = 1' s.ndjson | head -n 1 > x.ndjson
expect 2 "unknown field" -- cpc-verify x.ndjson
printf '{"a":1,"a":2}\n' > dup.ndjson
expect 2 "duplicate keys refused when signing" -- cpc-sign -k dev.key dup.ndjson
expect_err_contains "line 1:"
printf '{"a":1}\nnot json\n' > bad.ndjson
expect 2 "malformed input to sign" -- cpc-sign -k dev.key bad.ndjson -o signed.out
expect_absent signed.out
expect 1 "failed verify leaves no -o file" -- cpc-verify --signer dev.pub t.ndjson -o verified.out
expect_absent verified.out

# Detached signatures: plain RFC 8032 over the file's bytes.
head -c 100000 /dev/urandom > blob
: > empty
for f in blob empty; do
  expect 0 "detached sign $f" -- cpc-sign -k dev.key --detached "$f"
  cp out.txt "$f.sig"
  expect 0 "detached verify $f" -- cpc-verify --detached "$f" --sig "$f.sig" --signer dev.pub
  python3 - "$f" "$f.sig" <<'PY' || fail "Python cryptography rejects the detached signature of $f"
import json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
data = open(sys.argv[1], "rb").read()
rec = json.load(open(sys.argv[2]))
assert rec["type"] == "cpc/signature"
Ed25519PublicKey.from_public_bytes(bytes.fromhex(rec["signer"])).verify(bytes.fromhex(rec["sig"]), data)
PY
done
# And the other way round: a signature made by Python verifies with cpc-verify.
python3 - > py.sig <<'PY' || fail "python signing"
import json
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
k = Ed25519PrivateKey.generate()
pub = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
print(json.dumps({"type": "cpc/signature", "signer": pub.hex(), "sig": k.sign(open("blob", "rb").read()).hex()}))
PY
expect 0 "python signature verifies" -- cpc-verify --detached blob --sig py.sig --signer "$(jq -r .signer py.sig)"
printf x >> blob
expect 1 "detached over modified file" -- cpc-verify --detached blob --sig blob.sig --signer dev.pub
expect 2 "detached without --sig" -- cpc-verify --detached blob
expect 2 "detached signing needs a file" -- cpc-sign -k dev.key --detached
finish
