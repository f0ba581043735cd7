#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cross-checks cpc::unixfs against the IPFS project's own importer (docs/architecture.md §3,
# docs/cid.md): for the same pseudo-random bytes, bench/cpc_unixfs_cid must print the root
# CID that npm ipfs-unixfs-importer computes with `ipfs add --cid-version=1 --raw-leaves
# --chunker=size-1048576` settings. Sizes cover the single raw leaf (0 B, 1 B, 1 MiB), the
# first node (1 MiB + 1) and two levels of nodes (200 MiB = 200 leaves > 174).
#
# The importer is installed once with npm into $CPC_BUILD/npm-unixfs. Without node, npm or
# the registry the test FAILS (it does not skip): the contract it checks is the point.
set -euo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

: "${CPC_BUILD:?CPC_BUILD must name the build directory}"
: "${CPC_SRC:?CPC_SRC must name the source directory}"
driver="$CPC_BUILD/bench/cpc_unixfs_cid"
[[ -x "$driver" ]] || fail "$driver not built"
command -v node >/dev/null || fail "node not found: install Node.js (>= 18) to run this test"
command -v npm >/dev/null || fail "npm not found: install npm to run this test"

npm_dir="$CPC_BUILD/npm-unixfs"
mkdir -p "$npm_dir"
exec 9>"$npm_dir.lock"  # tests/cluster/feature_single_node.sh installs it too
flock 9
if [[ ! -f "$npm_dir/.installed" ]]; then
  rm -rf "$npm_dir/node_modules"
  echo '{"name": "cpc-unixfs-compat", "private": true}' >"$npm_dir/package.json"
  if ! (cd "$npm_dir" && npm install --no-audit --no-fund --no-save \
        ipfs-unixfs-importer@^17 >"$npm_dir/install.log" 2>&1); then
    cat "$npm_dir/install.log" >&2
    fail "npm install ipfs-unixfs-importer failed (log above, $npm_dir/install.log);" \
      "this test needs the npm registry or a pre-filled $npm_dir"
  fi
  touch "$npm_dir/.installed"
fi
# Node resolves ESM imports next to the script, so the script runs from the npm directory.
cp "$CPC_SRC/tests/cli/unixfs_importer.mjs" "$npm_dir/"
flock -u 9
importer() { (cd "$npm_dir" && node unixfs_importer.mjs "$@"); }

work=$(mktemp -d "${TMPDIR:-/tmp}/cpc-unixfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
check() {  # check SIZE SEED [CHUNK LINKS]
  local size=$1 seed=$2 chunk=${3:-1048576} links=${4:-174} ours theirs
  importer gen "$size" "$seed" "$work/data"
  ours=$("$driver" --chunk-size "$chunk" --max-links "$links" "$work/data") ||
    fail "cpc_unixfs_cid failed on $size bytes"
  theirs=$(importer cid "$work/data" "$chunk" "$links") || fail "importer failed on $size bytes"
  if [[ "$ours" == "$theirs" && "$ours" == b* ]]; then
    echo "ok   $size bytes (chunk $chunk, $links links): $ours"
  else
    echo "FAIL $size bytes (chunk $chunk, $links links): cpc $ours, importer $theirs" >&2
    failures=$((failures + 1))
  fi
}

check 0 1
check 1 2
check 1048576 3
check $((1048576 + 1)) 4
check $((200 * 1048576)) 5
check 1000000 6 1000 174  # 1000 leaves of 1000 bytes: two levels, quickly
check 100000 7 100 3      # fan-out 3: six levels of nodes

[[ $failures -eq 0 ]] || fail "$failures root CID(s) differ from ipfs-unixfs-importer"
echo "all root CIDs match ipfs-unixfs-importer"
