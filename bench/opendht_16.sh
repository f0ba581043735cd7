#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# 16-node OpenDHT network on loopback, 1 KiB put/get latency through random nodes, next to
# the 16-node cpc-node figures of bench/node_bench.sh (docs/benchmarks.md "Storage node").
# Needs Debian's python3-opendht (installed when absent and root).
set -euo pipefail
if ! /usr/bin/python3 -c 'import opendht' 2> /dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-opendht > /dev/null
  else
    echo "install python3-opendht first (sudo apt-get install python3-opendht)" >&2
    exit 3
  fi
fi
exec /usr/bin/python3 "$(dirname "$0")/opendht_16.py" "${SECONDS_PER_RUN:-10}" "${1:-41000}"
