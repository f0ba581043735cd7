# SPDX-License-Identifier: Apache-2.0
# Bash completion for the cpchain binaries. One file serves them all: it is installed once
# per binary name under share/bash-completion/completions/, and each copy registers every
# binary. For each binary, the flags are those its --help prints (tests/cli/
# completion_bash.sh checks they agree); binaries not written yet carry the flags docs/cli.md
# gives them, so that adding a flag is a one-word change.
# shellcheck shell=bash

# _cpc_files CUR: complete file and directory names.
_cpc_files() {
  compopt -o filenames 2> /dev/null || true
  mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

# _cpc_offer FLAGS FILE_FLAGS VALUE_FLAGS WORDS POSITIONAL_FILES
#   FLAGS: every flag; FILE_FLAGS: flags whose value is a file or directory; VALUE_FLAGS:
#   flags whose value is something else (nothing is offered); WORDS: extra words offered
#   for a positional (subcommands); POSITIONAL_FILES: "file" when positionals are files.
_cpc_offer() {
  local flags=$1 file_flags=$2 value_flags=$3 words=$4 positional=$5
  local cur=${COMP_WORDS[COMP_CWORD]} prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  if [[ -n $prev && " $file_flags " == *" $prev "* ]]; then
    _cpc_files "$cur"
    return 0
  fi
  if [[ -n $prev && " $value_flags " == *" $prev "* ]]; then
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
    return 0
  fi
  if [[ $positional == file ]]; then
    _cpc_files "$cur"
  fi
  if [[ -n $words ]]; then
    local w
    for w in $(compgen -W "$words" -- "$cur"); do COMPREPLY+=("$w"); done
  fi
  return 0
}

_cpc_common_flags="-h --help --version"

_cpc_keygen() {
  _cpc_offer "$_cpc_common_flags -o --output --public -k --key -f --force -p --protect
              --passphrase-file" \
    "-o --output -k --key --passphrase-file" "" "" ""
}

_cpc_sign() {
  _cpc_offer "$_cpc_common_flags -k --key --detached -o --output --passphrase-file" \
    "-k --key -o --output --passphrase-file" "" "" file
}

_cpc_verify() {
  _cpc_offer "$_cpc_common_flags --signer --keep-going --detached --sig -o --output --cfrag
              --from --to --chain --node --proof --genesis" \
    "--signer --detached --sig -o --output --cfrag --from --to --proof --genesis" "--node" "" file
}

_cpc_encrypt() {
  _cpc_offer "$_cpc_common_flags --to -d --decrypt -k --key --records -o --output
              --chunk-size --passphrase-file --force-tty --cfrag --from --he --scale --sum
              -q --quiet --progress --no-progress" \
    "--to -k --key -o --output --passphrase-file --cfrag --from" "--chunk-size --scale" "" file
}

# cpc-reencrypt: proxy side (--kfrag FILE [SEALED]), or the grant/revoke subcommands.
_cpc_reencrypt() {
  local sub=""
  ((COMP_CWORD > 1)) && sub=${COMP_WORDS[1]}
  case $sub in
    grant)
      _cpc_offer "-h --help -k --key --to -t --threshold -n --shares -o --output
                  --passphrase-file --node --cid --expires" \
        "-k --key --to -o --output --passphrase-file" \
        "-t --threshold -n --shares --node --cid --expires" "" ""
      ;;
    revoke)
      _cpc_offer "-h --help -k --key --grant --node --passphrase-file" \
        "-k --key --passphrase-file" "--grant --node" "" ""
      ;;
    *)
      local words=""
      ((COMP_CWORD == 1)) && words="grant revoke"
      _cpc_offer "$_cpc_common_flags --kfrag -o --output" "--kfrag -o --output" "" "$words" file
      ;;
  esac
}

_cpc_put() {
  _cpc_offer "$_cpc_common_flags --node --records -q --quiet --progress --no-progress --register -k
              --key --price" \
    "-k --key" "--node --price" "" file
}

_cpc_get() {
  _cpc_offer "$_cpc_common_flags --node -o --output -q --quiet --progress --no-progress --proof --sum
              --buy --deadline -k --key --passphrase-file -v --verbose" "-o --output -k --key --passphrase-file" \
    "--node --deadline" "" ""
}

# cpc-node: run a node, or the genesis subcommand.
_cpc_node() {
  local sub=""
  ((COMP_CWORD > 1)) && sub=${COMP_WORDS[1]}
  if [[ $sub == genesis ]]; then
    _cpc_offer "-h --help --validator --alloc -o --output" "--validator -o --output" \
      "--alloc" "" ""
    return 0
  fi
  if ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == --log-format ]]; then
    mapfile -t COMPREPLY < <(compgen -W "text json" -- "${COMP_WORDS[COMP_CWORD]}")
    return 0
  fi
  local words=""
  ((COMP_CWORD == 1)) && words="genesis"
  _cpc_offer "$_cpc_common_flags --data-dir --listen -k --key --bootstrap --replication
              --genesis --genesis-hash --repair-interval --max-body --max-connections
              --max-connections-per-ip --connection-timeout --empty-block-interval --no-register
              --log-format --config" \
    "--data-dir -k --key --genesis --config" "--listen --bootstrap --replication --genesis-hash
              --repair-interval --max-body --max-connections --max-connections-per-ip
              --connection-timeout --empty-block-interval" \
    "$words" ""
}

complete -F _cpc_keygen cpc-keygen
complete -F _cpc_sign cpc-sign
complete -F _cpc_verify cpc-verify
complete -F _cpc_encrypt cpc-encrypt
complete -F _cpc_reencrypt cpc-reencrypt
complete -F _cpc_put cpc-put
complete -F _cpc_get cpc-get
complete -F _cpc_node cpc-node
