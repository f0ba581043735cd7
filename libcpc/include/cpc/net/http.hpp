// SPDX-License-Identifier: Apache-2.0
// cpc::net::Request and cpc::net::Response — the whole HTTP request a server handler sees
// and the whole response it returns, which is also what the client (http_client.hpp)
// hands back. Shared by the server, the client and everything that builds or reads API
// answers, so that none of them needs the others' transport library.
//
// Thread safety: plain values.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpc/status.hpp"

namespace cpc::net {

struct Request {
  std::string method;                          // "GET", "POST", …
  std::string path;                            // percent-decoded, without the query
  std::map<std::string, std::string> query;    // percent-decoded; the last of repeated names
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string remote_ip;  // "127.0.0.1"
};

// What a handler returns, and what HttpClient returns.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  // {"error":"message"} with the given status.
  static Response error(int status, const std::string& message);
  // A JSON body with the given status.
  static Response json(int status, const nlohmann::json& body);
  // The error response for a failed Status: 400 for bad input, 409 for a refusal, 500
  // otherwise.
  static Response from_status(const Status& s);
};

}  // namespace cpc::net
