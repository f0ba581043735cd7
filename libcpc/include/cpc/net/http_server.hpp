// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpServer — the node's HTTP/1.1 server (docs/architecture.md §5), on libmicrohttpd.
// Requests are routed by method and path prefix to handlers that see the whole request
// (method, path, query, headers, body) and return a whole response. Bodies are small (a
// 1 MiB chunk, a JSON document), so neither side streams.
//
// Event-driven: libmicrohttpd's epoll loop runs in a small pool of internal threads, and a
// connection costs a socket and a little memory, not a thread; so idle or slow clients
// cannot starve the others. They are bounded by a total connection limit, an optional
// per-IP limit and an idle timeout, and a body larger than ServerOptions::max_body is
// refused with 413 before it is read (from its Content-Length, or as soon as a chunked body
// passes the limit). docs/node-transport.md lists the guarantees and defaults.
//
// Thread safety. Handlers run on the server's worker threads, several at once: they must be
// thread-safe and should be quick (a handler blocks the other connections of its worker).
// A handler that waits on the network (a node asking other nodes) is registered with
// route_blocking(): its connection is suspended and the handler runs on a separate pool of
// ServerOptions::blocking_threads threads, so the event loops keep serving everyone else
// (and two nodes calling each other cannot deadlock on a busy worker).
// route() must be called before start(); start() and stop() from one controlling thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cpc/net/http.hpp"
#include "cpc/status.hpp"

struct MHD_Daemon;

namespace cpc::net {

namespace detail {
struct ServerCtx;
}

// May throw: an exception becomes 500 {"error":"internal error: what()"}.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::size_t max_body = 8u << 20;      // bytes; larger requests get 413
  unsigned max_connections = 1000;      // beyond it, new connections are closed at accept
  unsigned max_connections_per_ip = 0;  // 0: no per-IP limit (loopback clusters share one)
  unsigned connection_timeout_s = 30;   // an idle connection is closed after this
  unsigned threads = 2;                 // worker threads, each with its own epoll loop
  unsigned backlog = 512;               // listen(2) backlog
  unsigned blocking_threads = 8;        // threads that run route_blocking() handlers
};

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options = {});
  ~HttpServer();  // stops the server
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Sends requests whose method is `method` and whose path starts with `prefix` to
  // `handler`. The longest matching prefix wins; a path that matches a prefix only under
  // other methods gets 405, a path that matches none gets 404 (JSON errors).
  // REQUIRES: start() not called yet.
  void route(std::string method, std::string prefix, Handler handler);
  // As route(), for a handler that may block: it runs on the blocking pool, its connection
  // suspended meanwhile. At most blocking_threads such handlers run at once; the others
  // queue. REQUIRES: start() not called yet.
  void route_blocking(std::string method, std::string prefix, Handler handler);
  // As route(), for the one path `path` only (not a prefix): "/" answers "/" and leaves
  // other unknown paths to 404. An exact route wins over every prefix route.
  // REQUIRES: start() not called yet.
  void route_exact(std::string method, std::string path, Handler handler);

  // Listens on "HOST:PORT" (HOST an IPv4 address; PORT 0 lets the OS choose, see port())
  // and starts the worker threads. Errors: kBadInput for a malformed address, kIo naming
  // the address when it cannot be bound ("listen 127.0.0.1:7400: Address already in use")
  // or the server cannot start. REQUIRES: not started.
  Status start(const std::string& listen);

  // The bound port; 0 before start().
  std::uint16_t port() const { return port_; }

  // Closes the listening socket and every connection and joins the worker threads.
  // Requests in progress are cut off; blocking handlers already running are waited for
  // (their own timeouts bound the wait), queued ones are dropped. Idempotent.
  void stop();

  struct Route {
    std::string method, prefix;
    Handler handler;
    bool blocking = false;
    bool exact = false;  // route_exact(): the whole path, not a prefix
  };

 private:
  ServerOptions options_;
  std::vector<Route> routes_;
  std::unique_ptr<detail::ServerCtx> ctx_;
  MHD_Daemon* daemon_ = nullptr;
  std::uint16_t port_ = 0;
};

}  // namespace cpc::net
