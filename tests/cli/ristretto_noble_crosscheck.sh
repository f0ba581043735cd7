#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cross-checks libcpc's ristretto255 arithmetic against an independent implementation,
# @noble/curves (pure JavaScript): bench/cpc_ristretto_crosscheck computes hash-to-group,
# scalar and base multiplications, additions and Lagrange combinations on fresh random
# inputs, and tests/cli/ristretto_noble.mjs recomputes every value with noble.
# noble (major version 2, whose API the .mjs uses) is installed with npm into
# $CPC_BUILD/npm/noble once (skipped when present). An
# install failure FAILS the test: the cross-check is not optional.
set -euo pipefail
: "${CPC_BUILD:?set CPC_BUILD to the build directory}" "${CPC_SRC:?set CPC_SRC to the source directory}"
driver="$CPC_BUILD/bench/cpc_ristretto_crosscheck"
dir="$CPC_BUILD/npm/noble"

fail() { echo "ristretto_noble_crosscheck: FAIL: $*" >&2; exit 1; }
[ -x "$driver" ] || fail "missing $driver (build the bench targets)"
command -v node >/dev/null || fail "node is not installed"
if [ ! -f "$dir/node_modules/@noble/curves/package.json" ]; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund @noble/curves@2 >"$dir/install.log" 2>&1) ||
    fail "npm install @noble/curves@2 failed (see $dir/install.log)"
fi
# ES modules resolve packages next to the script, so run a copy from the install directory.
cp "$CPC_SRC/tests/cli/ristretto_noble.mjs" "$dir/ristretto_noble.mjs"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$driver" 64 >"$tmp"
(cd "$dir" && node ristretto_noble.mjs check "$tmp") || fail "noble disagrees with libcpc"
# The committed vectors must still be what noble computes.
(cd "$dir" && node ristretto_noble.mjs generate) | cmp -s - "$CPC_SRC/tests/vectors/ristretto_noble.json" ||
  fail "tests/vectors/ristretto_noble.json differs from noble's output"
echo "ristretto_noble_crosscheck: ok"
