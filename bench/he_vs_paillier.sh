#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpchain's homomorphic encryption (exponential ElGamal on ristretto255, crypto.md §5.5)
# against paillier-bigint (npm, 2048-bit keys, run by node), side by side on this machine,
# on the same sum: N = 10,000 readings of 16-bit values encrypted, added homomorphically,
# the total decrypted. Ours is measured in process (bench/cpc_he_bench) and through the
# tools (cpc-encrypt --he, --sum, -d); theirs in process (bench/paillier_bench.mjs).
# Each side runs twice, interleaved; the faster run counts (load only ever slows a run).
# Prints a markdown table; "ratio" is our rate divided by theirs (> 1: we are faster).
#   bench/he_vs_paillier.sh [BUILD_DIR] [--no-header]       (default BUILD_DIR: build)
# paillier-bigint is installed once into $CPC_CACHE_DIR/npm/paillier (default
# BUILD_DIR/npm/paillier) with `npm install --no-audit --no-fund`.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
header=1
args=()
for a in "$@"; do
  if [ "$a" = --no-header ]; then header=0; else args+=("$a"); fi
done
build=$(cd "${args[0]:-${CPC_BUILD:-$src/build}}" && pwd)
dir="${CPC_CACHE_DIR:-$build}/npm/paillier"
bench="$build/bench/cpc_he_bench"
tools="$build/tools"
n=${BENCH_HE_N:-10000}
pool=${BENCH_HE_POOL:-32}
for f in "$bench" "$tools/cpc-encrypt" "$tools/cpc-keygen"; do
  [ -x "$f" ] || { echo "he_vs_paillier: build first: missing $f" >&2; exit 2; }
done
command -v node > /dev/null && command -v npm > /dev/null ||
  { echo "he_vs_paillier: node and npm are needed (scripts/common.sh cpc_install_node)" >&2; exit 3; }
if [ ! -f "$dir/node_modules/paillier-bigint/package.json" ]; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund paillier-bigint@3 > "$dir/install.log" 2>&1) ||
    { echo "he_vs_paillier: npm install paillier-bigint@3 failed (see $dir/install.log)" >&2; exit 3; }
fi
cp "$src/bench/paillier_bench.mjs" "$dir/paillier_bench.mjs"
version=$(node -p "require('$dir/node_modules/paillier-bigint/package.json').version")

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
enc="$tools/cpc-encrypt"
"$tools/cpc-keygen" -o "$w/k.key" && "$tools/cpc-keygen" --public -k "$w/k.key" > "$w/k.pub"
# The same readings as both drivers: v_i = (40503·i + 12345) mod 65536.
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) print (40503 * i + 12345) % 65536 }' > "$w/r.txt"
expected=$(awk '{ s += $1 } END { printf "%d", s }' "$w/r.txt")
"$enc" -d -k "$w/k.key" < /dev/null > /dev/null 2>&1 || true  # warm the decryption table cache

secs() {  # wall-clock seconds of a shell command line
  local t0 t1
  t0=$(date +%s.%N)
  bash -c "$1" > /dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
ours="$w/ours" theirs="$w/theirs" cli="$w/cli"
for _ in 1 2; do
  "$bench" "$n" "$pool" >> "$ours"
  (cd "$dir" && node paillier_bench.mjs "$n" "$pool" 2048) >> "$theirs"
  te=$(secs "'$enc' --he --to '$w/k.pub' '$w/r.txt' > '$w/r.he'")
  ts=$(secs "'$enc' --sum '$w/r.he' > '$w/t.he'")
  td=$(secs "for i in 1 2 3 4 5 6 7 8 9 10; do '$enc' -d -k '$w/k.key' '$w/t.he'; done")
  tsd=$(secs "'$enc' --sum '$w/r.he' | '$enc' -d -k '$w/k.key'")
  got=$("$enc" -d -k "$w/k.key" "$w/t.he")
  [ "$got" = "$expected" ] || { echo "he_vs_paillier: cpc-encrypt total $got, expected $expected" >&2; exit 1; }
  echo "encrypt_per_s $(echo "$n / $te" | bc -l)" >> "$cli"
  echo "add_per_s $(echo "($n - 1) / $ts" | bc -l)" >> "$cli"
  echo "decrypt_total_per_s $(echo "10 / $td" | bc -l)" >> "$cli"
  echo "sum_decrypt_per_s $(echo "1 / $tsd" | bc -l)" >> "$cli"
done

if [ "$header" = 1 ]; then
  echo "cpchain $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs paillier-bigint $version (2048-bit, node $(node --version)), N = $n readings of 16 bits (pool $pool), $(nproc) CPU, load $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo "| benchmark | cpchain | reference | ratio | target |"
  echo "|---|---|---|---|---|"
fi
# Best (highest) rate of each name per side.
awk -v n="$n" '
  FILENAME ~ /ours$/   { if ($2 > o[$1]) o[$1] = $2; next }
  FILENAME ~ /theirs$/ { if ($2 > t[$1]) t[$1] = $2; next }
                       { if ($2 > c[$1]) c[$1] = $2 }
  function row(label, mine, ref) {
    printf "| %s | %.1f | paillier-bigint %.1f | %.2f | (report) |\n", label, mine, ref, mine / ref
  }
  END {
    row("HE encrypt one 16-bit reading, in process (/s)", o["encrypt_per_s"], t["encrypt_per_s"])
    row("HE encrypt, cpc-encrypt --he over " n " readings (/s)", c["encrypt_per_s"], t["encrypt_per_s"])
    row("homomorphic addition, in process: he::sum (/s)", o["add_per_s"], t["add_per_s"])
    row("homomorphic addition, in process: pairwise he::add (/s)", o["add_pairwise_per_s"], t["add_per_s"])
    row("homomorphic addition, cpc-encrypt --sum over " n " records (/s)", c["add_per_s"], t["add_per_s"])
    row("decrypt the total, in process (/s)", o["decrypt_total_per_s"], t["decrypt_total_per_s"])
    row("decrypt the total, cpc-encrypt -d, one process each (/s)", c["decrypt_total_per_s"], t["decrypt_total_per_s"])
    row("whole sum: " n - 1 " additions + decrypt, in process (sums/s)", o["sum_decrypt_per_s"], t["sum_decrypt_per_s"])
    row("whole sum: cpc-encrypt --sum \\| cpc-encrypt -d (sums/s)", c["sum_decrypt_per_s"], t["sum_decrypt_per_s"])
  }' "$ours" "$theirs" "$cli"
