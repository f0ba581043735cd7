# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# Sourced by the example scripts: a scratch directory, and a node to talk to.
#   example_node         — uses the node at $CPC_NODE (default: the embedded default,
#                          http://127.0.0.1:7400) when one answers; otherwise starts
#                          `cpc-node` with no flags — a single-node network with its data in
#                          ./.cpc of the scratch directory — and stops it at exit.
#   example_node_genesis — starts a node of its own on a free port with the genesis file
#                          given (for examples that need funded accounts).
# Needs the cpc-* tools, curl and jq on PATH (scripts/demo.sh builds the tools).
set -euo pipefail
EX_WORK=$(mktemp -d "${TMPDIR:-/tmp}/cpc-example.XXXXXX")
EX_PID=""
ex_cleanup() {
  if [ -n "$EX_PID" ]; then
    kill "$EX_PID" 2> /dev/null || true
    wait "$EX_PID" 2> /dev/null || true
  fi
  rm -rf "$EX_WORK"
}
trap ex_cleanup EXIT
cd "$EX_WORK"

# URL: waits until the node answers, its chain has a block and its own node record is on
# chain (node.register: only registered nodes are offered as proxies, docs/peer-auth.md §6).
ex_wait_up() {
  local i id=""
  for i in $(seq 1 300); do
    if [ "$(curl -sf --max-time 2 "$1/v1/chain/status" 2> /dev/null | jq -r .height 2> /dev/null)" -ge 1 ] 2> /dev/null; then
      [ -n "$id" ] || id=$(curl -sf --max-time 2 "$1/v1/status" | jq -r .id)
      curl -sf --max-time 2 -o /dev/null "$1/v1/nodes/$id" && return 0
    fi
    if [ -n "$EX_PID" ] && ! kill -0 "$EX_PID" 2> /dev/null; then
      echo "cpc-node exited: $(tail -n 3 node.log)" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "no node answered at $1" >&2
  return 1
}

example_node() {
  if [ -n "${CPC_NODE:-}" ]; then
    curl -sf --max-time 2 "$CPC_NODE/v1/status" > /dev/null 2>&1 ||
      { echo "no node answers at CPC_NODE=$CPC_NODE" >&2; exit 1; }
    echo "(using the node at $CPC_NODE)"
    return 0
  fi
  export CPC_NODE=http://127.0.0.1:7400
  if curl -sf --max-time 2 "$CPC_NODE/v1/status" > /dev/null 2>&1; then
    echo "(using the node at $CPC_NODE)"
    return 0
  fi
  cpc-node 2> node.log &
  EX_PID=$!
  ex_wait_up "$CPC_NODE"
  echo "(started a single-node network: cpc-node, data in ./.cpc, API $CPC_NODE)"
}

example_node_genesis() {  # GENESIS NODE_KEY
  local port=7410
  while (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((port + 1)); done
  export CPC_NODE="http://127.0.0.1:$port"
  cpc-node --data-dir node --listen "127.0.0.1:$port" --genesis "$1" -k "$2" 2> node.log &
  EX_PID=$!
  ex_wait_up "$CPC_NODE"
  echo "(started a single-node network on $CPC_NODE with its own genesis)"
}

# balance PUBFILE: the account's committed balance.
balance() { curl -sf "$CPC_NODE/v1/accounts/$(jq -r .sign "$1")" | jq -r .balance; }

# keys NAME…: a key pair NAME.key / NAME.pub for each.
keys() {
  local n
  for n in "$@"; do
    cpc-keygen -o "$n.key"
    cpc-keygen --public -k "$n.key" > "$n.pub"
  done
}
