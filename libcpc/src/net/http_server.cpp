// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpServer over libmicrohttpd: listening socket, daemon options, the per-request
// state machine (headers -> body chunks -> dispatch) and routing. The access handler runs on
// libmicrohttpd's worker threads; it only touches its own connection's state and the route
// table, which is immutable once started. Blocking routes are handed to a small thread pool
// (BlockingPool) while their connection is suspended (MHD_suspend_connection); the pool
// thread stores the response in the connection's state and resumes it, and MHD calls the
// access handler again, which sends it.
#include "cpc/net/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>
#include <thread>

namespace cpc::net {

namespace detail {

// Runs blocking handlers off the event loops. stop() lets running jobs finish, drops the
// queued ones (calling their `drop` so their connections are resumed) and joins.
class BlockingPool {
 public:
  struct Job {
    std::function<void()> run, drop;
  };
  // Throws std::system_error when a thread cannot be created (after joining those that were).
  explicit BlockingPool(unsigned threads) {
    threads_.reserve(threads);
    try {
      for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
    } catch (...) {
      stop();
      throw;
    }
  }
  ~BlockingPool() { stop(); }
  void submit(Job job) {
    {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        jobs_.push_back(std::move(job));
        cv_.notify_one();
        return;
      }
    }
    job.drop();
  }
  void stop() {
    std::deque<Job> dropped;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      dropped.swap(jobs_);
      cv_.notify_all();
    }
    for (auto& j : dropped) j.drop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void loop() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job.run();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

struct ServerCtx {
  const ServerOptions* options;
  const std::vector<HttpServer::Route>* routes;
  std::unique_ptr<BlockingPool> pool;
};
}  // namespace detail

namespace {

using Ctx = detail::ServerCtx;

// One per request, from its first callback to MHD's completion notice.
struct RequestState {
  std::string body;
  bool dispatched = false;        // handed to the blocking pool, connection suspended
  std::optional<Response> ready;  // the pool's response, sent when MHD calls back
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

Response run_handler(const Handler& handler, const Request& req) {
  try {
    return handler(req);
  } catch (const std::exception& e) {
    return Response::error(500, std::string("internal error: ") + e.what());
  } catch (...) {
    return Response::error(500, "internal error");
  }
}

// The route for `req`, or nullptr with the 404/405 answer in `error`.
const HttpServer::Route* select(const std::vector<HttpServer::Route>& routes, const Request& req,
                                Response& error) {
  const HttpServer::Route* best = nullptr;
  bool path_known = false;
  for (const auto& r : routes) {
    if (r.exact ? req.path != r.prefix : req.path.compare(0, r.prefix.size(), r.prefix) != 0) {
      continue;
    }
    path_known = true;
    if (r.method == req.method &&
        (best == nullptr || (r.exact && !best->exact) ||
         (r.exact == best->exact && r.prefix.size() > best->prefix.size()))) {
      best = &r;
    }
  }
  if (best == nullptr) {
    error = path_known ? Response::error(405, "method " + req.method + " not allowed")
                       : Response::error(404, "no such path: " + req.path);
  }
  return best;
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
    if (state->ready) return send(c, *state->ready);  // resumed by the blocking pool
    if (state->dispatched) return MHD_YES;
    Request req;
    req.method = method;
    req.path = url;
    req.body = std::move(state->body);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &req.query);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &req.headers);
    req.remote_ip = remote_ip(c);
    Response error;
    const HttpServer::Route* route = select(*ctx.routes, req, error);
    if (route == nullptr) return send(c, error);
    if (!route->blocking || !ctx.pool) return send(c, run_handler(route->handler, req));
    state->dispatched = true;
    MHD_suspend_connection(c);
    const Handler* handler = &route->handler;
    auto shared = std::make_shared<Request>(std::move(req));
    ctx.pool->submit({[c, state, handler, shared] {
                        state->ready = run_handler(*handler, *shared);
                        MHD_resume_connection(c);
                      },
                      [c, state] {
                        state->ready = Response::error(503, "server shutting down");
                        MHD_resume_connection(c);
                      }});
    return MHD_YES;
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

HttpServer::HttpServer(ServerOptions options) : options_(options) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::route(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), std::move(handler), false});
}

void HttpServer::route_blocking(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), std::move(handler), true});
}

void HttpServer::route_exact(std::string method, std::string path, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler), false, true});
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
  bool any_blocking = false;
  for (const auto& r : routes_) any_blocking = any_blocking || r.blocking;
  ctx_ = std::make_unique<Ctx>(Ctx{&options_, &routes_, nullptr});
  if (any_blocking) {
    try {
      ctx_->pool = std::make_unique<detail::BlockingPool>(
          options_.blocking_threads > 0 ? options_.blocking_threads : 1);
    } catch (const std::system_error& e) {
      ::close(fd);
      ctx_.reset();
      return Status::io(std::string("cannot start the server's threads: ") + e.what());
    }
  }
  daemon_ = MHD_start_daemon(
      static_cast<unsigned>(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL) |
          (any_blocking ? static_cast<unsigned>(MHD_ALLOW_SUSPEND_RESUME) : 0u),
      0, nullptr, nullptr, on_request, ctx_.get(), MHD_OPTION_LISTEN_SOCKET,
      static_cast<MHD_socket>(fd), MHD_OPTION_CONNECTION_LIMIT, options_.max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, options_.max_connections_per_ip,
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
  // Suspended connections must be resumed before MHD stops: finish or drop the jobs first.
  if (ctx_ && ctx_->pool) ctx_->pool->stop();
  MHD_stop_daemon(daemon_);  // joins the workers, closes every socket including the listener
  daemon_ = nullptr;
  port_ = 0;
}

}  // namespace cpc::net
