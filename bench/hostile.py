#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Hostile clients against one cpc-node (docs/reliability.md "Hostile clients"), measured:
#  1. latency of GET /v1/status alone, then with 300 idle connections and 300 slow-loris
#     connections (one header byte per second) open — the difference must stay < 100 ms;
#  2. a request announcing a 300 MB body: how many bytes the node reads before its 413;
#  3. a flood: 8 threads posting 1 MiB bodies of garbage to /v1/blobs/… for 20 s, the
#     node's peak RSS (VmHWM) before and after.
# Usage: bench/hostile.py CPC_NODE_BINARY   (starts and kills its own node, 127.0.0.1 only)
import os, signal, socket, statistics, subprocess, sys, tempfile, threading, time

node_bin = sys.argv[1]
work = tempfile.mkdtemp(prefix="cpc-hostile.")
port = 23000 + os.getpid() % 2000
proc = subprocess.Popen([node_bin, "--data-dir", work + "/d", "--listen", f"127.0.0.1:{port}"],
                        stderr=open(work + "/node.log", "w"))


def rss_kib(kind="VmHWM"):
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith(kind + ":"):
                return int(line.split()[1])
    return -1


def status_ms():
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 200"), data[:80]
    return (time.perf_counter() - t) * 1e3


def sample(n=60):
    xs = [status_ms() for _ in range(n)]
    xs.sort()
    return statistics.median(xs), xs[int(0.95 * len(xs)) - 1], xs[-1]


try:
    for _ in range(200):
        try:
            status_ms()
            break
        except OSError:
            time.sleep(0.05)
    base = sample()
    print(f"alone:                      median {base[0]:.2f} ms, p95 {base[1]:.2f} ms, max {base[2]:.2f} ms")

    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
    loris = []
    for _ in range(300):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\n")
        loris.append(s)
    stop = threading.Event()

    def drip():
        while not stop.is_set():
            for s in loris:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
            time.sleep(1)

    t = threading.Thread(target=drip)
    t.start()
    time.sleep(1)
    busy = sample()
    print(f"with 300 idle + 300 slow-loris connections: median {busy[0]:.2f} ms, p95 {busy[1]:.2f} ms, max {busy[2]:.2f} ms"
          f" (median +{busy[0] - base[0]:.2f} ms, p95 +{busy[1] - base[1]:.2f} ms)")
    stop.set()
    t.join()
    for s in idle + loris:
        s.close()

    # A 300 MB body announced: send headers, then stream until the node answers or closes.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"PUT /v1/blobs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy HTTP/1.1\r\n"
              b"Host: x\r\nContent-Length: 314572800\r\n\r\n")
    sent, answer, chunk = 0, b"", b"\0" * 65536
    s.setblocking(False)
    t0 = time.perf_counter()
    while sent < 314572800 and time.perf_counter() - t0 < 30:
        try:
            answer += s.recv(4096)
            if answer:
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.001)
        except OSError:
            break
    s.setblocking(True)
    s.settimeout(5)
    try:
        answer += s.recv(4096)
    except OSError:
        pass
    line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    print(f"300 MB body announced: answer {line!r} after {sent / 1e6:.2f} MB sent by the client "
          f"(socket buffers included), {(time.perf_counter() - t0) * 1e3:.0f} ms")
    s.close()

    # Flood: 8 threads posting 1 MiB of garbage to /v1/blobs/<cid> for 20 s.
    before = rss_kib("VmRSS")
    body = os.urandom(1 << 20)
    counts = [0] * 8
    stop = threading.Event()

    def flood(i):
        while not stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.sendall(b"PUT /v1/blobs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy HTTP/1.1\r\n"
                          b"Host: x\r\nConnection: close\r\nContent-Length: 1048576\r\n\r\n" + body)
                s.recv(4096)
                s.close()
                counts[i] += 1
            except OSError:
                pass

    threads = [threading.Thread(target=flood, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    peak = 0
    for _ in range(20):
        time.sleep(1)
        peak = max(peak, rss_kib("VmRSS"))
    stop.set()
    for th in threads:
        th.join()
    after = sample(20)
    print(f"flood: {sum(counts)} requests of 1 MiB in 20 s; node RSS {before / 1024:.1f} MiB before, "
          f"peak {peak / 1024:.1f} MiB during (VmHWM {rss_kib() / 1024:.1f} MiB); "
          f"status afterwards median {after[0]:.2f} ms")
    assert proc.poll() is None, "the node died"
finally:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    subprocess.run(["rm", "-rf", work])
