# SPDX-License-Identifier: Apache-2.0
# Shared by the CLI tests (sourced): puts the built tools first on PATH, makes a scratch
# directory that is removed on exit, and gives small assertions in the spirit of age's
# testscripts: run a command, then check its exit status, stdout and stderr exactly.
set -euo pipefail
: "${CPC_BIN:?CPC_BIN must point at the built tools}"
export PATH="$CPC_BIN:$PATH"
unset CPC_PASSPHRASE_FILE
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run CMD… : runs with stdin from /dev/null unless redirected by the caller; sets RC, OUT
# (stdout file) and ERR (stderr file).
run() {
  set +e
  "$@" > out.txt 2> err.txt
  RC=$?
  set -e
}

# expect RC DESCRIPTION -- CMD…: runs CMD and checks the exit status; on non-zero statuses
# also checks stderr is exactly one line naming the program.
expect() {
  local want=$1 what=$2
  shift 3
  run "$@"
  if [ "$RC" != "$want" ]; then
    fail "$what: exit $RC, want $want; stderr: $(head -c 300 err.txt)"
    return 0
  fi
  if [ "$want" != 0 ]; then
    local lines
    lines=$(grep -cv '^hint: ' err.txt || true)
    [ "$lines" = 1 ] || fail "$what: want one error line, got $lines: $(head -c 300 err.txt)"
    grep -q "^$(basename "$1"): " err.txt || fail "$what: error does not start with the program name: $(head -c 200 err.txt)"
  fi
}

# expect_err_contains TEXT: the last command's stderr contains TEXT.
expect_err_contains() {
  grep -qF -- "$1" err.txt || fail "stderr lacks '$1': $(head -c 300 err.txt)"
}

expect_absent() {
  [ ! -e "$1" ] || fail "$1 exists but must not"
  ls -a | grep -q '\.tmp-' && fail "a temporary file was left behind: $(ls -a | grep '\.tmp-')"
  return 0
}

finish() {
  if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
