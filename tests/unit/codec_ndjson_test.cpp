// SPDX-License-Identifier: Apache-2.0
// ndjson::LineReader and LineWriter over pipes and temporary files: line ends (LF, CRLF,
// none at the end), blank lines and their numbering, lines across buffer boundaries, huge
// lines refused without being read whole, read and write errors, broken pipes.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "cpc/codec/ndjson.hpp"

using cpc::ndjson::LineReader;
using cpc::ndjson::LineWriter;

namespace {

using Lines = std::vector<std::pair<std::size_t, std::string>>;  // (line number, text)

// A temporary file holding `content`, open for reading at offset 0; removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/cpc_ndjson_XXXXXX";
    fd_ = mkstemp(name);
    REQUIRE(fd_ >= 0);
    unlink(name);
    REQUIRE(write(fd_, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    REQUIRE(lseek(fd_, 0, SEEK_SET) == 0);
  }
  ~TempFile() { close(fd_); }
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A pipe whose write end is fed `content` by a thread, in chunks of random sizes.
class FedPipe {
 public:
  explicit FedPipe(std::string content) : content_(std::move(content)) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    read_fd_ = fds[0];
    writer_ = std::thread([this, w = fds[1]] {
      std::mt19937 rng(7);
      std::size_t at = 0;
      while (at < content_.size()) {
        std::size_t n = std::min<std::size_t>(content_.size() - at, 1 + rng() % 200'000);
        ssize_t k = write(w, content_.data() + at, n);
        if (k <= 0) break;  // the reader closed its end
        at += static_cast<std::size_t>(k);
        written_ = at;
      }
      close(w);
    });
  }
  ~FedPipe() {
    close_reader();
    join();
  }
  int fd() const { return read_fd_; }
  void close_reader() {
    if (read_fd_ >= 0) close(read_fd_);
    read_fd_ = -1;
  }
  void join() {
    if (writer_.joinable()) writer_.join();
  }
  std::size_t written() const { return written_; }

 private:
  std::string content_;
  int read_fd_ = -1;
  std::atomic<std::size_t> written_ = 0;
  std::thread writer_;  // last: starts once the rest is initialised
};

// SIGPIPE ignored for the scope, so that writes to a closed pipe fail with EPIPE.
struct IgnoreSigpipe {
  IgnoreSigpipe() { old_ = signal(SIGPIPE, SIG_IGN); }
  ~IgnoreSigpipe() { signal(SIGPIPE, old_); }
  void (*old_)(int);
};

Lines read_all(LineReader& reader) {
  Lines lines;
  std::string_view line;
  for (;;) {
    auto more = reader.next(line);
    REQUIRE(more);
    if (!*more) break;
    lines.emplace_back(reader.line_number(), std::string(line));
  }
  // End of input is sticky.
  auto again = reader.next(line);
  REQUIRE(again);
  CHECK_FALSE(*again);
  return lines;
}

Lines read_file(const std::string& content, std::size_t max_line = 16 << 20) {
  TempFile file(content);
  LineReader reader(file.fd(), max_line);
  return read_all(reader);
}

}  // namespace

TEST_CASE("ndjson LineReader splits lines", "[codec][ndjson]") {
  CHECK(read_file("").empty());
  CHECK(read_file("a\nb\n") == Lines{{1, "a"}, {2, "b"}});
  CHECK(read_file("a\nb") == Lines{{1, "a"}, {2, "b"}});  // no final newline
  CHECK(read_file("{\"a\":1}\r\n{\"b\":2}\r\n") == Lines{{1, "{\"a\":1}"}, {2, "{\"b\":2}"}});
  CHECK(read_file("a\r") == Lines{{1, "a"}});
  CHECK(read_file("a\rb\r\r\n") == Lines{{1, "a\rb\r"}});  // only the last CR goes
  // Blank lines are skipped but counted, so numbers match `sed -n Np`.
  CHECK(read_file("\n  \n{x}\n\t\r\n\r\n{y}\n\n \t") == Lines{{3, "{x}"}, {6, "{y}"}});
  CHECK(read_file("\n\n\n").empty());
  CHECK(read_file(" x ") == Lines{{1, " x "}});  // other lines are returned as they are
}

TEST_CASE("ndjson LineReader carries lines across buffer boundaries", "[codec][ndjson]") {
  // ~12 MiB of lines from 0 to 300 KB, many around the 90 KB of sealed-stream chunks.
  std::mt19937 rng(42);
  std::string content;
  Lines expected;
  std::size_t number = 0;
  while (content.size() < (12u << 20)) {
    ++number;
    std::size_t len = rng() % 4 == 0 ? rng() % 300'000 : 90'000 + rng() % 100;
    if (rng() % 10 == 0) len = 0;
    std::string line(len, static_cast<char>('a' + number % 26));
    if (len > 0) line[0] = '{';
    content += line;
    content += rng() % 3 == 0 ? "\r\n" : "\n";
    if (len > 0) expected.emplace_back(number, std::move(line));
  }
  content.pop_back();  // the last line ends without "\n"
  if (content.back() == '\r') content.pop_back();
  SECTION("file") {
    CHECK(read_file(content) == expected);
  }
  SECTION("pipe, written in random chunks") {
    FedPipe pipe(content);
    LineReader reader(pipe.fd());
    CHECK(read_all(reader) == expected);
  }
  SECTION("small max_line: the buffer is max_line + 2") {
    CHECK(read_file(content, 300'000) == expected);
  }
}

TEST_CASE("ndjson LineReader refuses long lines without reading them whole", "[codec][ndjson]") {
  CHECK(read_file(std::string(10, 'x') + "\r\n" + std::string(10, 'y'), 10).size() == 2);

  {
    TempFile file("ok\n" + std::string(11, 'x') + "\nok\n");
    LineReader reader(file.fd(), 10);
    std::string_view line;
    REQUIRE(reader.next(line).value());
    auto r = reader.next(line);
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == cpc::Code::kBadInput);
    CHECK(r.status().message() == "line 2: record longer than 10 bytes");
    CHECK(reader.next(line).status().message() == "line 2: record longer than 10 bytes");
  }
  {  // a last line without "\n"
    TempFile file("\n" + std::string(11, 'x'));
    LineReader reader(file.fd(), 10);
    std::string_view line;
    CHECK(reader.next(line).status().message() == "line 2: record longer than 10 bytes");
  }
  {  // a line longer than the initial 1 MiB buffer but within the limit
    std::string big(3u << 20, 'b');
    CHECK(read_file("a\n" + big + "\nc", 3u << 20) == Lines{{1, "a"}, {2, big}, {3, "c"}});
  }
  {  // 256 MiB without a newline through a pipe: refused after about max_line bytes
    IgnoreSigpipe ignore;
    FedPipe pipe(std::string(256u << 20, 'z'));
    LineReader reader(pipe.fd(), 2u << 20);
    std::string_view line;
    auto r = reader.next(line);
    CHECK(r.status().message() == "line 1: record longer than 2097152 bytes");
    pipe.close_reader();
    pipe.join();
    CHECK(pipe.written() < (3u << 20));
  }
}

TEST_CASE("ndjson LineReader reports read errors", "[codec][ndjson]") {
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  REQUIRE(dir >= 0);
  LineReader reader(dir);
  std::string_view line;
  auto r = reader.next(line);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == cpc::Code::kIo);
  CHECK(r.status().message() == "read failed: Is a directory");
  close(dir);
}

TEST_CASE("ndjson LineWriter buffers and writes everything", "[codec][ndjson]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::string received;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) received.append(buf, n);
    close(fds[0]);
  });
  std::string expected;
  {
    LineWriter writer(fds[1], 64);
    for (int i = 0; i < 1000; ++i) {
      std::string record = "{\"i\":" + std::to_string(i) + "}";
      if (i % 100 == 0) record += std::string(1000, ' ');  // larger than the buffer
      REQUIRE(writer.append_line(record));
      expected += record + "\n";
    }
    REQUIRE(writer.append("tail"));
    REQUIRE(writer.append(""));
    expected += "tail";
    REQUIRE(writer.flush());
    REQUIRE(writer.flush());                   // nothing left: a no-op
    REQUIRE(writer.append_line("unflushed"));  // written by the destructor
    expected += "unflushed\n";
  }
  close(fds[1]);
  reader.join();
  CHECK(received == expected);
}

