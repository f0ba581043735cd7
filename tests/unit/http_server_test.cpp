// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpServer: routing, errors, body limits (413 before the body is read),
// malformed requests, idle connections, per-IP limit, timeouts, clean start and stop.
#include <dirent.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"
#include "raw_socket.hpp"

using cpc::net::HttpClient;
using cpc::net::HttpServer;
using cpc::net::Request;
using cpc::net::Response;
using cpc::test::RawSocket;
using Clock = std::chrono::steady_clock;

namespace {

// A server on 127.0.0.1 with an OS-chosen port and a few routes.
std::unique_ptr<HttpServer> start_server(cpc::net::ServerOptions o = {}) {
  auto s = std::make_unique<HttpServer>(o);
  s->route("GET", "/v1/", [](const Request& r) {
    nlohmann::json j = {{"path", r.path}, {"query", r.query}, {"ip", r.remote_ip}};
    if (r.headers.count("x-test")) j["x-test"] = r.headers.at("x-test");
    return Response{200, "application/json", j.dump(), {{"X-Route", "v1"}}};
  });
  s->route("GET", "/v1/blobs/", [](const Request&) {
    return Response{200, "text/plain", "longest prefix", {}};
  });
  s->route("POST", "/v1/echo", [](const Request& r) {
    return Response{201, "application/octet-stream", r.body, {}};
  });
  s->route("PUT", "/v1/echo", [](const Request& r) {
    return Response{200, "application/octet-stream", r.method + ":" + r.body, {}};
  });
  s->route("GET", "/throw",
           [](const Request&) -> Response { throw std::runtime_error("boom \"quoted\""); });
  REQUIRE(s->start("127.0.0.1:0"));
  REQUIRE(s->port() != 0);
  return s;
}

std::string url(const HttpServer& s, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(s.port()) + path;
}

int open_fds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (::readdir(d) != nullptr) ++n;
  ::closedir(d);
  return n;
}

}  // namespace

TEST_CASE("server routes by method and longest prefix", "[net][server]") {
  auto s = start_server();
  HttpClient c;
  auto r = c.perform({"GET", url(*s, "/v1/status?a=1&b=x%20y"), {{"X-Test", "hi"}}, ""});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->content_type == "application/json");
  auto j = nlohmann::json::parse(r->body);
  CHECK(j["path"] == "/v1/status");
  CHECK(j["query"]["a"] == "1");
  CHECK(j["query"]["b"] == "x y");
  CHECK(j["ip"] == "127.0.0.1");
  CHECK(j["x-test"] == "hi");
  CHECK(c.get(url(*s, "/v1/blobs/abc"))->body == "longest prefix");

  auto p = c.post(url(*s, "/v1/echo"), std::string("\0binary\xff", 8));
  REQUIRE(p);
  CHECK(p->status == 201);
  CHECK(p->body == std::string("\0binary\xff", 8));
  CHECK(c.put(url(*s, "/v1/echo"), "x")->body == "PUT:x");

  auto missing = c.get(url(*s, "/nothing"));
  CHECK(missing->status == 404);
  CHECK(nlohmann::json::parse(missing->body)["error"] == "no such path: /nothing");
  auto wrong = c.perform({"DELETE", url(*s, "/v1/echo"), {}, ""});
  CHECK(wrong->status == 405);
  auto thrown = c.get(url(*s, "/throw"));
  CHECK(thrown->status == 500);
  CHECK(nlohmann::json::parse(thrown->body)["error"] == "internal error: boom \"quoted\"");
}

