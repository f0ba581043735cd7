// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpClient: one reused curl easy handle (and so one connection cache) per client,
// and perform_all() over curl's multi interface. Thread rules in cpc/http_client.hpp.
#include "cpc/http_client.hpp"

#include <curl/curl.h>

#include "curl_transfer.hpp"

namespace cpc::net {

using detail::Transfer;

HttpClient::HttpClient(ClientOptions options) : options_(options) {
  detail::curl_init_once();
  easy_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  curl_easy_cleanup(static_cast<CURL*>(easy_));
}

Result<Response> HttpClient::perform(const ClientRequest& request) {
  CURL* easy = static_cast<CURL*>(easy_);
  if (easy == nullptr) return Status::io(request.method + " " + request.url + ": out of memory");
  Transfer t;
  t.request = &request;
  CPC_RETURN_IF_ERROR(detail::setup(easy, t, options_));
  CURLcode code = curl_easy_perform(easy);
  long opened = 0;
  if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) {
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

std::vector<Result<Response>> perform_all(const std::vector<ClientRequest>& requests,
                                          std::size_t max_parallel, const ClientOptions& options) {
  detail::curl_init_once();
  const std::size_t n = requests.size();
  std::vector<Result<Response>> results(n, Result<Response>(Status::io("not performed")));
  std::vector<Transfer> transfers(n);
  if (max_parallel == 0) max_parallel = 1;
  CURLM* multi = curl_multi_init();
  std::vector<CURL*> idle;  // easy handles to reuse; at most max_parallel ever exist
  std::size_t next = 0, active = 0;
  auto fail_all = [&](const std::string& why) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!results[i] && results[i].status().message() == "not performed") {
        results[i] = Status::io(requests[i].method + " " + requests[i].url + ": " + why);
      }
    }
  };
  if (multi == nullptr) {
    fail_all("out of memory");
    return results;
  }
  while (next < n || active > 0) {
    while (next < n && active < max_parallel) {
      CURL* easy = idle.empty() ? curl_easy_init() : idle.back();
      if (!idle.empty()) idle.pop_back();
      const std::size_t i = next++;
      transfers[i].request = &requests[i];
      Status s = easy != nullptr ? detail::setup(easy, transfers[i], options)
                                 : Status::io("out of memory");
      if (!s) {
        results[i] = s.with_context(requests[i].method + " " + requests[i].url);
        if (easy != nullptr) idle.push_back(easy);
        continue;
      }
      curl_easy_setopt(easy, CURLOPT_PRIVATE, reinterpret_cast<char*>(i));
      curl_multi_add_handle(multi, easy);
      ++active;
    }
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;  // read before removing the handle
      char* priv = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
      const auto i = reinterpret_cast<std::size_t>(priv);
      results[i] = detail::finish(easy, code, transfers[i], options);
      curl_multi_remove_handle(multi, easy);
      idle.push_back(easy);
      --active;
    }
    if (active > 0 && curl_multi_poll(multi, nullptr, 0, 1000, nullptr) != CURLM_OK) break;
  }
  fail_all("transfer aborted");
  for (CURL* easy : idle) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);  // handles still attached only after a multi error
  return results;
}

}  // namespace cpc::net
