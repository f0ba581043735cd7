#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes the seed corpus of fuzz_node_api (tests/fuzz/corpus/node_api/): the request bodies
# of docs/node-api.md and the exact bodies HttpTransport sends (dht_http.cpp), each behind
# the selector byte of fuzz_node_api.cpp. Records are signed with a fresh Ed25519 key as
# docs/node-api.md §5 specifies (needs python3-cryptography).
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "node_api")
os.makedirs(out, exist_ok=True)
n = 0
def seed(sel, body):
    global n
    if isinstance(body, str): body = body.encode()
    with open(os.path.join(out, "seed%02d" % n), "wb") as f: f.write(bytes([sel]) + body)
    n += 1
def dump(v):  # nlohmann's dump(): no spaces
    return json.dumps(v, separators=(",", ":"))

rid = lambda s: hashlib.blake2b(s.encode(), digest_size=32).hexdigest()
me = {"id": rid("me"), "url": "http://127.0.0.1:7401"}
seed(0, dump({"target": rid("t"), "from": me}))
seed(0, dump({"target": rid("t")}))
seed(1, dump({"key": rid("k"), "from": me}))
seed(1, dump({"key": rid("k")}))
seed(2, dump({"from": me}))
seed(2, "{}")
seed(0, dump({"target": rid("t"), "from": {"id": "XY", "url": "ftp://x"}}))

def record(name, seq, value):
    sk = Ed25519PrivateKey.generate()
    pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = hashlib.blake2b(pk + name.encode(), digest_size=32).digest()
    sig = sk.sign(b"cpc/record/v1\n" + key + seq.to_bytes(8, "big") + value)
    r = {"name": name, "seq": seq, "sig": sig.hex(), "signer": pk.hex(), "type": "cpc/record",
         "value": base64.b64encode(value).decode()}
    return json.dumps(r, separators=(",", ":"), sort_keys=True)  # JCS for these fields
seed(3, record("sensor-7/latest", 42, b'{"temp":21.5}'))
seed(3, record("a", 0, b""))
seed(3, record("n\u00e9", 9007199254740991, os.urandom(300)))
seed(3, '{"type":"cpc/record"}')

seed(4, b"hello world")
# A dag-pb UnixFS File node with one link (cid.md §3): PBNode{Links:[PBLink{Hash,Tsize}],Data}
leaf = hashlib.sha256(b"hello world").digest()
link_cid = bytes([1, 0x55, 0x12, 0x20]) + leaf
pblink = bytes([0x0a, len(link_cid)]) + link_cid + bytes([0x18, 11])
unixfs = bytes([0x08, 0x02, 0x18, 11, 0x20, 11])  # Type=File, filesize=11, blocksizes=[11]
seed(4, bytes([0x12, len(pblink)]) + pblink + bytes([0x0a, len(unixfs)]) + unixfs)
seed(4, bytes([0x0a, 4, 0x08, 0x02, 0x18, 0]))  # an empty File node

seed(5, "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
seed(5, rid("record key"))
seed(5, "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG")

seed(6, dump({"contacts": [me, {"id": rid("b"), "url": "http://127.0.0.1:7402"}]}))
seed(7, dump({"has_value": True, "contacts": [me]}))
seed(7, dump({"has_value": False, "contacts": []}))
seed(8, dump({"id": rid("me")}))
print("wrote %d seeds to %s" % (n, out), file=sys.stderr)
