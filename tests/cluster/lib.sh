# SPDX-License-Identifier: Apache-2.0
# Shared by the cluster tests (sourced): starts real cpc-node processes on 127.0.0.1 with
# free ports and temporary data directories, and kills every process it started, by PID,
# when the test exits however it exits (bitcoin's test/functional framework, docs/architecture.md §6).
set -euo pipefail
: "${CPC_BIN:?CPC_BIN must point at the built tools}"
export PATH="$CPC_BIN:$PATH"
unset CPC_NODE
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cpc-cluster.XXXXXX")
PIDS=()
FAILS=0

cleanup() {
  local rc=$? pid log live
  # Only processes that are still our own unreaped children: a PID that was waited for
  # earlier (a node stopped and restarted) may belong to another process by now — the
  # randomized fault runs, two clusters side by side, once lost a node of one cluster to
  # the other's cleanup that way.
  live=" $(jobs -p | tr '\n' ' ') "
  for pid in "${PIDS[@]}"; do
    if [[ $live == *" $pid "* ]]; then kill -9 "$pid" 2> /dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  # A failed run shows the end of every node's log, so that CI output explains it.
  if [ "$rc" -ne 0 ] || [ "$FAILS" -ne 0 ]; then
    for log in "$WORK"/*.log; do
      [ -f "$log" ] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 40 "$log" >&2
    done
  fi
  if [ -n "${CPC_KEEP_WORK:-}" ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
finish() {
  if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}

# free_port: sets FREE_PORT to a TCP port on 127.0.0.1 that nothing listens on, from a base
# derived from the PID so that tests running in parallel rarely probe the same ports. (Not
# meant for $(…): the next call must see the ports already handed out.)
# Below 32768, where Linux never hands out ephemeral (client) ports; 40 ports per test.
NEXT_PORT=$((20000 + ($$ % 300) * 40))
free_port() {
  while (echo > "/dev/tcp/127.0.0.1/$NEXT_PORT") 2> /dev/null; do NEXT_PORT=$((NEXT_PORT + 1)); done
  FREE_PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

# start_node NAME PORT [FLAGS…]: starts cpc-node with data in $WORK/NAME, listening on PORT;
# waits until it answers /v1/status. Sets NODE_PID; the PID is also kept for cleanup.
start_node() {
  local name=$1 port=$2
  shift 2
  cpc-node --data-dir "$WORK/$name" --listen "127.0.0.1:$port" "$@" \
    2>> "$WORK/$name.log" &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  local i
  for i in $(seq 1 1200); do
    # Our node, not another that holds the port: its start-up line names the port.
    if grep -q "listening on http://127.0.0.1:$port," "$WORK/$name.log" 2> /dev/null &&
      curl -sf "http://127.0.0.1:$port/v1/status" > /dev/null 2>&1; then return 0; fi
    kill -0 "$NODE_PID" 2> /dev/null || { cat "$WORK/$name.log" >&2; fail "node $name died at start"; return 1; }
    sleep 0.05
  done
  fail "node $name did not answer within 60 s"
  return 1
}

# stop_node PID [SIGNAL]: sends the signal (TERM by default) and waits for the exit.
stop_node() {
  kill "-${2:-TERM}" "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
}

# gen_file PATH SIZE SEED: deterministic pseudo-random bytes.
gen_file() {
  python3 - "$1" "$2" "$3" << 'PY'
import random, sys
path, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
with open(path, "wb") as f:
    left = size
    while left:
        n = min(left, 1 << 20)
        f.write(r.randbytes(n))
        left -= n
PY
}
