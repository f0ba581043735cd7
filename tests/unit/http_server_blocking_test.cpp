// SPDX-License-Identifier: Apache-2.0
// cpc::net::HttpServer::route_blocking: a handler that waits (on the network, here on a
// sleep or on a request back to the same server) does not hold up the event loops; stop()
// with blocking handlers in flight returns.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"

using cpc::net::HttpClient;
using cpc::net::HttpServer;
using cpc::net::Request;
using cpc::net::Response;
using Clock = std::chrono::steady_clock;

TEST_CASE("blocking routes run off the event loops", "[net][server]") {
  cpc::net::ServerOptions o;
  o.threads = 1;  // one event loop: a blocking handler on it would stall everything
  o.blocking_threads = 4;
  HttpServer s(o);
  std::uint16_t port = 0;
  s.route_blocking("GET", "/slow", [](const Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return Response{200, "text/plain", "slow", {}};
  });
  s.route_blocking("GET", "/nested", [&port](const Request&) {
    HttpClient c;  // calls back into the same server, as a node calling a peer
    auto r = c.get("http://127.0.0.1:" + std::to_string(port) + "/fast");
    return Response{200, "text/plain", r ? "nested " + r->body : "failed", {}};
  });
  s.route("GET", "/fast", [](const Request&) { return Response{200, "text/plain", "fast", {}}; });
  REQUIRE(s.start("127.0.0.1:0"));
  port = s.port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);

  std::thread slow([&] {
    HttpClient c;
    auto r = c.get(base + "/slow");
    CHECK((r && r->body == "slow"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  HttpClient c;
  const auto t0 = Clock::now();
  auto fast = c.get(base + "/fast");
  CHECK(Clock::now() - t0 < std::chrono::milliseconds(250));
  REQUIRE(fast);
  CHECK(fast->body == "fast");
  auto nested = c.get(base + "/nested");
  REQUIRE(nested);
  CHECK(nested->body == "nested fast");
  slow.join();

  // Many at once: they queue on the pool and all finish.
  std::vector<cpc::net::ClientRequest> reqs(12, {"GET", base + "/nested", {}, ""});
  for (auto& r : cpc::net::perform_all(reqs, 12)) {
    REQUIRE(r);
    CHECK(r->body == "nested fast");
  }
  std::thread late([&] {
    HttpClient c2;
    (void)c2.get(base + "/slow");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  s.stop();  // waits for the running handler, then closes
  late.join();
}
