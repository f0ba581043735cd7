// SPDX-License-Identifier: Apache-2.0
// cpc::net::perform_all: a batch of requests over one curl multi handle, at most
// max_parallel in flight, easy handles recycled as transfers finish so the multi handle's
// connection cache is reused. The multi handle is the calling thread's own, kept between
// calls (connections to peers stay open): thread-safe, not reentrant (no callback calls it).
#include <unordered_set>
#include <vector>

#include "cpc/net/http_client.hpp"
#include "curl_api.hpp"
#include "curl_transfer.hpp"

namespace cpc::net {

using detail::CurlApi;
using detail::Transfer;

namespace {

// One multi handle and its idle easy handles per thread, kept between calls: the multi
// handle's connection cache keeps the connections to the peers a thread talked to, so that
// the node's next replica stores and lookups reuse them instead of connecting again.
// (libcurl's shared connection cache is not safe between concurrent threads; one cache per
// thread is.)
struct ThreadCurl {
  CURLM* multi = nullptr;
  std::vector<CURL*> idle;
  ThreadCurl() {
    if (const CurlApi* api = detail::curl()) {
      multi = api->multi_init();
      if (multi != nullptr) api->multi_setopt(multi, CURLMOPT_MAXCONNECTS, 64L);
    }
  }
  ~ThreadCurl() {
    if (multi == nullptr) return;  // then libcurl made no handle either
    const CurlApi& api = *detail::curl();
    for (CURL* easy : idle) api.easy_cleanup(easy);
    api.multi_cleanup(multi);
  }
  ThreadCurl(const ThreadCurl&) = delete;
  ThreadCurl& operator=(const ThreadCurl&) = delete;
};

ThreadCurl& thread_curl() {
  thread_local ThreadCurl tc;
  return tc;
}

}  // namespace

std::vector<Result<Response>> perform_all(const std::vector<ClientRequest>& requests,
                                          std::size_t max_parallel, const ClientOptions& options) {
  const std::size_t n = requests.size();
  std::vector<Result<Response>> results(n, Result<Response>(Status::io("not performed")));
  std::vector<bool> done(n, false);
  std::vector<Transfer> transfers(n);
  auto fail = [&](std::size_t i, const std::string& why) {
    results[i] = Status::io(requests[i].method + " " + requests[i].url + ": " + why);
    done[i] = true;
  };
  if (max_parallel == 0) max_parallel = 1;
  const CurlApi* loaded = detail::curl();
  if (loaded == nullptr) {
    for (std::size_t i = 0; i < n; ++i) fail(i, detail::curl_error());
    return results;
  }
  const CurlApi& api = *loaded;
  ThreadCurl& tc = thread_curl();
  CURLM* multi = tc.multi;
  std::vector<CURL*>& idle = tc.idle;  // finished handles, ready for the next request
  std::unordered_set<CURL*> active;    // handles attached to `multi`
  std::size_t next = 0;
  bool broken = multi == nullptr;
  while (!broken && (next < n || !active.empty())) {
    while (next < n && active.size() < max_parallel) {
      const std::size_t i = next++;
      CURL* easy = idle.empty() ? api.easy_init() : idle.back();
      if (!idle.empty()) idle.pop_back();
      if (easy == nullptr) {
        fail(i, "out of memory");
        continue;
      }
      transfers[i].request = &requests[i];
      if (Status s = detail::setup(easy, transfers[i], options); !s) {
        results[i] = s.with_context(requests[i].method + " " + requests[i].url);
        done[i] = true;
        idle.push_back(easy);
        continue;
      }
      api.easy_setopt(easy, CURLOPT_PRIVATE, reinterpret_cast<char*>(i));
      api.multi_add_handle(multi, easy);
      active.insert(easy);
    }
    int running = 0;
    if (api.multi_perform(multi, &running) != CURLM_OK) broken = true;
    int left = 0;
    while (CURLMsg* msg = api.multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;  // read before the handle is removed
      char* priv = nullptr;
      api.easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
      const auto i = reinterpret_cast<std::size_t>(priv);
      results[i] = detail::finish(easy, code, transfers[i], options);
      done[i] = true;
      api.multi_remove_handle(multi, easy);
      active.erase(easy);
      idle.push_back(easy);
    }
    if (!broken && !active.empty() &&
        api.multi_poll(multi, nullptr, 0, 1000, nullptr) != CURLM_OK) {
      broken = true;
    }
  }
  for (CURL* easy : active) {  // only after a curl multi error
    api.multi_remove_handle(multi, easy);
    api.easy_cleanup(easy);
  }
  while (idle.size() > 16) {  // a large batch's handles are not all kept
    api.easy_cleanup(idle.back());
    idle.pop_back();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!done[i]) fail(i, "transfer aborted (curl multi error)");
  }
  return results;
}

}  // namespace cpc::net
