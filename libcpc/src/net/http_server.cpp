// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpServer over libmicrohttpd: listening socket, daemon options, the per-request
// state machine (headers -> body chunks -> dispatch) and routing. The access handler runs on
// libmicrohttpd's worker threads; it only touches its own connection's state and the route
// table, which is immutable once started.
#include "cpc/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>

namespace cpc::net {

namespace detail {
struct ServerCtx {
  const ServerOptions* options;
  const std::vector<HttpServer::Route>* routes;
};
}  // namespace detail

namespace {

using Ctx = detail::ServerCtx;

// One per request, from its first callback to MHD's completion notice.
struct RequestState {
  std::string body;
};

MHD_Result send(MHD_Connection* c, const Response& r) {
  MHD_Response* resp = MHD_create_response_from_buffer(
      r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (resp == nullptr) return MHD_NO;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
  for (const auto& [name, value] : r.headers) {
    MHD_add_response_header(resp, name.c_str(), value.c_str());
  }
  MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(r.status), resp);
  MHD_destroy_response(resp);
  return ok;
}

MHD_Result collect(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* m = static_cast<std::map<std::string, std::string>*>(cls);
  (*m)[key] = value != nullptr ? value : "";
  return MHD_YES;
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  std::string name(key);
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  (*static_cast<std::map<std::string, std::string>*>(cls))[name] = value != nullptr ? value : "";
  return MHD_YES;
}

std::string remote_ip(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char buf[INET6_ADDRSTRLEN] = "";
  if (info->client_addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(info->client_addr)->sin_addr, buf,
              sizeof buf);
  } else if (info->client_addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(info->client_addr)->sin6_addr, buf,
              sizeof buf);
  }
  return buf;
}

Response dispatch(const std::vector<HttpServer::Route>& routes, const Request& req) {
  const HttpServer::Route* best = nullptr;
  bool path_known = false;
  for (const auto& r : routes) {
    if (req.path.compare(0, r.prefix.size(), r.prefix) != 0) continue;
    path_known = true;
    if (r.method == req.method && (best == nullptr || r.prefix.size() > best->prefix.size())) {
      best = &r;
    }
  }
  if (best == nullptr) {
    return path_known ? Response::error(405, "method " + req.method + " not allowed")
                      : Response::error(404, "no such path: " + req.path);
  }
  try {
    return best->handler(req);
  } catch (const std::exception& e) {
    return Response::error(500, std::string("internal error: ") + e.what());
  } catch (...) {
    return Response::error(500, "internal error");
  }
}

// MHD calls this once after the headers, once per body fragment, once at the end.
MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                      const char* version, const char* upload_data, size_t* upload_size,
                      void** con_cls) noexcept {
  const Ctx& ctx = *static_cast<const Ctx*>(cls);
  const std::size_t max_body = ctx.options->max_body;
  try {
    if (*con_cls == nullptr) {  // headers only: refuse an oversized body before reading it
      *con_cls = new RequestState;
      // RFC 7230 §5.4: an HTTP/1.1 request without Host is a 400 (MHD 0.9.75 lets it pass).
      if (std::strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
          MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST) == nullptr) {
        return send(c, Response::error(400, "missing Host header"));
      }
      const char* len =
          MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      std::uint64_t n = 0;
      if (len != nullptr) {
        auto [end, ec] = std::from_chars(len, len + std::strlen(len), n);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && n > max_body)) {
          return send(c, Response::error(413, "request body larger than " +
                                                  std::to_string(max_body) + " bytes"));
        }
      }
      return MHD_YES;
    }
    auto* state = static_cast<RequestState*>(*con_cls);
    if (*upload_size != 0) {
      // A chunked body has no Content-Length; MHD cannot answer while a body is arriving,
      // so one that passes the limit ends the connection.
      if (state->body.size() + *upload_size > max_body) return MHD_NO;
      state->body.append(upload_data, *upload_size);
      *upload_size = 0;
      return MHD_YES;
    }
    Request req;
    req.method = method;
    req.path = url;
    req.body = std::move(state->body);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &req.query);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &req.headers);
    req.remote_ip = remote_ip(c);
    return send(c, dispatch(*ctx.routes, req));
  } catch (...) {  // allocation failure: drop the connection rather than unwind through C
    return MHD_NO;
  }
}

void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) noexcept {
  delete static_cast<RequestState*>(*con_cls);
  *con_cls = nullptr;
}

// "HOST:PORT" with an IPv4 host.
Result<sockaddr_in> parse_listen(const std::string& listen) {
  auto bad = Status::bad_input("listen address must be IPv4 HOST:PORT: " + listen);
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return bad;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  if (inet_pton(AF_INET, listen.substr(0, colon).c_str(), &sa.sin_addr) != 1) return bad;
  unsigned port = 0;
  const char* p = listen.data() + colon + 1;
  auto [end, ec] = std::from_chars(p, listen.data() + listen.size(), port);
  if (ec != std::errc() || end != listen.data() + listen.size() || port > 65535) return bad;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  return sa;
}

}  // namespace

Response Response::error(int status, const std::string& message) {
  nlohmann::json j = {{"error", message}};
  return {status,
          "application/json",
          j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

HttpServer::HttpServer(ServerOptions options) : options_(options) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::route(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), std::move(handler)});
}

Status HttpServer::start(const std::string& listen) {
  if (daemon_ != nullptr) return Status::bad_input("server already started");
  auto sa = parse_listen(listen);
  CPC_RETURN_IF_ERROR(sa);
  // Our own socket, so a bind failure can say why (MHD would only log it).
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::io("listen " + listen + ": " + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof(sockaddr_in);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&*sa), sizeof(sockaddr_in)) != 0 ||
      ::listen(fd, static_cast<int>(options_.backlog)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&*sa), &len) != 0) {
    Status s = Status::io("listen " + listen + ": " + std::strerror(errno));
    ::close(fd);
    return s;
  }
  ctx_ = std::make_unique<Ctx>(Ctx{&options_, &routes_});
  daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, nullptr, nullptr, on_request, ctx_.get(),
      MHD_OPTION_LISTEN_SOCKET, static_cast<MHD_socket>(fd), MHD_OPTION_CONNECTION_LIMIT,
      options_.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, options_.max_connections_per_ip,
      MHD_OPTION_CONNECTION_TIMEOUT, options_.connection_timeout_s, MHD_OPTION_THREAD_POOL_SIZE,
      options_.threads > 1 ? options_.threads : 0u, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
      nullptr, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    // Whether MHD closed the socket it was given on this path varies between versions.
    if (::fcntl(fd, F_GETFD) != -1) ::close(fd);
    return Status::io("listen " + listen + ": cannot start the HTTP server");
  }
  port_ = ntohs(sa->sin_port);
  return Status::ok();
}

void HttpServer::stop() {
  if (daemon_ == nullptr) return;
  MHD_stop_daemon(daemon_);  // joins the workers, closes every socket including the listener
  daemon_ = nullptr;
  port_ = 0;
}

}  // namespace cpc::net
