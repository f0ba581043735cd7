// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpClient — the node's and the tools' HTTP/1.1 client, on libcurl. One client
// keeps one connection cache, so consecutive requests to the same peer reuse a TCP
// connection (node-to-node traffic, docs/architecture.md §5). perform_all() runs a batch of
// requests in parallel over curl's multi interface: the DHT's α = 3 lookups and chunk transfers.
//
// A transport failure is an error (kIo, one line: "GET http://127.0.0.1:7400/v1/x:
// connection refused"); any HTTP status, 4xx and 5xx included, is a successful Response
// that the caller interprets. Responses are capped (ClientOptions::max_response) and a
// request never takes longer than ClientOptions::timeout_ms.
//
// Thread safety. An HttpClient is used by one thread at a time (one per thread); distinct
// clients may be used concurrently. perform_all() is thread-safe (it owns its handles).
// No signal is raised: curl runs with CURLOPT_NOSIGNAL, sockets with MSG_NOSIGNAL.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cpc/net/http.hpp"
#include "cpc/status.hpp"

namespace cpc::net {

// Loads libcurl now (it is otherwise loaded by the first request): kIo naming what is
// missing when it cannot be, for a program that should not start without it (cpc-node).
Status load_http_client();

struct ClientOptions {
  long connect_timeout_ms = 2000;        // TCP connect
  long timeout_ms = 10000;               // whole request, connect included
  std::size_t max_response = 16u << 20;  // a larger body fails the request (kIo)
};

struct ClientRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE, HEAD
  std::string url;             // "http://127.0.0.1:7400/v1/status"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent for POST and PUT (Content-Length, no "Expect: 100-continue")
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request and returns the response (status, Content-Type, body).
  // Errors (kIo, message "METHOD URL: reason"): connection refused, cannot resolve host,
  // timed out, connection reset or closed without a reply, response larger than
  // max_response, bad URL.
  Result<Response> perform(const ClientRequest& request);

  Result<Response> get(const std::string& url);
  Result<Response> post(const std::string& url, std::string body,
                        const std::string& content_type = "application/json");
  Result<Response> put(const std::string& url, std::string body,
                       const std::string& content_type = "application/octet-stream");

  // TCP connections this client has opened so far; a reused connection does not count.
  long connections_opened() const { return connections_opened_; }

 private:
  ClientOptions options_;
  void* easy_;  // CURL*, reused across requests: it holds the connection cache
  long connections_opened_ = 0;
};

// Performs every request, at most max_parallel (≥ 1) at a time, and returns the results in
// the order of `requests`: each a Response or its own kIo error, as HttpClient::perform.
std::vector<Result<Response>> perform_all(const std::vector<ClientRequest>& requests,
                                          std::size_t max_parallel,
                                          const ClientOptions& options = {});

}  // namespace cpc::net
