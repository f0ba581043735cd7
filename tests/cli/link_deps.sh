#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What each binary links (docs/architecture.md §1.1): the crypto tools and cpc-verify are
# fully static; cpc-put, cpc-get and cpc-reencrypt link the client library, so neither
# LMDB nor libmicrohttpd may appear in their
# ldd; cpc-node links both. A build without CPC_STATIC_TOOLS (the sanitized one) links
# everything dynamically, so the static checks are skipped there.
source "$(dirname "$0")/lib.sh"

for tool in cpc-keygen cpc-sign cpc-encrypt cpc-verify; do
  if [ "${CPC_STATIC_TOOLS:-ON}" = ON ]; then
    file -L "$CPC_BIN/$tool" | grep -q "statically linked" ||
      fail "$tool is not statically linked: $(file -L "$CPC_BIN/$tool")"
  fi
done
# libcurl is loaded on first use (libcpc/src/net/curl_api.hpp), so no binary links it.
for tool in cpc-put cpc-get cpc-reencrypt; do
  deps=$(ldd "$CPC_BIN/$tool")
  for lib in liblmdb libmicrohttpd libcurl; do
    if echo "$deps" | grep -q "$lib"; then fail "$tool links $lib: $(echo "$deps" | grep "$lib")"; fi
  done
done
deps=$(ldd "$CPC_BIN/cpc-node")
for lib in liblmdb libmicrohttpd; do
  echo "$deps" | grep -q "$lib" || fail "cpc-node: no $lib in ldd"
done

# …and loaded when a request is made: a refused connection is the tool's own one-line exit 3
# (with libcurl missing it would be "cannot load libcurl.so.4").
expect 3 "cpc-get, nothing listening" -- cpc-get --node http://127.0.0.1:9 bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
grep -q "connection refused" err.txt || fail "cpc-get did not reach libcurl: $(cat err.txt)"

# A libcurl that cannot be used (here a stand-in libcurl.so.4 without its functions, found
# first through LD_LIBRARY_PATH) is a clear exit 3, never a crash.
if command -v cc > /dev/null; then
  mkdir stub
  echo 'int cpc_stub_libcurl;' > stub/stub.c
  cc -shared -fPIC -o stub/libcurl.so.4 stub/stub.c
  run env LD_LIBRARY_PATH="$PWD/stub" cpc-get --node http://127.0.0.1:9 bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
  [ "$RC" = 3 ] || fail "stub libcurl: exit $RC, want 3: $(cat err.txt)"
  grep -q "^cpc-get: .*libcurl.so.4 lacks curl_" err.txt || fail "stub libcurl: $(cat err.txt)"
  run env LD_LIBRARY_PATH="$PWD/stub" cpc-node --data-dir "$PWD/nodedir" --listen 127.0.0.1:0
  [ "$RC" = 3 ] || fail "cpc-node with a stub libcurl: exit $RC, want 3: $(cat err.txt)"
  grep -q "^cpc-node: .*libcurl.so.4 lacks curl_" err.txt || fail "cpc-node, stub libcurl: $(cat err.txt)"
  [ ! -e nodedir ] || fail "cpc-node made its data directory before finding libcurl missing"
fi

[ "$FAILS" = 0 ] || exit 1
echo "link_deps: ok"
