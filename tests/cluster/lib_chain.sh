# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# Chain helpers for the cluster tests (sourced after lib.sh): chain status polling with a
# deadline, transaction submission through the API, and the signed test transactions of
# chain_tx_tool (a test helper built in CPC_BUILD/tests).
: "${CPC_BUILD:?CPC_BUILD must name the build directory}"
export TXTOOL="$CPC_BUILD/tests/chain_tx_tool"

# chain_height URL: the node's committed height, or -1 when it does not answer.
chain_height() {
  local h
  h=$(curl -sf --max-time 5 "$1/v1/chain/status" 2> /dev/null | jq -r .height 2> /dev/null) || h=-1
  [[ $h =~ ^[0-9]+$ ]] || h=-1
  echo "$h"
}

# wait_height URL HEIGHT SECONDS: waits until the node has committed HEIGHT; 1 on timeout.
wait_height() {
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(chain_height "$1")" -ge "$2" ] && return 0
    sleep 0.2
  done
  return 1
}

# submit URL RECORD: POST /v1/tx; sets HTTP_CODE and REPLY (the JSON answer).
# shellcheck disable=SC2034  # read by the sourcing test
submit() {
  REPLY=$(curl -s --max-time 10 -o - -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "$2" "$1/v1/tx")
  HTTP_CODE=${REPLY##*$'\n'}
  REPLY=${REPLY%$'\n'*}
}

# wait_tx URL ID SECONDS: waits until the transaction is committed; 1 on timeout.
wait_tx() {
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(curl -sf --max-time 5 "$1/v1/tx/$2" 2> /dev/null | jq -r .status 2> /dev/null)" = committed ] && return 0
    sleep 0.2
  done
  return 1
}

# wait_registered URL SECONDS NODE_URL…: waits until the node at URL holds, on its committed
# chain, the node record (node.register, docs/peer-auth.md §6) of each NODE_URL's node — a
# node is offered as a proxy only from then on; 1 on timeout.
wait_registered() {
  local url=$1 deadline=$((SECONDS + $2)) node id
  shift 2
  for node in "$@"; do
    id=""
    while [ "$SECONDS" -lt "$deadline" ]; do
      [ -n "$id" ] || id=$(curl -sf --max-time 5 "$node/v1/status" 2> /dev/null | jq -r .id 2> /dev/null) || id=""
      [ -n "$id" ] && curl -sf --max-time 5 -o /dev/null "$url/v1/nodes/$id" 2> /dev/null && break
      sleep 0.2
    done
    [ "$SECONDS" -lt "$deadline" ] || return 1
  done
  return 0
}
