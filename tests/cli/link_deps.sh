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

[ "$FAILS" = 0 ] || exit 1
echo "link_deps: ok"
