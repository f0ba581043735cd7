#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Packaging (issue #8): `cmake --install` into a scratch prefix lays out every binary, man
# page, completion, the systemd unit and the docs; `cpack -G DEB` makes
# cpchain_<version>_<arch>.deb whose control data names the runtime Depends, and whose
# unpacked binaries run on the system's libraries alone (no LD_LIBRARY_PATH, nothing from
# the build tree): --version of each, keygen → sign → verify, encrypt → decrypt, cpc-node
# --help.
source "$(dirname "$0")/lib.sh"
: "${CPC_BUILD:?CPC_BUILD must point at the build directory}"
unset LD_LIBRARY_PATH LD_PRELOAD

need() {
  command -v "$1" > /dev/null || { echo "FAIL: $1 is not installed ($2)" >&2; exit 1; }
}
need cpack "it ships with cmake: apt-get install cmake"
need dpkg-deb "apt-get install dpkg"
need man "apt-get install man-db groff-base"
[ -f "$CPC_BUILD/CPackConfig.cmake" ] ||
  { echo "FAIL: $CPC_BUILD/CPackConfig.cmake is missing (the build does not include(CPack))" >&2; exit 1; }

TOOLS=(cpc-keygen cpc-sign cpc-verify cpc-encrypt cpc-reencrypt cpc-put cpc-get cpc-node)
PAGES5=(cpc-formats)

# check_tree ROOT USR WHAT: the installed layout under ROOT, with USR the prefix inside it
# (ROOT/USR/bin, ROOT/USR/share/…); the unit is at ROOT/lib/systemd/system for a /usr
# prefix.
check_tree() {
  local root=$1 usr=$2 what=$3 t p
  for t in "${TOOLS[@]}"; do
    [ -x "$root$usr/bin/$t" ] || fail "$what: $usr/bin/$t missing or not executable"
    [ -f "$root$usr/share/man/man1/$t.1" ] || fail "$what: man page $t.1 missing"
    [ -f "$root$usr/share/bash-completion/completions/$t" ] || fail "$what: bash completion for $t missing"
  done
  for p in "${PAGES5[@]}"; do
    [ -f "$root$usr/share/man/man5/$p.5" ] || fail "$what: man page $p.5 missing"
  done
  [ -f "$root$usr/share/zsh/vendor-completions/_cpc" ] || fail "$what: zsh completion missing"
  [ -f "$root$usr/share/fish/vendor_completions.d/cpc.fish" ] || fail "$what: fish completion missing"
  for p in README.md copyright formats.md node-api.md; do
    [ -f "$root$usr/share/doc/cpchain/$p" ] || fail "$what: doc $p missing"
  done
  grep -q 'Apache-2.0' "$root$usr/share/doc/cpchain/copyright" 2> /dev/null ||
    fail "$what: copyright does not name Apache-2.0"
  local n
  n=$(find "$root" -path '*/bin/*' -type f | wc -l)
  [ "$n" = "${#TOOLS[@]}" ] || fail "$what: $n files in bin, want ${#TOOLS[@]}: $(ls "$root$usr/bin")"
}

