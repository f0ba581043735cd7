#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpchain's re-encryption against the reference implementation, side by side on this
# machine: bench/cpc_pre_bench --machine and @nucypher/umbral-pre (npm, rust-umbral as
# WebAssembly, run by node) time the same operations; the table shows µs and our time as
# a fraction of theirs (target: <= 0.50). Each side runs twice, interleaved; the faster run
# counts (other load on the machine only ever slows a run down).
#   bench/pre_vs_umbral.sh [BUILD_DIR]      (default: build)
# umbral-pre is installed once into $CPC_CACHE_DIR/npm/umbral (default BUILD_DIR/npm/umbral).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${CPC_BUILD:-$src/build}}" && pwd)
dir="${CPC_CACHE_DIR:-$build}/npm/umbral"
bench="$build/bench/cpc_pre_bench"
[ -x "$bench" ] || { echo "pre_vs_umbral: build first: missing $bench" >&2; exit 2; }
if [ ! -f "$dir/node_modules/@nucypher/umbral-pre/package.json" ]; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund @nucypher/umbral-pre@0.10 >"$dir/install.log" 2>&1) ||
    { echo "pre_vs_umbral: npm install @nucypher/umbral-pre@0.10 failed (see $dir/install.log)" >&2; exit 3; }
fi
cp "$src/bench/umbral_bench.mjs" "$dir/umbral_bench.mjs"
version=$(node -p "require('$dir/node_modules/@nucypher/umbral-pre/package.json').version")

ours=$(mktemp) theirs=$(mktemp)
trap 'rm -f "$ours" "$theirs"' EXIT
for _ in 1 2; do
  "$bench" --machine >>"$ours"
  (cd "$dir" && node umbral_bench.mjs) >>"$theirs"
done

echo "cpchain $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs @nucypher/umbral-pre $version (node $(node --version)), $(nproc) CPU, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-26s %12s %12s %8s\n' operation "cpchain µs" "umbral µs" ratio
awk 'FNR == NR { if (!($1 in a) || $2 < a[$1]) a[$1] = $2; next }
     { if (!($1 in b) || $2 < b[$1]) b[$1] = $2 }
     END {
       n = split("encrypt_1k kfrags_3of5 kfrag_check reencrypt reencrypt_from_bytes reencrypt_batched verify_cfrag decrypt_3cfrags decrypt_3cfrags_noverify", ops, " ")
       for (i = 1; i <= n; i++) {
         o = ops[i]; ref = (o == "reencrypt_batched") ? "reencrypt" : o
         mine = (o == "decrypt_3cfrags_noverify") ? "decrypt_3cfrags" : o
         if (o == "reencrypt_from_bytes") mine = "reencrypt"
         if (!(mine in a) || !(ref in b)) continue
         printf "%-26s %12.1f %12.1f %8.2f\n", o, a[mine], b[ref], a[mine] / b[ref]
       }
     }' "$ours" "$theirs"
echo "(kfrag_check: once per kfrag on both sides; reencrypt: a kfrag already checked, both sides,"
echo " ours checks the capsule (s·G = V + h·E) per call, umbral's takes a capsule checked once;"
echo " reencrypt_from_bytes: ours against umbral's Capsule.fromBytes (which checks it) + reencrypt;"
echo " reencrypt_batched: ours over a span of 16 capsules, against umbral's reencrypt;"
echo " decrypt_3cfrags_noverify: our decrypt, which always verifies, against umbral's decrypt without verification)"

