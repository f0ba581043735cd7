#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An allocation failure is an answer, not a crash (issue 12): with its address space capped
# below what the discrete-log table needs, `cpc-encrypt -d` of cpc/he records exits 3 with
# one line naming the memory, and leaves no output file and no temporary file behind.
# ulimit -v cannot be combined with AddressSanitizer's shadow memory: skipped (77) in a
# build without CPC_STATIC_TOOLS (the sanitized one).
source "$(dirname "$0")/lib.sh"
if [ "${CPC_STATIC_TOOLS:-ON}" != ON ]; then
  echo "out_of_memory: sanitized build, skipped" >&2
  exit 77
fi
export CPC_CACHE_DIR="$SCRATCH/cache"  # no cached table: it is built in memory
cpc-keygen -o k.key
cpc-keygen --public -k k.key > k.pub
printf '5\n7\n' | cpc-encrypt --he --to k.pub > n.he

(ulimit -v 16000; exec cpc-encrypt -d -k k.key -o plain.txt n.he) > out.txt 2> err.txt && RC=0 || RC=$?
[ "$RC" = 3 ] || fail "capped memory: exit $RC, want 3; stderr: $(cat err.txt)"
[ "$(wc -l < err.txt)" = 1 ] || fail "want one error line: $(cat err.txt)"
grep -q "^cpc-encrypt: .*out of memory" err.txt || fail "error does not say out of memory: $(cat err.txt)"
[ ! -e plain.txt ] || fail "plain.txt left behind"
leftover=$(find . -name '.plain.txt*' | head -1)
[ -z "$leftover" ] || fail "temporary file left behind: $leftover"

# With the memory it needs, the same command works.
expect 0 "uncapped" -- cpc-encrypt -d -k k.key -o plain.txt n.he
[ "$(cat plain.txt)" = "$(printf '5\n7')" ] || fail "decrypted: $(cat plain.txt)"

[ "$FAILS" = 0 ] || exit 1
echo "out_of_memory: ok"
