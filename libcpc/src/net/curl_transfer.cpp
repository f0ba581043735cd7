// SPDX-License-Identifier: Apache-2.0
// One libcurl transfer: options, the capped body sink and the error messages. Stateless
// apart from the Transfer it is given.
#include "curl_transfer.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace cpc::net::detail {

namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->body.size() + len > t->max_response) {
    t->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  t->body.append(data, len);
  return len;
}

// One header line of the answer ("Name: value\r\n"); keeps X-Cpc-* ones.
size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  constexpr std::string_view kPrefix = "x-cpc-";
  if (line.size() < kPrefix.size() || t->cpc_headers.size() >= 16) return len;
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != kPrefix[i]) return len;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->cpc_headers.emplace_back(std::move(name), std::string(value));
  return len;
}

std::string reason(CURL* easy, CURLcode code, const Transfer& t, const ClientOptions& o) {
  const CurlApi& api = *curl();
  long os_errno = 0;
  api.easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED || os_errno == 0) return "connection refused";
      return std::string("cannot connect: ") + std::strerror(static_cast<int>(os_errno));
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out (limit " + std::to_string(o.timeout_ms) + " ms, connect " +
             std::to_string(o.connect_timeout_ms) + " ms)";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "cannot resolve host";
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
      if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        return "response larger than " + std::to_string(o.max_response) + " bytes";
      }
      break;
    case CURLE_GOT_NOTHING:
      return "server closed the connection without replying";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      if (os_errno != 0) return std::strerror(static_cast<int>(os_errno));
      return "connection closed";
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "bad URL";
    default:
      break;
  }
  return api.easy_strerror(code);
}

}  // namespace

Status setup(CURL* easy, Transfer& t, const ClientOptions& options) {
  const CurlApi& api = *curl();
  const ClientRequest& r = *t.request;
  api.easy_reset(easy);  // keeps the live connections
  t.max_response = options.max_response;
  api.easy_setopt(easy, CURLOPT_URL, r.url.c_str());
  api.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  if (api.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
    return Status::io("libcurl refuses to limit requests to http and https");
  }
  api.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  // A kept connection idle for more than 5 s is not reused but replaced: one that a
  // partition or a restarted peer silently broke would hold a request until its whole
  // timeout, where a fresh connection fails within the connect timeout.
  api.easy_setopt(easy, CURLOPT_MAXAGE_CONN, 5L);
  api.easy_setopt(easy, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  api.easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response));
  api.easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  t.cpc_headers.clear();
  api.easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  if (r.method == "GET") {
    api.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    api.easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (r.method == "POST" || r.method == "PUT") {
    api.easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
    api.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    if (r.method == "PUT") api.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "PUT");
  } else if (r.method == "DELETE") {
    api.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    return Status::bad_input("unsupported HTTP method " + r.method);
  }
  api.slist_free_all(t.headers);
  t.headers = nullptr;
  // An empty "Expect:" stops curl from waiting for "100 Continue" before large bodies.
  t.headers = api.slist_append(t.headers, "Expect:");
  for (const auto& [name, value] : r.headers) {
    t.headers = api.slist_append(t.headers, (name + ": " + value).c_str());
  }
  api.easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
  return Status::ok();
}

Result<Response> finish(CURL* easy, CURLcode code, Transfer& t, const ClientOptions& options) {
  const CurlApi& api = *curl();
  if (code != CURLE_OK) {
    return Status::io(t.request->method + " " + t.request->url + ": " +
                      reason(easy, code, t, options));
  }
  Response resp;
  long status = 0;
  api.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  resp.status = static_cast<int>(status);
  char* type = nullptr;
  api.easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
  resp.content_type = type != nullptr ? type : "";
  resp.body = std::move(t.body);
  resp.headers = std::move(t.cpc_headers);
  return resp;
}

}  // namespace cpc::net::detail