# check_man ROOT USR WHAT: every installed page renders with man -l, without warnings.
check_man() {
  local page
  for page in "$1$2"/share/man/man[15]/*.[15]; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" > page.txt 2> page.err || true
    [ -s page.txt ] || fail "$3: $(basename "$page") renders empty: $(head -c 200 page.err)"
    [ -s page.err ] && fail "$3: $(basename "$page") renders with warnings: $(head -c 200 page.err)"
    grep -q 'NAME' page.txt || fail "$3: $(basename "$page") has no NAME section"
  done
}

# 1. cmake --install into a scratch prefix.
PREFIX=$SCRATCH/prefix
cmake --install "$CPC_BUILD" --prefix "$PREFIX" > install.out 2>&1 ||
  { cat install.out >&2; fail "cmake --install failed"; finish; }
check_tree "$PREFIX" "" "install"
[ -f "$PREFIX/lib/systemd/system/cpc-node.service" ] || fail "install: unit not in <prefix>/lib/systemd/system"
check_man "$PREFIX" "" "install"

# … and with DESTDIR and --prefix /usr, as a distribution's packaging does: the unit goes to
# /lib/systemd/system.
DESTDIR=$SCRATCH/dest cmake --install "$CPC_BUILD" --prefix /usr > install.out 2>&1 ||
  { cat install.out >&2; fail "cmake --install with DESTDIR failed"; }
check_tree "$SCRATCH/dest" /usr "DESTDIR install"
[ -f "$SCRATCH/dest/lib/systemd/system/cpc-node.service" ] ||
  fail "DESTDIR install: unit not in /lib/systemd/system: $(cd "$SCRATCH/dest" && find . -name '*.service')"

# 2. cpack -G DEB, into a scratch directory (the build tree gets no package files).
VERSION=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$CPC_BUILD/CPackConfig.cmake")
[ -n "$VERSION" ] || fail "no CPACK_PACKAGE_VERSION in CPackConfig.cmake"
ARCH=$(dpkg --print-architecture)
if ! cpack --config "$CPC_BUILD/CPackConfig.cmake" -G DEB -B "$SCRATCH/pkg" > cpack.out 2>&1; then
  cat cpack.out >&2
  fail "cpack -G DEB failed"
  finish
fi
DEB=$SCRATCH/pkg/cpchain_${VERSION}_${ARCH}.deb
[ -f "$DEB" ] || { fail "no $(basename "$DEB"): $(ls "$SCRATCH/pkg")"; finish; }

dpkg-deb -I "$DEB" > info.txt || fail "dpkg-deb -I failed"
field() { sed -n "s/^ $1: //p" info.txt; }
[ "$(field Package)" = cpchain ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$VERSION" ] || fail "Version: $(field Version), want $VERSION"
[ "$(field Architecture)" = "$ARCH" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = net ] || fail "Section: $(field Section)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
grep -q 'Apache-2.0' info.txt || fail "the description does not name the licence"
DEPENDS=$(field Depends)
for lib in libc6 libcurl4 libmicrohttpd12 liblmdb0; do
  echo "$DEPENDS" | grep -qE "(^|, )$lib( |,|$)" || fail "Depends lacks $lib: $DEPENDS"
done
for lib in libsodium libssl libstdc++ libcpc; do
  echo "$DEPENDS" | grep -q "$lib" && fail "Depends names $lib, which is linked statically: $DEPENDS"
done
for script in postinst prerm postrm; do
  grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " info.txt ||
    fail "control: $script missing or not executable"
done

# Unpack into a clean directory, as dpkg would install it.
ROOT=$SCRATCH/root
mkdir "$ROOT"
dpkg-deb -x "$DEB" "$ROOT" || fail "dpkg-deb -x failed"
check_tree "$ROOT" /usr "deb"
check_man "$ROOT" /usr "deb"
[ -f "$ROOT/lib/systemd/system/cpc-node.service" ] || fail "deb: unit not at /lib/systemd/system/cpc-node.service"
grep -q '^ExecStart=/usr/bin/cpc-node ' "$ROOT/lib/systemd/system/cpc-node.service" 2> /dev/null ||
  fail "deb: the unit does not start /usr/bin/cpc-node"
dpkg-deb -c "$DEB" | awk '{ print $6 }' > contents.txt
grep -vE '^\./((usr|lib|usr/share|usr/share/doc)/)?$|^\./usr/bin/|^\./usr/share/(man|doc/cpchain|bash-completion|zsh|fish)/|^\./lib/systemd/' \
  contents.txt > stray.txt && fail "deb: files outside the expected directories: $(head -c 300 stray.txt)"

# 3. The unpacked binaries run on the system's libraries: nothing resolves into the build
# tree, nothing is missing.
B=$ROOT/usr/bin
for t in "${TOOLS[@]}"; do
  if ldd "$B/$t" > ldd.txt 2>&1; then
    grep -q 'not found' ldd.txt && fail "$t: unresolved libraries: $(grep 'not found' ldd.txt)"
    grep -qF "$CPC_BUILD" ldd.txt && fail "$t: links into the build tree: $(grep -F "$CPC_BUILD" ldd.txt)"
  fi
  expect 0 "$t --version" -- "$B/$t" --version
  grep -qF "$VERSION" out.txt || fail "$t --version does not print $VERSION: $(head -c 200 out.txt)"
done
# The crypto tools are static, except in a sanitizer build (sanitizer runtimes are shared).
if ! grep -qE '^CPC_SANITIZE:STRING=.+' "$CPC_BUILD/CMakeCache.txt"; then
  [ -n "$(ldd "$B/cpc-keygen" 2>&1 | grep -v 'not a dynamic executable')" ] &&
    fail "cpc-keygen is not static in the package: $(ldd "$B/cpc-keygen" 2>&1 | head -c 200)"
fi

# keygen → sign → verify.
expect 0 "keygen" -- "$B/cpc-keygen" -o dev.key
"$B/cpc-keygen" --public -k dev.key > dev.pub || fail "keygen --public"
printf '{"device":"pkg","t":1,"temp":21.5}\n{"device":"pkg","t":2,"temp":22}\n' > r.ndjson
expect 0 "sign" -- "$B/cpc-sign" -k dev.key r.ndjson
cp out.txt s.ndjson
[ "$(wc -l < s.ndjson)" = 2 ] || fail "want 2 signed records, got $(wc -l < s.ndjson)"
expect 0 "verify" -- "$B/cpc-verify" --signer dev.pub s.ndjson
sed 's/"temp":21.5/"temp":99/' s.ndjson > t.ndjson
expect 1 "verify a tampered record" -- "$B/cpc-verify" --signer dev.pub t.ndjson

# encrypt → decrypt.
"$B/cpc-keygen" -o own.key && "$B/cpc-keygen" --public -k own.key > own.pub || fail "keygen (owner)"
head -c 100000 /dev/urandom > in.bin
expect 0 "encrypt" -- "$B/cpc-encrypt" --to own.pub in.bin -o sealed
expect 0 "decrypt" -- "$B/cpc-encrypt" -d -k own.key sealed -o out.bin
cmp -s in.bin out.bin || fail "decrypted bytes differ"
expect 1 "decrypt with the wrong key" -- "$B/cpc-encrypt" -d -k dev.key sealed -o wrong.bin

# cpc-node, cpc-put and cpc-get (the dynamically linked ones) start and print their help.
for t in cpc-node cpc-put cpc-get; do
  expect 0 "$t --help" -- "$B/$t" --help
  grep -q -- '--help' out.txt || fail "$t --help prints no options: $(head -c 200 out.txt)"
done

finish
