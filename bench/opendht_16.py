# SPDX-License-Identifier: Apache-2.0
# OpenDHT side of the storage-node comparison (docs/benchmarks.md "Storage node"): 16
# OpenDHT nodes on loopback (Debian python3-opendht, all in this process, each with its own
# network thread), then one client loop that puts and gets 1 KiB values through random
# nodes, timing each blocking call. Prints median and p95 like bench/node_load.
#   /usr/bin/python3 bench/opendht_16.py [SECONDS] [BASE_PORT]
import os, random, statistics, sys, time

import opendht as dht

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
base = int(sys.argv[2]) if len(sys.argv) > 2 else 41000
nodes = []
for i in range(16):
    r = dht.DhtRunner()
    r.run(port=base + i)
    if i:
        r.bootstrap("127.0.0.1", str(base))
    nodes.append(r)
time.sleep(3)  # let the routing tables fill

def pct(xs, q):
    xs = sorted(xs)
    return xs[int(q * (len(xs) - 1))] if xs else 0.0

keys, put_ms, get_ms, errors = [], [], [], 0
end = time.time() + seconds
while time.time() < end:
    key = dht.InfoHash.getRandom()
    t0 = time.perf_counter()
    ok = random.choice(nodes).put(key, dht.Value(os.urandom(1024)))
    put_ms.append((time.perf_counter() - t0) * 1000)
    if ok:
        keys.append(key)
    else:
        errors += 1
print("put  %8d ops in %.1f s: %8.0f/s  median %.2f ms  p95 %.2f ms  errors %d" %
      (len(put_ms), seconds, len(put_ms) / seconds, pct(put_ms, 0.5), pct(put_ms, 0.95), errors))
errors = 0
end = time.time() + seconds
i = 0
while time.time() < end and keys:
    key = keys[i % len(keys)]
    i += 1
    t0 = time.perf_counter()
    vals = random.choice(nodes).get(key)
    get_ms.append((time.perf_counter() - t0) * 1000)
    if not vals:
        errors += 1
print("get  %8d ops in %.1f s: %8.0f/s  median %.2f ms  p95 %.2f ms  errors %d" %
      (len(get_ms), seconds, len(get_ms) / seconds, pct(get_ms, 0.5), pct(get_ms, 0.95), errors))
for r in nodes:
    r.join()
