#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Shell completions: drives the bash completion functions as bash would (COMP_WORDS,
# COMP_CWORD, COMP_LINE, then COMPREPLY): flags, files after a flag that takes one,
# subcommands; for every built binary the flags offered are exactly those --help prints.
# zsh and fish files get a syntax check when those shells are installed.
source "$(dirname "$0")/lib.sh"
: "${CPC_SRC:?CPC_SRC must point at the source tree}"
COMPLETIONS="$CPC_SRC/completions"
# shellcheck source=../../completions/cpc.bash
source "$COMPLETIONS/cpc.bash"

# complete_line LINE: completes the last word of LINE (a trailing space starts a new,
# empty word); the candidates end up in $SCRATCH/reply.txt, sorted, one per line.
complete_line() {
  local line=$1 func
  read -r -a COMP_WORDS <<< "$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  func=$(complete -p "${COMP_WORDS[0]}" 2> /dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
  if [ -z "$func" ]; then
    fail "no completion registered for ${COMP_WORDS[0]}"
    : > "$SCRATCH/reply.txt"
    return 0
  fi
  COMPREPLY=()
  "$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort > "$SCRATCH/reply.txt"
}

# expect_reply LINE WANT…: the candidates for LINE are exactly WANT.
expect_reply() {
  local line=$1
  shift
  complete_line "$line"
  local want
  want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
  [ "$(cat "$SCRATCH/reply.txt")" = "$want" ] || fail "'$line': got [$(tr '\n' ' ' < "$SCRATCH/reply.txt")], want [$*]"
}

# Files to complete, alone in their directory.
mkdir files && cd files
touch sensor.key sensor.pub readings.ndjson
mkdir ring

# Flags.
expect_reply "cpc-sign --de" --detached
expect_reply "cpc-verify --si" --sig --signer
expect_reply "cpc-encrypt --ch" --chunk-size
expect_reply "cpc-keygen --pu" --public
expect_reply "cpc-verify --zz"
# Files after a flag that takes one, and as positionals.
expect_reply "cpc-sign -k sen" sensor.key sensor.pub
expect_reply "cpc-keygen -k sen" sensor.key sensor.pub
expect_reply "cpc-keygen -o sen" sensor.key sensor.pub
expect_reply "cpc-keygen sen"
expect_reply "cpc-encrypt --to sensor.p" sensor.pub
expect_reply "cpc-encrypt -d -k sensor.key --cfrag sen" sensor.key sensor.pub
expect_reply "cpc-encrypt -d -k sensor.key --from sensor.p" sensor.pub
expect_reply "cpc-verify --cfrag sen" sensor.key sensor.pub
expect_reply "cpc-verify --from sensor.p" sensor.pub
expect_reply "cpc-verify --to sensor.p" sensor.pub
expect_reply "cpc-reencrypt --kfrag sen" sensor.key sensor.pub
expect_reply "cpc-verify --signer ri" ring
expect_reply "cpc-sign -k sensor.key rea" readings.ndjson
expect_reply "cpc-keygen --passphrase-file sensor.k" sensor.key
# No files where a value is not a file.
expect_reply "cpc-encrypt --chunk-size " ""
expect_reply "cpc-encrypt --he --to sensor.pub --scale " ""
expect_reply "cpc-reencrypt grant -t " ""
# Subcommands and their flags.
expect_reply "cpc-reencrypt gr" grant
expect_reply "cpc-reencrypt re" readings.ndjson revoke
expect_reply "cpc-reencrypt grant --t" --threshold --to
expect_reply "cpc-reencrypt revoke --g" --grant
expect_reply "cpc-reencrypt grant -k sensor.k" sensor.key
expect_reply "cpc-reencrypt grant -k sensor.key --to sensor.p" sensor.pub
expect_reply "cpc-node gen" genesis
expect_reply "cpc-node --log" --log-format
expect_reply "cpc-node --log-format " json text
expect_reply "cpc-node --log-format j" json
expect_reply "cpc-node --config sen" sensor.key sensor.pub
expect_reply "cpc-node --con" --config --connection-timeout
expect_reply "cpc-node genesis --va" --validator

# Every built binary, and each subcommand its --help lists: the flags offered for "-" are
# exactly those --help prints.
for bin in "$CPC_BIN"/cpc-*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  subs=$("$bin" --help | awk '/^Subcommands:/ { on = 1; next } /^$/ { on = 0 } on && /^  +[a-z]/ { print $1 }')
  for sub in "" $subs; do
    cmd="$name${sub:+ $sub}"
    "$bin" ${sub:+"$sub"} --help | awk '/^  +-/ { print $1 }' | tr ',' '\n' | sort > "$SCRATCH/help.txt"
    complete_line "$cmd -"
    cmp -s "$SCRATCH/reply.txt" "$SCRATCH/help.txt" ||
      fail "$cmd: completion flags differ from --help: $(diff "$SCRATCH/help.txt" "$SCRATCH/reply.txt" | grep '^[<>]' | tr '\n' ' ')"
  done
done

if command -v zsh > /dev/null; then
  zsh -n "$COMPLETIONS/_cpc" || fail "completions/_cpc: zsh syntax error"
  head -n 1 "$COMPLETIONS/_cpc" | grep -q '^#compdef cpc-keygen ' || fail "_cpc: no #compdef line"
else
  echo "zsh not installed: skipping the syntax check of completions/_cpc"
fi
if command -v fish > /dev/null; then
  fish -n "$COMPLETIONS/cpc.fish" || fail "completions/cpc.fish: fish syntax error"
else
  echo "fish not installed: skipping the syntax check of completions/cpc.fish"
fi
finish