# Per record in a --records stream, through the tools (docs/cli.md), against the same umbral
# operations: N records of ~1 KiB, each tool run PRE_RUNS (3) times after the in-process runs
# above; µs per record = wall time / N (process start-up included, amortised).
tools="$build/tools"
N=${PRE_RECORDS:-2000}
w=$(mktemp -d)
trap 'rm -f "$ours" "$theirs"; rm -rf "$w"' EXIT
(
  cd "$w"
  "$tools/cpc-keygen" -o o.key && "$tools/cpc-keygen" --public -k o.key > o.pub
  "$tools/cpc-keygen" -o g.key && "$tools/cpc-keygen" --public -k g.key > g.pub
  python3 -c "
import json, random
r = random.Random(1)
for i in range($N):
    print(json.dumps({'i': i, 'data': ''.join(r.choice('abcdefghij') for _ in range(1000))}))" > recs.ndjson
)
us() {  # us CMD…: µs per record of the fastest of PRE_RUNS (default 3) runs
  local best=0 t0 t1 d
  for _ in $(seq "${PRE_RUNS:-3}"); do
    t0=$(date +%s%N)
    (cd "$w" && "$@")
    t1=$(date +%s%N)
    d=$(((t1 - t0) / 1000))
    if [ "$best" = 0 ] || [ "$d" -lt "$best" ]; then best=$d; fi
  done
  awk -v d="$best" -v n="$N" 'BEGIN { printf "%.1f", d / n }'
}
enc=$(us sh -c "'$tools/cpc-encrypt' --to o.pub --records recs.ndjson > recs.sealed")
(cd "$w" && "$tools/cpc-reencrypt" grant -k o.key --to g.pub -t 3 -n 5 > kfrags && split -l 1 -d kfrags kf.)
re=$(us sh -c "'$tools/cpc-reencrypt' --kfrag kf.00 recs.sealed > c0")
# The proxy splits each batch over two threads when it has a second core (crypto.md §5.2);
# the same pinned to one CPU shows what one core does.
if command -v taskset >/dev/null; then
  re1=$(us taskset -c 0 sh -c "'$tools/cpc-reencrypt' --kfrag kf.00 recs.sealed > c0")
else
  re1=$re
fi
(cd "$w" && "$tools/cpc-reencrypt" --kfrag kf.01 recs.sealed > c1 && "$tools/cpc-reencrypt" --kfrag kf.02 recs.sealed > c2)
ver=$(us sh -c "'$tools/cpc-verify' --cfrag c0 --from o.pub --to g.pub recs.sealed > /dev/null")
dec=$(us sh -c "'$tools/cpc-encrypt' -d -k g.key --from o.pub --cfrag c0 --cfrag c1 --cfrag c2 recs.sealed > out.ndjson")
cmp -s "$w/out.ndjson" "$w/recs.ndjson" || { echo "pre_vs_umbral: the grantee's records differ" >&2; exit 1; }
echo
echo "per record in a --records stream of $N records of ~1 KiB (tools, fastest of ${PRE_RUNS:-3} runs):"
printf '%-26s %12s %12s %8s\n' operation "cpchain µs" "umbral µs" ratio
awk -v enc="$enc" -v re="$re" -v re1="$re1" -v ver="$ver" -v dec="$dec" '
     { if (!($1 in b) || $2 < b[$1]) b[$1] = $2 }
     END {
       printf "%-26s %12.1f %12.1f %8.2f\n", "encrypt (cpc-encrypt)", enc, b["encrypt_1k"], enc / b["encrypt_1k"]
       printf "%-26s %12.1f %12.1f %8.2f\n", "reencrypt (cpc-reencrypt)", re, b["reencrypt"], re / b["reencrypt"]
       printf "%-26s %12.1f %12.1f %8.2f\n", " vs fromBytes + reencrypt", re, b["reencrypt_from_bytes"], re / b["reencrypt_from_bytes"]
       printf "%-26s %12.1f %12.1f %8.2f\n", " one thread (taskset -c 0)", re1, b["reencrypt"], re1 / b["reencrypt"]
       printf "%-26s %12.1f %12.1f %8.2f\n", "verify cfrag (cpc-verify)", ver, b["verify_cfrag"], ver / b["verify_cfrag"]
       printf "%-26s %12.1f %12.1f %8.2f\n", "decrypt, 3 cfrags", dec, b["decrypt_3cfrags"], dec / b["decrypt_3cfrags"]
     }' "$theirs"
echo "(decrypt, 3 cfrags: the grantee verifies the 3 cfrags and opens, as umbral's 3 verify + decrypt)"