TEST_CASE("ndjson LineWriter reports broken pipes and write errors", "[codec][ndjson]") {
  IgnoreSigpipe ignore;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  close(fds[0]);
  {
    LineWriter writer(fds[1]);
    REQUIRE(writer.append_line("{}"));  // buffered
    auto s = writer.flush();
    CHECK(s.code() == cpc::Code::kIo);
    CHECK(s.message() == "broken pipe");
    CHECK(writer.append_line("{}").message() == "broken pipe");  // sticky
  }
  close(fds[1]);

  int ro = open("/dev/null", O_RDONLY);
  LineWriter writer(ro);
  REQUIRE(writer.append("x"));
  CHECK(writer.flush().message() == "write failed: Bad file descriptor");
  close(ro);
}

TEST_CASE("ndjson LineWriter to LineReader round trip", "[codec][ndjson]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::thread producer([w = fds[1]] {
    LineWriter writer(w, 4096);
    for (int i = 0; i < 20000; ++i) {
      if (!writer.append_line("{\"n\":" + std::to_string(i) + "}")) break;
    }
    (void)writer.flush();
    close(w);
  });
  LineReader reader(fds[0], 64);
  std::string_view line;
  int count = 0;
  while (reader.next(line).value()) {
    REQUIRE(line == "{\"n\":" + std::to_string(count) + "}");
    ++count;
  }
  CHECK(count == 20000);
  CHECK(reader.line_number() == 20000);
  producer.join();
  close(fds[0]);
}
