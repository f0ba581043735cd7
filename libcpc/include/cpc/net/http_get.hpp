// SPDX-License-Identifier: Apache-2.0
// cpc::net::http_get — a tiny blocking HTTP/1.1 GET over POSIX sockets, for the statically
// linked tools (cpc-verify) that cannot link libcurl. http:// URLs only, host an IPv4 address or
// localhost (no resolver: glibc's needs shared NSS modules in a static binary); one request per
// connection ("Connection: close"); bodies framed by Content-Length, chunked transfer coding, or
// the end of the connection.
//
// Errors (kIo, one line "GET URL: reason"): bad URL, cannot resolve, connection refused,
// timed out (each connect/read/write waits at most timeout_ms; the whole request at most
// 4 × timeout_ms), malformed response, body larger than max_body. Any HTTP status is a
// successful result for the caller to interpret.
//
// Thread safety: a pure function; no global state (SIGPIPE is avoided with MSG_NOSIGNAL).
#pragma once

#include <cstddef>
#include <string>

#include "cpc/status.hpp"

namespace cpc::net {

struct GetOptions {
  int timeout_ms = 10000;
  std::size_t max_body = 64u << 20;
};

struct GetResponse {
  int status = 0;
  std::string body;
};

Result<GetResponse> http_get(const std::string& url, const GetOptions& options = {});

}  // namespace cpc::net
