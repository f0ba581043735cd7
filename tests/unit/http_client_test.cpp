// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpClient and perform_all: connection reuse, one-line transport errors,
// timeouts, the response cap, and parallel batches returned in request order.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"

using cpc::net::ClientOptions;
using cpc::net::ClientRequest;
using cpc::net::HttpClient;
using cpc::net::HttpServer;
using cpc::net::Request;
using cpc::net::Response;

namespace {

// Handlers of /slow in flight across every server of a test, and the most seen at once.
std::atomic<int> g_in_flight{0}, g_max_in_flight{0};

struct Fixture {
  Fixture() {
    cpc::net::ServerOptions o;
    o.threads = 4;
    server = std::make_unique<HttpServer>(o);
    server->route("GET", "/hello", [](const Request&) {
      return Response{200, "text/plain", "hello", {}};
    });
    server->route("GET", "/big", [](const Request&) {
      return Response{200, "application/octet-stream", std::string(100000, 'b'), {}};
    });
    server->route("GET", "/slow", [](const Request& r) {
      int now = ++g_in_flight;
      int seen = g_max_in_flight.load();
      while (now > seen && !g_max_in_flight.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(r.query.at("ms"))));
      --g_in_flight;
      return Response{200, "text/plain", r.query.at("id"), {}};
    });
    server->route("GET", "/status/", [](const Request& r) {
      return Response::error(std::stoi(r.path.substr(8)), "as asked");
    });
    REQUIRE(server->start("127.0.0.1:0"));
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }
  std::unique_ptr<HttpServer> server;
  std::string base;
};

// A port on which nothing listens (bound, then closed).
std::uint16_t dead_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

}  // namespace

TEST_CASE("client reuses one connection across requests", "[net][client]") {
  Fixture f;
  HttpClient c;
  for (int i = 0; i < 5; ++i) {
    auto r = c.get(f.base + "/hello");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello");
    CHECK(r->content_type == "text/plain");
  }
  CHECK(c.connections_opened() == 1);
  auto e = c.get(f.base + "/status/503");  // an HTTP error status is a response, not an error
  REQUIRE(e);
  CHECK(e->status == 503);
  CHECK(e->body == "{\"error\":\"as asked\"}");
}

TEST_CASE("client transport errors are one-line kIo messages", "[net][client]") {
  HttpClient c;
  std::string u = "http://127.0.0.1:" + std::to_string(dead_port()) + "/v1/x";
  auto refused = c.get(u);
  REQUIRE_FALSE(refused);
  CHECK(refused.status().code() == cpc::Code::kIo);
  CHECK(refused.status().message() == "GET " + u + ": connection refused");
  auto bad = c.get("ftp://127.0.0.1/x");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message() == "GET ftp://127.0.0.1/x: bad URL");
  CHECK_FALSE(c.perform({"BREW", u, {}, ""}));

  Fixture f;
  ClientOptions o;
  o.timeout_ms = 200;
  o.max_response = 10000;
  HttpClient strict(o);
  auto t0 = std::chrono::steady_clock::now();
  auto slow = strict.get(f.base + "/slow?ms=1500&id=1");
  // Gave up before the server's 1.5 s answer (a loose bound: correctness, not speed).
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1400));
  REQUIRE_FALSE(slow);
  CHECK(slow.status().message().find(": timed out") != std::string::npos);
  auto big = strict.get(f.base + "/big");
  REQUIRE_FALSE(big);
  CHECK(big.status().message() == "GET " + f.base + "/big: response larger than 10000 bytes");
  CHECK(strict.get(f.base + "/hello"));  // the client is still usable
}

TEST_CASE("perform_all runs a batch in parallel and keeps its order", "[net][client]") {
  // Three servers, requests spread round-robin: a server worker runs one handler at a time,
  // and which worker gets a connection is up to the kernel, so one server could serialise.
  Fixture f, g, h;
  Fixture* servers[] = {&f, &g, &h};
  g_max_in_flight = 0;
  std::vector<ClientRequest> reqs;
  for (int i = 0; i < 9; ++i) {
    reqs.push_back({"GET", servers[i % 3]->base + "/slow?ms=100&id=" + std::to_string(i), {}, ""});
  }
  reqs.insert(reqs.begin() + 4, {"GET", "http://127.0.0.1:" + std::to_string(dead_port()), {}, ""});
  auto t0 = std::chrono::steady_clock::now();
  auto results = cpc::net::perform_all(reqs, 3);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(results.size() == 10);
  int id = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i == 4) {
      REQUIRE_FALSE(results[i]);
      CHECK(results[i].status().message().find("connection refused") != std::string::npos);
      continue;
    }
    REQUIRE(results[i]);
    CHECK(results[i]->body == std::to_string(id++));
  }
  CHECK(g_max_in_flight <= 3);
  CHECK(g_max_in_flight >= 2);                           // it did run in parallel
  CHECK(elapsed >= std::chrono::milliseconds(3 * 100));  // never more than 3 at a time
  CHECK(cpc::net::perform_all({}, 3).empty());
}
