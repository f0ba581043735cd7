#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cpc-keygen: file modes, overwrite protection, public halves, passphrases.
source "$(dirname "$0")/lib.sh"

expect 0 "keygen" -- cpc-keygen -o a.key
[ "$(stat -c %a a.key)" = 600 ] || fail "secret key mode is $(stat -c %a a.key)"
jq -e '.type == "cpc/secret-key" and .version == 1' a.key > /dev/null || fail "secret key record"
expect 2 "refuse overwrite" -- cpc-keygen -o a.key
expect_err_contains "already exists"
expect 0 "overwrite with --force" -- cpc-keygen -o a.key --force
expect 0 "public from -k" -- cpc-keygen --public -k a.key
cp out.txt a.pub
jq -e '.type == "cpc/public-key" and (.sign|length) == 64 and (.encrypt|length) == 64 and (.id|length) == 16' a.pub > /dev/null || fail "public key record"
run cpc-keygen --public < a.key
cmp -s out.txt a.pub || fail "public from stdin differs"
run cpc-keygen --public < a.pub
cmp -s out.txt a.pub || fail "public of a public key differs"
expect 0 "keygen to stdout (not a tty)" -- cpc-keygen
jq -e '.type == "cpc/secret-key"' out.txt > /dev/null || fail "stdout secret key"

# Group/world-readable secret keys are refused with the fix in the message.
cp a.key loose.key && chmod 644 loose.key
printf '{"x":1}\n' > r.ndjson
expect 2 "world-readable key refused" -- cpc-sign -k loose.key r.ndjson
expect_err_contains "chmod 600"

# Passphrases: from a file, from CPC_PASSPHRASE_FILE, wrong, absent without a terminal.
printf 'correct horse\n' > pass.txt
printf 'wrong\n' > wrong.txt
expect 0 "protected keygen" -- cpc-keygen --passphrase-file pass.txt -o p.key
jq -e 'has("box") and (has("seed") | not)' p.key > /dev/null || fail "protected key holds the seed"
expect 0 "sign with --passphrase-file" -- cpc-sign -k p.key --passphrase-file pass.txt r.ndjson
CPC_PASSPHRASE_FILE=pass.txt expect 0 "sign with CPC_PASSPHRASE_FILE" -- cpc-sign -k p.key r.ndjson
expect 1 "wrong passphrase" -- cpc-sign -k p.key --passphrase-file wrong.txt r.ndjson
expect_err_contains "wrong passphrase"
run setsid cpc-sign -k p.key r.ndjson
[ "$RC" = 2 ] || fail "no passphrase and no terminal: exit $RC"
expect 0 "public half of a protected key needs no passphrase" -- cpc-keygen --public -k p.key

# Help and version on every binary.
for t in cpc-keygen cpc-sign cpc-verify cpc-encrypt; do
  expect 0 "$t --help" -- "$t" --help
  grep -q -- "--help" out.txt || fail "$t --help lists no options"
  expect 0 "$t --version" -- "$t" --version
  grep -qE "^$t [0-9]+\.[0-9]+\.[0-9]+$" out.txt || fail "$t --version: $(cat out.txt)"
  expect 2 "$t bad flag" -- "$t" --no-such-flag
done
finish
