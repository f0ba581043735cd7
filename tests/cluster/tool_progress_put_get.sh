#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpc-put and cpc-get's progress line (cpc/io/progress.hpp) against one node: on a terminal
# (a pseudo-terminal made by script(1)) --progress draws a bar up to 100% of the file's or
# the object's size; the automatic mode leaves nothing on the screen; with stderr in a file,
# or with -q, nothing is drawn at all; the CID and the bytes fetched are the same every way.
source "$(dirname "$0")/lib.sh"
command -v script > /dev/null || { echo "script(1) is missing (apt-get install util-linux)" >&2; exit 1; }

free_port
port=$FREE_PORT
export CPC_NODE="http://127.0.0.1:$port"
start_node n1 "$port"
source "$(dirname "$0")/../cli/lib_pty.sh"

gen_file big.bin $((64 << 20)) 8

# cpc-put --progress on a terminal: a bar up to the file's size, the last line kept.
pty "TERM=xterm cpc-put --progress big.bin > put.json"
[ "$RC" = 0 ] || fail "put --progress: exit $RC: $(tail -c 300 tty.txt)"
grep -qF '100%' tty.txt || fail "put --progress: no 100%: $(tail -c 300 tty.txt)"
grep -qF '64.0 MiB / 64.0 MiB' tty.txt || fail "put --progress: no total: $(tail -c 300 tty.txt)"
grep -qE '\[#+\]' tty.txt || fail "put --progress: no bar: $(tail -c 300 tty.txt)"
cid=$(jq -r .cid put.json)
[ "$(jq -r .size put.json)" = $((64 << 20)) ] || fail "put --progress: $(cat put.json)"

# The automatic mode on a terminal: whatever was drawn is erased at the end.
pty "TERM=xterm cpc-put big.bin > put.auto.json"
[ "$RC" = 0 ] || fail "put auto: exit $RC: $(tail -c 300 tty.txt)"
[ ! -s tty.txt ] || [ "$(tail -c 4 tty.txt)" = $'\r'"$EL" ] ||
  fail "put auto: the line is not erased: $(tail -c 100 tty.txt | od -c | tail -4)"
cmp -s put.json put.auto.json || fail "put auto: another record: $(cat put.auto.json)"
# -q on a terminal, and stderr in a file: nothing.
pty "TERM=xterm cpc-put -q big.bin > put.q.json"
[ "$RC" = 0 ] && [ ! -s tty.txt ] || fail "put -q: exit $RC, drew: $(head -c 200 tty.txt | od -c | head -3)"
cmp -s put.json put.q.json || fail "put -q: another record"
TERM=xterm cpc-put big.bin > put.file.json 2> err.txt || fail "put, stderr in a file: $(cat err.txt)"
[ ! -s err.txt ] || fail "put, stderr in a file: $(head -c 200 err.txt | od -c | head -3)"
cmp -s put.json put.file.json || fail "put, stderr in a file: another record"

# cpc-get --progress: the total comes from the object's root.
pty "TERM=xterm cpc-get --progress $cid -o got.bin"
[ "$RC" = 0 ] || fail "get --progress: exit $RC: $(tail -c 300 tty.txt)"
grep -qF '100%' tty.txt || fail "get --progress: no 100%: $(tail -c 300 tty.txt)"
grep -qF '64.0 MiB / 64.0 MiB' tty.txt || fail "get --progress: no total: $(tail -c 300 tty.txt)"
cmp -s big.bin got.bin || fail "get --progress: the bytes differ"
rm -f got.bin
pty "TERM=xterm cpc-get $cid > got.bin"
[ "$RC" = 0 ] || fail "get auto: exit $RC: $(tail -c 300 tty.txt)"
[ ! -s tty.txt ] || [ "$(tail -c 4 tty.txt)" = $'\r'"$EL" ] ||
  fail "get auto: the line is not erased: $(tail -c 100 tty.txt | od -c | tail -4)"
cmp -s big.bin got.bin || fail "get auto: the bytes differ"
rm -f got.bin
for flag in -q --no-progress; do
  pty "TERM=xterm cpc-get $flag $cid -o got.bin"
  [ "$RC" = 0 ] && [ ! -s tty.txt ] || fail "get $flag: exit $RC, drew: $(head -c 200 tty.txt | od -c | head -3)"
  cmp -s big.bin got.bin || fail "get $flag: the bytes differ"
  rm -f got.bin
done
TERM=xterm cpc-get "$cid" -o got.bin 2> err.txt || fail "get, stderr in a file: $(cat err.txt)"
[ ! -s err.txt ] || fail "get, stderr in a file: $(head -c 200 err.txt | od -c | head -3)"
cmp -s big.bin got.bin || fail "get, stderr in a file: the bytes differ"

# An unknown object: the one error line on the terminal, nothing else.
unknown=bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
pty "TERM=xterm cpc-get --progress $unknown -o none.bin"
[ "$RC" = 1 ] || fail "get unknown: exit $RC, want 1: $(cat tty.txt)"
tr -d '\r' < tty.txt > err.txt
[ "$(wc -l < err.txt)" = 1 ] && grep -qx "cpc-get: not found: .*" err.txt ||
  fail "get unknown: $(od -c tty.txt | head -5)"
[ ! -e none.bin ] || fail "get unknown left none.bin"
finish
