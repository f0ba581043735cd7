// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpClient: one reused curl easy handle (and so one connection cache) per
// client. Used by one thread at a time (cpc/net/http_client.hpp).
#include "cpc/net/http_client.hpp"

#include "curl_transfer.hpp"

namespace cpc::net {

using detail::Transfer;

Status load_http_client() {
  return detail::curl() != nullptr ? Status::ok() : Status::io(detail::curl_error());
}

HttpClient::HttpClient(ClientOptions options) : options_(options) {
  if (const detail::CurlApi* api = detail::curl()) easy_ = api->easy_init();
}

HttpClient::~HttpClient() {
  if (easy_ != nullptr) detail::curl()->easy_cleanup(static_cast<CURL*>(easy_));
}

Result<Response> HttpClient::perform(const ClientRequest& request) {
  CURL* easy = static_cast<CURL*>(easy_);
  if (easy == nullptr) {
    return Status::io(request.method + " " + request.url + ": " +
                      (detail::curl() == nullptr ? detail::curl_error() : "out of memory"));
  }
  const detail::CurlApi& api = *detail::curl();
  Transfer t;
  t.request = &request;
  CPC_RETURN_IF_ERROR(detail::setup(easy, t, options_));
  CURLcode code = api.easy_perform(easy);
  long opened = 0;
  if (api.easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) {
    connections_opened_ += opened;
  }
  return detail::finish(easy, code, t, options_);
}

Result<Response> HttpClient::get(const std::string& url) {
  return perform(ClientRequest{"GET", url, {}, {}});
}

Result<Response> HttpClient::post(const std::string& url, std::string body,
                                  const std::string& content_type) {
  return perform(ClientRequest{"POST", url, {{"Content-Type", content_type}}, std::move(body)});
}

Result<Response> HttpClient::put(const std::string& url, std::string body,
                                 const std::string& content_type) {
  return perform(ClientRequest{"PUT", url, {{"Content-Type", content_type}}, std::move(body)});
}

}  // namespace cpc::net
