// SPDX-License-Identifier: Apache-2.0
// Internal to cpc_net: one libcurl transfer — setting up an easy handle for a ClientRequest,
// collecting the body under a cap, and turning the outcome into a Result<Response> with a
// one-line error. Shared by HttpClient and perform_all. A Transfer is used by one thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cpc/net/http_client.hpp"
#include "curl_api.hpp"

namespace cpc::net::detail {

struct Transfer {
  const ClientRequest* request = nullptr;
  std::size_t max_response = 0;
  std::string body;
  bool too_large = false;
  curl_slist* headers = nullptr;
  // The answer's X-Cpc-* headers (names lowercased), at most 16: what node-to-node
  // authentication reads (docs/peer-auth.md §4); other headers are not kept.
  std::vector<std::pair<std::string, std::string>> cpc_headers;

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (headers != nullptr) curl()->slist_free_all(headers);  // loaded: it made them
  }
};

// Resets `easy` (keeping its connection cache) and configures it for t.request.
// REQUIRES: curl() is loaded (it made `easy`); t.request outlives the transfer.
Status setup(CURL* easy, Transfer& t, const ClientOptions& options);

// The Response for a transfer that ended with `code`.
Result<Response> finish(CURL* easy, CURLcode code, Transfer& t, const ClientOptions& options);

}  // namespace cpc::net::detail