TEST_CASE("server exact routes match one path only and win over prefixes", "[net][server]") {
  auto s = std::make_unique<HttpServer>();
  s->route_exact("GET", "/", [](const Request&) {
    return Response{200, "text/html; charset=utf-8", "<p>root</p>", {{"X-Exact", "1"}}};
  });
  s->route_exact("GET", "/v1/status", [](const Request&) {
    return Response{200, "text/plain", "exact status", {}};
  });
  s->route("GET", "/v1/", [](const Request&) { return Response{200, "text/plain", "v1", {}}; });
  REQUIRE(s->start("127.0.0.1:0"));
  HttpClient c;
  auto root = c.get(url(*s, "/"));
  REQUIRE(root);
  CHECK(root->status == 200);
  CHECK(root->content_type == "text/html; charset=utf-8");
  CHECK(root->body == "<p>root</p>");
  CHECK(c.get(url(*s, "/v1/status"))->body == "exact status");
  CHECK(c.get(url(*s, "/v1/status/x"))->body == "v1");
  // "/" is not a prefix: other paths are still unknown (404), for every method.
  CHECK(c.get(url(*s, "/index.htm"))->status == 404);
  CHECK(c.perform({"POST", url(*s, "/nothing"), {}, "x"})->status == 404);
  CHECK(c.perform({"POST", url(*s, "/"), {}, "x"})->status == 405);
}

TEST_CASE("server refuses an oversized body with 413 before reading it", "[net][server]") {
  cpc::net::ServerOptions o;
  o.max_body = 64 * 1024;
  auto s = start_server(o);
  // 300 MB announced, a few bytes sent: the answer comes at once, not after an upload.
  RawSocket raw(s->port());
  REQUIRE(raw.connected());
  REQUIRE(raw.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\nabc"));
  auto t0 = Clock::now();
  std::string reply = raw.receive(5000, "}");
  CHECK(Clock::now() - t0 < std::chrono::seconds(2));
  CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(reply.find("{\"error\":\"request body larger than 65536 bytes\"}") != std::string::npos);

  HttpClient c;  // through the client: just over the limit is refused, at the limit served
  CHECK(c.post(url(*s, "/v1/echo"), std::string(o.max_body + 1, 'x'))->status == 413);
  auto at = c.post(url(*s, "/v1/echo"), std::string(o.max_body, 'x'));
  REQUIRE(at);
  CHECK(at->status == 201);
  CHECK(at->body.size() == o.max_body);
  // An absurd Content-Length is refused the same way.
  RawSocket huge(s->port());
  REQUIRE(
      huge.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                "99999999999999999999999\r\n\r\n"));
  std::string r2 = huge.receive(5000);
  CHECK((r2.rfind("HTTP/1.1 413", 0) == 0 || r2.rfind("HTTP/1.1 400", 0) == 0));
}

TEST_CASE("server stops reading a chunked body that passes the limit", "[net][server]") {
  cpc::net::ServerOptions o;
  o.max_body = 1024;
  auto s = start_server(o);
  RawSocket raw(s->port());
  REQUIRE(raw.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string chunk = "400\r\n" + std::string(1024, 'a') + "\r\n";
  for (int i = 0; i < 4 && raw.send(chunk); ++i) {
  }
  std::string reply = raw.receive(5000, "");
  CHECK(raw.closed());
  CHECK(reply.find("201") == std::string::npos);
  // A chunked body within the limit is accepted.
  RawSocket ok(s->port());
  REQUIRE(
      ok.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "5\r\nhello\r\n0\r\n\r\n"));
  std::string good = ok.receive(5000, "hello");
  CHECK(good.rfind("HTTP/1.1 201", 0) == 0);
}

