#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpc-encrypt's progress line (cpc/io/progress.hpp): drawn on stderr when it is a terminal
# (here a pseudo-terminal made by script(1)) and the work lasts, erased when done and before
# an error; never drawn into a pipe or a file, nor with -q or --no-progress; --progress
# draws anywhere and keeps its last line. The data written is the same either way.
source "$(dirname "$0")/lib.sh"
if ! command -v script > /dev/null; then
  # shellcheck source=../../scripts/common.sh
  (source "$(dirname "$0")/../../scripts/common.sh" && cpc_install util-linux) ||
    { echo "script(1) is missing (apt-get install util-linux)" >&2; exit 1; }
fi

cpc-keygen -o own.key && cpc-keygen --public -k own.key > own.pub
head -c $((64 << 20)) /dev/urandom > in.bin
source "$(dirname "$0")/lib_pty.sh"

# A consumer that stalls for a second: the pipe fills and the work lasts longer than the
# half second after which the line appears.
SLOW_OUT='(sleep 1; cat > sealed)'

# --progress on a terminal: the bar, up to 100% of the file's size; the last line is kept.
pty "TERM=xterm cpc-encrypt --progress --to own.pub in.bin -o sealed"
[ "$RC" = 0 ] || fail "--progress: exit $RC: $(head -c 300 tty.txt)"
grep -qF '100%' tty.txt || fail "--progress: no 100%: $(tail -c 300 tty.txt)"
grep -qF '64.0 MiB / 64.0 MiB' tty.txt || fail "--progress: no total: $(tail -c 300 tty.txt)"
grep -qE '\[#+\]' tty.txt || fail "--progress: no bar: $(tail -c 300 tty.txt)"
[ "$(tail -c 2 tty.txt | od -An -c | tr -d ' ')" = '\r\n' ] || fail "--progress: the last line is not ended"
pty "TERM=xterm cpc-encrypt --progress -d -k own.key sealed -o out.bin"
[ "$RC" = 0 ] || fail "--progress -d: exit $RC: $(head -c 300 tty.txt)"
grep -qF '100%' tty.txt || fail "--progress -d: no 100%: $(tail -c 300 tty.txt)"
cmp -s in.bin out.bin || fail "--progress -d: the plaintext differs"
rm -f out.bin

# The automatic mode on a terminal, with work that lasts: a bar, erased at the end.
pty "TERM=xterm cpc-encrypt --to own.pub in.bin | $SLOW_OUT"
[ "$RC" = 0 ] || fail "auto: exit $RC: $(head -c 300 tty.txt)"
grep -qE '\[#*\.*\] +[0-9]+%' tty.txt || fail "auto: no bar: $(head -c 300 tty.txt | od -c | head)"
[ "$(tail -c 4 tty.txt)" = $'\r'"$EL" ] || fail "auto: the line is not erased at the end"
cpc-encrypt -d -k own.key sealed -o out.bin && cmp -s in.bin out.bin || fail "auto: round trip"
rm -f out.bin
# From a pipe the size is unknown: bytes and rate only. TERM=dumb: no escape sequence.
pty "(head -c 8000000 in.bin; sleep 1; tail -c +8000001 in.bin) | TERM=dumb cpc-encrypt --to own.pub -o sealed"
[ "$RC" = 0 ] || fail "pipe: exit $RC: $(head -c 300 tty.txt)"
grep -qE 'cpc-encrypt  [0-9.]+ MiB' tty.txt || fail "pipe: no byte count: $(head -c 300 tty.txt)"
grep -qF '%' tty.txt && fail "pipe: a percentage without a total"
grep -qF "$ESC" tty.txt && fail "TERM=dumb: an escape sequence was written"
cpc-encrypt -d -k own.key sealed -o out.bin && cmp -s in.bin out.bin || fail "pipe: round trip"
rm -f out.bin
# Opening, on a terminal, from a slow pipe of a sealed stream.
pty "TERM=xterm cpc-encrypt -d -k own.key sealed | (sleep 1; cat > out.bin)"
[ "$RC" = 0 ] || fail "auto -d: exit $RC: $(head -c 300 tty.txt)"
grep -qE '\] +[0-9]+%' tty.txt || fail "auto -d: no bar: $(head -c 300 tty.txt)"
cmp -s in.bin out.bin || fail "auto -d: the plaintext differs"
rm -f out.bin

# Short work on a terminal: nothing at all.
head -c 1000 /dev/urandom > small.bin
pty "TERM=xterm cpc-encrypt --to own.pub small.bin -o small.sealed"
[ "$RC" = 0 ] && [ ! -s tty.txt ] || fail "short work drew something: $(od -c tty.txt | head -3)"

# -q and --no-progress on a terminal: nothing, however long the work.
for flag in -q --quiet --no-progress; do
  pty "TERM=xterm cpc-encrypt $flag --to own.pub in.bin | $SLOW_OUT"
  [ "$RC" = 0 ] || fail "$flag: exit $RC"
  [ ! -s tty.txt ] || fail "$flag drew on the terminal: $(head -c 200 tty.txt | od -c | head -3)"
done
cpc-encrypt -d -k own.key sealed -o out.bin && cmp -s in.bin out.bin || fail "-q: round trip"
rm -f out.bin
expect 2 "-q with --progress" -- cpc-encrypt -q --progress --to own.pub small.bin

# stderr not a terminal: nothing, even for long work; outputs the same.
set +e
TERM=xterm cpc-encrypt --to own.pub in.bin 2> err.txt | (sleep 1; cat > sealed)
set -e
[ ! -s err.txt ] || fail "stderr to a file: $(head -c 200 err.txt | od -c | head -3)"
cpc-encrypt -d -k own.key sealed -o out.bin 2> err.txt && cmp -s in.bin out.bin || fail "no tty: round trip"
[ ! -s err.txt ] || fail "stderr to a file (-d): $(head -c 200 err.txt)"
rm -f out.bin
# ... unless --progress asks: then the final line is there.
cpc-encrypt --progress --to own.pub small.bin -o small.sealed 2> err.txt
grep -qE '^.*100% +1000 B / 1000 B' err.txt || fail "--progress into a file: $(od -c err.txt | head -3)"

# An error after the line is drawn: the line is erased, then the one error line follows.
python3 - sealed << 'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
i = len(lines) - 10  # a chunk near the end: the line is drawn by then
j = lines[i].index(b'"data":"') + len(b'"data":"')
lines[i] = lines[i][:j] + (b"B" if lines[i][j:j + 1] == b"A" else b"A") + lines[i][j + 1:]
open(sys.argv[1], "wb").write(b"\n".join(lines))
PY
pty "TERM=xterm cpc-encrypt --progress -d -k own.key sealed -o out.bin"
[ "$RC" = 1 ] || fail "tampered: exit $RC, want 1: $(tail -c 300 tty.txt)"
grep -qF "${EL}cpc-encrypt: " tty.txt || fail "tampered: the error does not start on an erased line: $(tail -c 200 tty.txt | od -c | tail -5)"
[ "$(tr '\r' '\n' < tty.txt | sed "s/$ESC\[K//g" | grep -c '^cpc-encrypt: ')" = 1 ] ||
  fail "tampered: want one error line: $(tail -c 300 tty.txt | od -c | tail -8)"
expect_absent out.bin
finish
