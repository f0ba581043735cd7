#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Man pages (docs/style.md habit 12): every cpc-* binary has a page; the page names every flag
# its --help prints, in OPTIONS and in a SYNOPSIS that matches --help; it renders without
# groff warnings and has the sections a reader expects; its EXAMPLES run as written.
source "$(dirname "$0")/lib.sh"
: "${CPC_SRC:?CPC_SRC must point at the source tree}"
MAN_DIR="$CPC_SRC/man"
command -v man > /dev/null || { echo "man is not installed (apt-get install man-db groff-base)" >&2; exit 1; }

# render PAGE WIDTH: the page as a reader sees it; groff's stderr goes to render.err.
render() {
  LC_ALL=C.UTF-8 MANWIDTH=$2 man --warnings -l "$1" 2> render.err | col -bx
}

# section NAME < rendered page: the body of one section.
section() {
  awk -v s="$1" '/^[A-Z]/ { on = ($0 == s); next } on'
}

# help_options BINARY [SUBCOMMAND]: the option column of --help, one option a line
# ("-k,--key").
help_options() {
  "$@" --help | awk '/^  +-/ { print $1 }'
}

# help_subcommands BINARY: the subcommands --help lists ("grant"), one a line.
help_subcommands() {
  "$1" --help | awk '/^Subcommands:/ { on = 1; next } /^$/ { on = 0 } on && /^  +[a-z]/ { print $1 }'
}

# has_flag FLAG < text: FLAG appears as a whole flag (--sig is not found in --signer).
has_flag() {
  grep -qE -- "(^|[^a-zA-Z0-9-])$1([^a-zA-Z0-9-]|\$)"
}

bins=0
for bin in "$CPC_BIN"/cpc-*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  bins=$((bins + 1))
  page="$MAN_DIR/$name.1"
  if [ ! -f "$page" ]; then
    fail "$name has no man page ($page)"
    continue
  fi
  render "$page" 80 > page.txt
  [ ! -s render.err ] || fail "$name.1 renders with warnings: $(head -c 300 render.err)"
  for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
    grep -qx "$s" page.txt || fail "$name.1 has no $s section"
  done
  grep -qE "^ +$name - " page.txt || fail "$name.1: NAME does not read '$name - ...'"
  # Wide enough that no flag is split across lines.
  render "$page" 1000 > wide.txt
  section SYNOPSIS < wide.txt > synopsis.txt
  section OPTIONS < wide.txt > options.txt
  for status in 0 1 2 3; do
    section "EXIT STATUS" < wide.txt | grep -qE "^ +$status( |$)" || fail "$name.1: EXIT STATUS lacks $status"
  done
  # A subcommand's flags belong to the page too (cpc-reencrypt grant -k ...).
  options=$(
    help_options "$bin"
    for sub in $(help_subcommands "$bin"); do help_options "$bin" "$sub"; done
  )
  [ -n "$options" ] || fail "$name --help: no options parsed"
  flags=$(tr ',' '\n' <<< "$options")
  # OPTIONS spells out every flag; the SYNOPSIS names every option by one of its flags.
  for option in $options; do
    in_synopsis=no
    for flag in ${option//,/ }; do
      has_flag "$flag" < options.txt || fail "$name.1: OPTIONS lacks $flag"
      if has_flag "$flag" < synopsis.txt; then in_synopsis=yes; fi
    done
    [ "$in_synopsis" = yes ] || fail "$name.1: SYNOPSIS lacks $option"
  done
  # The other way round: the SYNOPSIS offers nothing --help does not know.
  grep -oE -- '(^|[[ (|])--?[a-zA-Z][a-zA-Z-]*' synopsis.txt | grep -oE -- '--?[a-zA-Z-]+' > synopsis.flags || true
  while read -r flag; do
    grep -qx -- "$flag" <<< "$flags" || fail "$name.1: SYNOPSIS has $flag, which --help lacks"
  done < synopsis.flags
  # Positionals of --help (e.g. FILE) are in the SYNOPSIS.
  for pos in $("$bin" --help | awk '/^Positionals:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
    grep -qw -- "$pos" synopsis.txt || fail "$name.1: SYNOPSIS lacks the positional $pos"
  done
done
[ "$bins" -gt 0 ] || fail "no cpc-* binaries in $CPC_BIN"

# Section 5 pages: render cleanly, with NAME, DESCRIPTION and SEE ALSO.
for page in "$MAN_DIR"/*.5; do
  render "$page" 80 > page.txt
  [ ! -s render.err ] || fail "$(basename "$page") renders with warnings: $(head -c 300 render.err)"
  for s in NAME DESCRIPTION "SEE ALSO"; do
    grep -qx "$s" page.txt || fail "$(basename "$page") has no $s section"
  done
done
# cpc-formats(5) covers every record type the tools write.
render "$MAN_DIR/cpc-formats.5" 1000 > formats.txt
for type in cpc/secret-key cpc/public-key cpc/signed cpc/signature cpc/sealed cpc/chunk \
  cpc/kfrag cpc/cfrag cpc/he; do
  grep -qF "\"type\":\"$type\"" formats.txt || fail "cpc-formats.5 shows no $type record"
done
grep -qF '"cpc/signed/v1" 0x0a' formats.txt || fail "cpc-formats.5 lacks the signed bytes"
grep -qF 'AD_i = "cpc/chunk/v1" || hh || u64le(i) || u8(final)' formats.txt ||
  fail "cpc-formats.5 lacks the chunk associated data"

# EXAMPLES run as written, in one directory and in page order (later pages use the files
# earlier examples make: cpc-verify and cpc-encrypt open and check the cfrags that
# cpc-reencrypt's examples make). An example is an indented command block; lines ending in
# | or \ go on.
mkdir examples && cd examples
export CPC_CACHE_DIR="${CPC_BUILD:-$SCRATCH}/tests/cache"
printf 'correct horse\n' > pass.txt && chmod 600 pass.txt
export CPC_PASSPHRASE_FILE=$PWD/pass.txt
awk 'BEGIN { for (i = 0; i < 20; i++) printf("{\"device\":\"thermo-17\",\"t\":%d,\"temp\":21.5}\n", i) }' \
  > readings.ndjson
for name in cpc-keygen cpc-sign cpc-reencrypt cpc-verify cpc-encrypt; do
  if [ "$name" = cpc-sign ]; then
    # Files the later examples take as given.
    cpc-keygen --public -k owner.key > owner.pub
    cpc-keygen -o dev.key && cpc-keygen --public -k dev.key > dev.pub
    mkdir fleet && cp sensor.pub fleet/
    head -c 300000 /dev/urandom > app.tgz && cp app.tgz backup.tar && cp app.tgz backup.orig
  fi
  [ -x "$CPC_BIN/$name" ] || continue
  render "$MAN_DIR/$name.1" 1000 | section EXAMPLES | sed -n 's/^           //p' > "$name.examples.sh"
  [ -s "$name.examples.sh" ] || fail "$name.1: no example commands found"
  if ! bash -euo pipefail "$name.examples.sh" > "$name.examples.out" 2> "$name.examples.err"; then
    fail "$name.1: EXAMPLES fail: $(head -c 300 "$name.examples.err")"
  fi
done
cmp -s backup.tar backup.orig || fail "cpc-encrypt.1: the backup example does not round-trip"
cd ..
finish