TEST_CASE("server answers malformed requests with 4xx and keeps serving", "[net][server]") {
  auto s = start_server();
  const char* bad[] = {
      "GARBAGE\r\n\r\n",
      "GET /v1/x HTTP/1.1\r\n\r\n",                                        // no Host
      "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",  // bad length
      "GET /v1/x HTTP/9.9\r\nHost: x\r\n\r\n",                             // unknown version
  };
  for (const char* req : bad) {
    RawSocket raw(s->port());
    REQUIRE(raw.send(req));
    std::string reply = raw.receive(3000, "\r\n");
    INFO(req << " -> " << reply);
    CHECK((reply.rfind("HTTP/1.1 4", 0) == 0 || reply.rfind("HTTP/1.1 505", 0) == 0 ||
           (reply.empty() && raw.closed())));
  }
  {  // headers larger than the per-connection memory
    RawSocket raw(s->port());
    raw.send("GET /v1/x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'b') + "\r\n\r\n");
    std::string reply = raw.receive(3000, "\r\n");
    CHECK((reply.rfind("HTTP/1.1 4", 0) == 0 || raw.closed()));
  }
  HttpClient c;
  auto r = c.get(url(*s, "/v1/after"));
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("300 idle connections do not stop a normal request", "[net][server]") {
  auto s = start_server();
  std::vector<std::unique_ptr<RawSocket>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<RawSocket>(s->port()));
    REQUIRE(idle.back()->connected());
    if (i % 2 == 0) idle.back()->send("GET /v1/slow HTTP/1.1\r\nHost: x\r\n");  // half a request
  }
  cpc::net::ClientOptions co;
  co.timeout_ms = 5000;
  HttpClient c(co);
  auto t0 = Clock::now();
  auto r = c.get(url(*s, "/v1/ping"));
  auto elapsed = Clock::now() - t0;
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(elapsed < std::chrono::seconds(1));  // generous: typically well under 10 ms
}

TEST_CASE("server enforces the per-IP limit and the idle timeout", "[net][server]") {
  cpc::net::ServerOptions o;
  o.max_connections_per_ip = 2;
  o.connection_timeout_s = 1;
  auto s = start_server(o);
  auto a = std::make_unique<RawSocket>(s->port());
  auto b = std::make_unique<RawSocket>(s->port());
  REQUIRE(a->send("GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\n"));  // served: the slots are in use
  REQUIRE(a->receive(3000, "}").rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(b->send("GET /v1/b HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(b->receive(3000, "}").rfind("HTTP/1.1 200", 0) == 0);
  HttpClient c;
  auto refused = c.get(url(*s, "/v1/third"));  // a third from the same IP is closed
  CHECK_FALSE(refused);
  // The idle timeout closes a and b, freeing the slots.
  a->receive(4000, "");
  b->receive(4000, "");
  CHECK(a->closed());
  CHECK(b->closed());
  // MHD releases the per-IP slot when it cleans the connection up, just after the close.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto later = c.get(url(*s, "/v1/third"));
  REQUIRE(later);
  CHECK(later->status == 200);
}

TEST_CASE("server start errors, stop is clean and idempotent", "[net][server]") {
  HttpServer bad;
  CHECK(bad.start("127.0.0.1").code() == cpc::Code::kBadInput);
  CHECK(bad.start("localhost:80").code() == cpc::Code::kBadInput);
  CHECK(bad.start("127.0.0.1:70000").code() == cpc::Code::kBadInput);
  auto s = start_server();
  HttpServer clash;
  cpc::Status st = clash.start("127.0.0.1:" + std::to_string(s->port()));
  CHECK(st.code() == cpc::Code::kIo);
  CHECK(st.message() ==
        "listen 127.0.0.1:" + std::to_string(s->port()) + ": Address already in use");
  s->stop();
  s->stop();
  CHECK(s->port() == 0);

  const int before = open_fds();
  for (int i = 0; i < 3; ++i) {
    auto t = start_server();
    HttpClient c;
    CHECK(c.get(url(*t, "/v1/x"))->status == 200);
  }  // servers and clients destroyed: sockets closed, threads joined
  CHECK(open_fds() == before);
}

TEST_CASE("server serves concurrent clients", "[net][server]") {
  cpc::net::ServerOptions o;
  o.threads = 4;
  auto s = start_server(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      HttpClient c;
      for (int i = 0; i < 50; ++i) {
        std::string body = std::to_string(t) + "/" + std::to_string(i);
        auto r = c.post(url(*s, "/v1/echo"), body);
        if (r && r->status == 201 && r->body == body) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 400);
}
