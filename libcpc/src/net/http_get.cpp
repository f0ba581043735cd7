// SPDX-License-Identifier: Apache-2.0
// A minimal blocking HTTP/1.1 GET client over POSIX sockets (cpc/net/http_get.hpp).
#include "cpc/net/http_get.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace cpc::net {

namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Conn {
  int fd;
  int timeout_ms;
  Clock::time_point deadline;
  std::string buf;  // received, not yet consumed
  std::size_t pos = 0;
  bool eof = false;

  // Waits for `events`; false on timeout.
  bool wait(short events) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    int ms = static_cast<int>(std::min<long long>(left, timeout_ms));
    if (ms <= 0) return false;
    pollfd p{fd, events, 0};
    int r;
    do {
      r = ::poll(&p, 1, ms);
    } while (r < 0 && errno == EINTR);
    return r > 0;
  }
  // Reads more into buf. Errors: a reason string; "" on success (eof set at the end).
  std::string fill() {
    if (!wait(POLLIN)) return "timed out";
    char tmp[16384];
    ssize_t n;
    do {
      n = ::recv(fd, tmp, sizeof tmp, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return std::strerror(errno);
    if (n == 0) eof = true;
    buf.append(tmp, static_cast<std::size_t>(n));
    return "";
  }
  std::size_t avail() const { return buf.size() - pos; }
  // A line without its CRLF.
  std::string line(std::string& err) {
    for (;;) {
      auto nl = buf.find("\r\n", pos);
      if (nl != std::string::npos) {
        std::string l = buf.substr(pos, nl - pos);
        pos = nl + 2;
        return l;
      }
      if (buf.size() - pos > 65536) {
        err = "header line too long";
        return "";
      }
      if (eof) {
        err = "connection closed before the response ended";
        return "";
      }
      err = fill();
      if (!err.empty()) return "";
    }
  }
  // Exactly n bytes appended to out.
  std::string take(std::size_t n, std::string& out) {
    while (avail() < n) {
      if (eof) return "connection closed before the response ended";
      std::string e = fill();
      if (!e.empty()) return e;
    }
    out.append(buf, pos, n);
    pos += n;
    if (pos > (1u << 20)) {
      buf.erase(0, pos);
      pos = 0;
    }
    return "";
  }
};

bool parse_size(const std::string& s, int base, std::size_t& out) {
  if (s.empty()) return false;
  std::size_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    if (v > (std::size_t{1} << 48)) return false;
    v = v * static_cast<std::size_t>(base) + static_cast<std::size_t>(d);
  }
  out = v;
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<GetResponse> http_get(const std::string& url, const GetOptions& options) {
  auto fail = [&](const std::string& why) { return Status::io("GET " + url + ": " + why); };
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return fail("only http:// URLs are supported");
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string hostport = rest.substr(0, slash);
  const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = hostport, port = "80";
  if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  if (host.empty() || port.empty()) return fail("bad URL");

  // No resolver: getaddrinfo would need glibc's shared NSS modules in a static binary.
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  std::size_t port_num = 0;
  if (!parse_size(port, 10, port_num) || port_num == 0 || port_num > 65535) return fail("bad port");
  addr.sin_port = htons(static_cast<std::uint16_t>(port_num));
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr) != 1) {
    return fail("host must be an IPv4 address or localhost");
  }
  Fd sock;
  std::string err;
  const auto deadline = Clock::now() + std::chrono::milliseconds(4LL * options.timeout_ms);
  sock.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (sock.fd < 0) return fail(std::strerror(errno));
  int rc = ::connect(sock.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  if (rc != 0 && errno == EINPROGRESS) {
    Conn c{sock.fd, options.timeout_ms, deadline};
    if (!c.wait(POLLOUT)) return fail("connect timed out");
    int so = 0;
    socklen_t len = sizeof so;
    ::getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &so, &len);
    if (so != 0) return fail(so == ECONNREFUSED ? "connection refused" : std::strerror(so));
  } else if (rc != 0) {
    return fail(errno == ECONNREFUSED ? "connection refused" : std::strerror(errno));
  }

  Conn c{sock.fd, options.timeout_ms, deadline};
  const std::string req = "GET " + target + " HTTP/1.1\r\nHost: " + hostport +
                          "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  for (std::size_t off = 0; off < req.size();) {
    if (!c.wait(POLLOUT)) return fail("timed out");
    ssize_t n = ::send(sock.fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return fail(std::strerror(errno));
    if (n > 0) off += static_cast<std::size_t>(n);
  }

  GetResponse out;
  std::string status_line = c.line(err);
  if (!err.empty()) return fail(err);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    return fail("malformed status line");
  }
  out.status = std::atoi(status_line.substr(9, 3).c_str());
  if (out.status < 100 || out.status > 599) return fail("malformed status line");
  std::optional<std::size_t> length;
  bool chunked = false;
  for (;;) {
    std::string h = c.line(err);
    if (!err.empty()) return fail(err);
    if (h.empty()) break;
    auto colon = h.find(':');
    if (colon == std::string::npos) return fail("malformed header");
    const std::string name = lower(h.substr(0, colon));
    std::string value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    if (name == "content-length") {
      std::size_t n = 0;
      if (!parse_size(value, 10, n)) return fail("bad Content-Length");
      length = n;
    } else if (name == "transfer-encoding") {
      chunked = lower(value).find("chunked") != std::string::npos;
    }
  }
  const std::string too_big = "response larger than " + std::to_string(options.max_body) + " bytes";
  if (chunked) {
    for (;;) {
      std::string size_line = c.line(err);
      if (!err.empty()) return fail(err);
      size_line = size_line.substr(0, size_line.find(';'));
      std::size_t n = 0;
      if (!parse_size(size_line, 16, n)) return fail("bad chunk size");
      if (n == 0) break;  // trailers ignored
      if (out.body.size() + n > options.max_body) return fail(too_big);
      if (auto e = c.take(n, out.body); !e.empty()) return fail(e);
      std::string crlf = c.line(err);
      if (!err.empty() || !crlf.empty()) return fail("malformed chunk");
    }
  } else if (length) {
    if (*length > options.max_body) return fail(too_big);
    if (auto e = c.take(*length, out.body); !e.empty()) return fail(e);
  } else {
    for (;;) {
      out.body.append(c.buf, c.pos, std::string::npos);
      c.buf.clear();
      c.pos = 0;
      if (out.body.size() > options.max_body) return fail(too_big);
      if (c.eof) break;
      if (auto e = c.fill(); !e.empty()) return fail(e);
    }
  }
  return out;
}

}  // namespace cpc::net
