// SPDX-License-Identifier: Apache-2.0
// cpc::net::http_get, the static tools' tiny GET client: bodies from the project's
// HttpServer (Content-Length), chunked bodies and close-delimited bodies from a raw socket
// peer, the size cap, status codes passed through, and one-line transport errors.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "cpc/net/http_get.hpp"
#include "cpc/net/http_server.hpp"

using cpc::net::http_get;

namespace {

// Serves one connection with a canned reply (after reading the request head).
struct RawPeer {
  int listen_fd = -1;
  std::uint16_t port = 0;
  std::thread thread;
  explicit RawPeer(std::string reply) {
    listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_fd, 1) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this, reply] {
      int c = ::accept(listen_fd, nullptr, nullptr);
      if (c < 0) return;
      std::string head;
      char buf[1024];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~RawPeer() {
    thread.join();
    ::close(listen_fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/x"; }
};

}  // namespace

TEST_CASE("http_get: bodies and statuses from HttpServer", "[net][http_get]") {
  cpc::net::HttpServer server;
  server.route("GET", "/hello", [](const cpc::net::Request&) {
    return cpc::net::Response{200, "text/plain", "hello", {}};
  });
  server.route("GET", "/big", [](const cpc::net::Request&) {
    return cpc::net::Response{200, "application/octet-stream", std::string(300000, 'b'), {}};
  });
  REQUIRE(server.start("127.0.0.1:0"));
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());

  auto r = http_get(base + "/hello");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "hello");

  auto big = http_get(base + "/big");
  REQUIRE(big);
  CHECK(big->body == std::string(300000, 'b'));

  auto missing = http_get(base + "/nothing");
  REQUIRE(missing);
  CHECK(missing->status == 404);

  cpc::net::GetOptions small;
  small.max_body = 1000;
  auto capped = http_get(base + "/big", small);
  REQUIRE_FALSE(capped);
  CHECK(capped.status().message().find("larger than 1000 bytes") != std::string::npos);
  server.stop();
}

TEST_CASE("http_get: chunked and close-delimited bodies", "[net][http_get]") {
  {
    RawPeer peer(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
    auto r = http_get(peer.url());
    REQUIRE(r);
    CHECK(r->body == "hello, world");
  }
  {
    RawPeer peer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
    auto r = http_get(peer.url());
    REQUIRE(r);
    CHECK(r->body == "until the end");
  }
  {
    RawPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    auto r = http_get(peer.url());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("closed before the response ended") != std::string::npos);
  }
  {
    RawPeer peer("garbage\r\n\r\n");
    auto r = http_get(peer.url());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("malformed status line") != std::string::npos);
  }
}

TEST_CASE("http_get: transport errors are one line", "[net][http_get]") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/";
  ::close(fd);
  auto refused = http_get(url);
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message() == "GET " + url + ": connection refused");

  auto https = http_get("https://127.0.0.1/");
  REQUIRE_FALSE(https);
  CHECK(https.status().message().find("only http://") != std::string::npos);
  auto name = http_get("http://example.invalid/");
  REQUIRE_FALSE(name);
  CHECK(name.status().message().find("IPv4 address or localhost") != std::string::npos);
}
