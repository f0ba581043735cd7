#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmarks of the foundation, side by side in one run (docs/benchmarks.md):
#   sign     cpc-sign / cpc-verify on 100,000 NDJSON readings vs raw libsodium
#   seal     seal + open 1 GiB through a pipe vs age, and vs raw secretstream
#   startup  process start-up vs /bin/true
#   pre      cpc-reencrypt over 10,000 sealed records vs the in-process figure (cpc_pre_bench),
#            and the grantee opening them with 2 proxies' cfrags
#   he       cpc-encrypt --he / --sum / -d on cpc/he records (10,000 numbers, 10^6 records)
#   paillier HE against paillier-bigint (npm, 2048-bit) on 10,000 16-bit readings: encrypt,
#            add, decrypt the total, in process and through the tools (bench/he_vs_paillier.sh)
# Usage: bench/run.sh [sign|seal|startup|pre|he|paillier]…   (default: all). BENCH_SEAL_MIB sets the size.
# Each pair is run alternately, three rounds, best of each, so a noisy neighbour hurts both
# sides alike. Prints a markdown table.
source "$(dirname "$0")/../scripts/common.sh"
cpc_install "${CPC_BUILD_PACKAGES[@]}" age hyperfine jq
cpc_build
B=$CPC_BUILD_DIR
export PATH="$B/tools:$PATH"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
sections=("$@")
[ ${#sections[@]} -eq 0 ] && sections=(sign seal startup pre he paillier)
rounds=${BENCH_ROUNDS:-3}

# secs CMD…: wall-clock seconds of one run of a shell command line.
secs() {
  local t0 t1
  t0=$(date +%s.%N)
  bash -c "$1" > /dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
min() { printf '%s\n' "$@" | sort -g | head -n 1; }
max() { printf '%s\n' "$@" | sort -g | tail -n 1; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

cpc-keygen -o k.key && cpc-keygen --public -k k.key > k.pub
echo "| benchmark | cpchain | reference | ratio | target |"
echo "|---|---|---|---|---|"

for section in "${sections[@]}"; do
  case $section in
  sign)
    awk 'BEGIN { srand(1); for (i = 0; i < 100000; i++)
      printf("{\"device\":\"thermo-17\",\"t\":%d,\"temp\":%.1f}\n", 1700000000 + 60 * i, 18 + 6 * rand()) }' > r.ndjson
    cpc-sign -k k.key r.ndjson > s.ndjson
    ls=(); lv=(); cs=(); cv=()
    for _ in $(seq "$rounds"); do
      read -r a b < <("$B/bench/cpc_sign_limit" r.ndjson)
      ls+=("$a"); lv+=("$b")
      cs+=("$(secs "cpc-sign -k k.key r.ndjson")")
      cv+=("$(secs "cpc-verify --signer k.pub s.ndjson")")
    done
    sign_rate=$(echo "100000 / $(min "${cs[@]}")" | bc -l)
    verify_rate=$(echo "100000 / $(min "${cv[@]}")" | bc -l)
    printf '| cpc-sign, 100k readings (records/s) | %.0f | libsodium %.0f | %s | ≥ 0.7 |\n' \
      "$sign_rate" "$(max "${ls[@]}")" "$(ratio "$sign_rate" "$(max "${ls[@]}")")"
    printf '| cpc-verify, 100k readings (records/s) | %.0f | libsodium %.0f | %s | ≥ 0.7 |\n' \
      "$verify_rate" "$(max "${lv[@]}")" "$(ratio "$verify_rate" "$(max "${lv[@]}")")"
    ;;
  seal)
    mib=${BENCH_SEAL_MIB:-1024}
    head -c $((mib << 20)) /dev/urandom > big
    age-keygen -o age.key 2> /dev/null
    rcpt=$(age-keygen -y age.key)
    cc=(); aa=(); raw=()
    for _ in $(seq "$rounds"); do
      cc+=("$(secs "cpc-encrypt --to k.pub < big | cpc-encrypt -d -k k.key > /dev/null")")
      aa+=("$(secs "age -r $rcpt < big | age -d -i age.key > /dev/null")")
      read -r push pull < <("$B/bench/cpc_secretstream_limit" "$mib")
      raw+=("$(echo "1 / (1 / $push + 1 / $pull)" | bc -l)")
    done
    ours=$(echo "$mib * 1.048576 / $(min "${cc[@]}")" | bc -l)
    theirs=$(echo "$mib * 1.048576 / $(min "${aa[@]}")" | bc -l)
    best_raw=$(max "${raw[@]}")
    printf '| seal + open %d MiB through a pipe (MB/s) | %.0f | age %.0f | %s | ≥ 1.0 |\n' \
      "$mib" "$ours" "$theirs" "$(ratio "$ours" "$theirs")"
    printf '| the same vs raw secretstream push+pull, one thread (MB/s) | %.0f | libsodium %.0f | %s | (report) |\n' \
      "$ours" "$best_raw" "$(ratio "$ours" "$best_raw")"
    rm -f big
    ;;
  startup)
    echo '{"t":1,"temp":21.5,"device":"thermo-17","site":"plant-4","unit":"C","note":"x"}' |
      cpc-sign -k k.key > one.ndjson
    hyperfine -N --warmup 20 --runs 300 --export-json h.json \
      /bin/true "cpc-verify --version" "cpc-verify --signer k.pub one.ndjson" > /dev/null 2>&1
    t_true=$(jq '.results[0].median * 1000' h.json)
    t_ver=$(jq '.results[1].median * 1000' h.json)
    t_one=$(jq '.results[2].median * 1000' h.json)
    printf '| start-up: cpc-verify --version (ms, median) | %.2f | /bin/true %.2f | %s | ≤ 1.5 |\n' \
      "$t_ver" "$t_true" "$(ratio "$t_ver" "$t_true")"
    printf '| start-up: verify one %d-byte record (ms, median) | %.2f | /bin/true %.2f | %s | ≤ 1.5 |\n' \
      "$(wc -c < one.ndjson)" "$t_one" "$t_true" "$(ratio "$t_one" "$t_true")"
    ;;
  pre)
    cpc-keygen -o g.key && cpc-keygen --public -k g.key > g.pub
    awk 'BEGIN { for (i = 0; i < 10000; i++) printf("{\"device\":\"thermo-17\",\"i\":%d,\"temp\":21.5}\n", i) }' > r.ndjson
    cpc-encrypt --to k.pub --records r.ndjson > r.sealed
    cpc-reencrypt grant -k k.key --to g.pub -t 2 -n 3 -o kf
    sed -n 1p kf > kf1 && sed -n 2p kf > kf2
    cpc-reencrypt --kfrag kf2 r.sealed > c2
    tr=(); to=(); inproc=()
    for _ in $(seq "$rounds"); do
      inproc+=("$("$B/bench/cpc_pre_bench" --machine | awk '$1 == "reencrypt_batched" { print $2 }')")
      tr+=("$(secs "cpc-reencrypt --kfrag kf1 r.sealed > c1")")
      to+=("$(secs "cpc-encrypt -d -k g.key --from k.pub --cfrag c1 --cfrag c2 r.sealed")")
    done
    us_rec=$(echo "$(min "${tr[@]}") * 100" | bc -l)  # 10^6 µs / 10^4 records
    best_in=$(min "${inproc[@]}")
    printf '| cpc-reencrypt, 10k sealed records (records/s) | %.0f | | | (report) |\n' \
      "$(echo "10000 / $(min "${tr[@]}")" | bc -l)"
    printf '| cpc-reencrypt per record vs in process, batched (µs) | %.0f | cpc_pre_bench %.0f | %s | ≤ 1.2 |\n' \
      "$us_rec" "$best_in" "$(ratio "$us_rec" "$best_in")"
    printf '| grantee opens 10k records from 2 cfrags each (records/s) | %.0f | | | (report) |\n' \
      "$(echo "10000 / $(min "${to[@]}")" | bc -l)"
    ;;
  he)
    seq 1 10000 > n.txt
    cpc-encrypt --he --to k.pub n.txt > n.he
    for _ in $(seq 100); do cat n.he; done > m.he  # 10^6 records
    head -n 1000 n.he > d.he
    te=(); ts=(); td=()
    for _ in $(seq "$rounds"); do
      te+=("$(secs "cpc-encrypt --he --to k.pub n.txt")")
      ts+=("$(secs "cpc-encrypt --sum m.he")")
      td+=("$(secs "cpc-encrypt -d -k k.key d.he")")
    done
    [ "$(cpc-encrypt --sum m.he | cpc-encrypt -d -k k.key)" = 5000500000 ] || echo "he: wrong total" >&2
    printf '| cpc-encrypt --he, 10k numbers (records/s) | %.0f | | | (report) |\n' "$(echo "10000 / $(min "${te[@]}")" | bc -l)"
    printf '| cpc-encrypt --sum, 10^6 records (s; records/s) | %.2f; %.0f | | | < 10 s |\n' \
      "$(min "${ts[@]}")" "$(echo "1000000 / $(min "${ts[@]}")" | bc -l)"
    printf '| cpc-encrypt -d, 1000 records of 1..1000 (records/s) | %.0f | | | (report) |\n' "$(echo "1000 / $(min "${td[@]}")" | bc -l)"
    ;;
  paillier)
    cpc_install_node
    "$CPC_ROOT/bench/he_vs_paillier.sh" "$B" --no-header
    ;;
  *) echo "unknown section $section" >&2; exit 2 ;;
  esac
done
