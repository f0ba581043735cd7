// SPDX-License-Identifier: Apache-2.0
// cpc::progress: the line's formatting for given sizes, rates and widths, and the drawing
// rules (nothing off a terminal in the automatic mode, nothing before kShowAfter, at most
// one redraw per kRedrawEvery, the line erased at the end), on a pipe with a fake clock.
#include "cpc/io/progress.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

using cpc::progress::LineState;
using cpc::progress::Mode;
using cpc::progress::Progress;
using cpc::progress::render_line;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

// A pipe that the Progress draws on; drain() returns what was written so far.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    REQUIRE(::pipe(fds) == 0);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  std::string drain() {
    std::string s;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) s.append(buf, n);
    return s;
  }
};

// A clock the test moves by hand.
struct FakeClock {
  Progress::Clock::time_point t{std::chrono::seconds(1000)};
  std::function<Progress::Clock::time_point()> fn() {
    return [this] { return t; };
  }
};

std::size_t count(const std::string& s, char c) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), c));
}

}  // namespace

TEST_CASE("progress: sizes in binary units with one decimal", "[progress]") {
  using cpc::progress::format_size;
  CHECK(format_size(0) == "0 B");
  CHECK(format_size(1023) == "1023 B");
  CHECK(format_size(1024) == "1.0 KiB");
  CHECK(format_size(12595) == "12.3 KiB");
  CHECK(format_size(450 * kMiB) == "450.0 MiB");
  CHECK(format_size(1024 * kMiB) == "1.0 GiB");
  CHECK(format_size(1024 * kMiB - 1) == "1.0 GiB");  // not "1024.0 MiB"
  CHECK(format_size(UINT64_MAX) == "16.0 EiB");
}

TEST_CASE("progress: rates with one decimal below 10 units", "[progress]") {
  using cpc::progress::format_rate;
  CHECK(format_rate(0) == "0 B/s");
  CHECK(format_rate(850) == "850 B/s");
  CHECK(format_rate(9.5 * kMiB) == "9.5 MiB/s");
  CHECK(format_rate(112.0 * kMiB) == "112 MiB/s");
  CHECK(format_rate(-1) == "0 B/s");
}

TEST_CASE("progress: durations as s, m and h", "[progress]") {
  using cpc::progress::format_duration;
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(5.2) == "5s");
  CHECK(format_duration(65) == "1m05s");
  CHECK(format_duration(2 * 3600 + 3 * 60 + 10) == "2h03m");
  CHECK(format_duration(-1) == "--");
  CHECK(format_duration(1e12) == "--");
}

TEST_CASE("progress: a line with a total has bar, percentage, sizes, rate, ETA", "[progress]") {
  LineState st{"cpc-put", 450 * kMiB, 1024 * kMiB, 112.0 * kMiB, true};
  const std::string line = render_line(st, 80);
  CHECK(line == "cpc-put  [#######..........]   43%   450.0 MiB / 1.0 GiB   112 MiB/s  ETA 5s");
  CHECK(line.size() <= 79);
  // The bar takes the room a wider terminal gives; the fields do not move inside it.
  const std::string wide = render_line(st, 120);
  CHECK(wide.size() == line.size() + 40);
  CHECK(wide.find("]   43%   450.0 MiB / 1.0 GiB   112 MiB/s  ETA 5s") != std::string::npos);
}

TEST_CASE("progress: the bar keeps its length while the numbers change", "[progress]") {
  LineState a{"cpc-get", 3 * kMiB, 64 * kMiB, 9.5 * kMiB, true};
  LineState b{"cpc-get", 63 * kMiB, 64 * kMiB, 450.0 * kMiB, true};
  const std::string la = render_line(a, 100), lb = render_line(b, 100);
  CHECK(la.find(']') == lb.find(']'));
  CHECK(la.find("  4%") != std::string::npos);
  CHECK(lb.find(" 98%") != std::string::npos);
}

TEST_CASE("progress: 100% at the end, and for an empty total", "[progress]") {
  LineState done{"x", 10, 10, 5, false};
  CHECK(render_line(done, 60) == "x  [#################]  100%        10 B / 10 B       5 B/s");
  LineState empty{"x", 0, 0, 0, true};
  CHECK(render_line(empty, 60).find("100%") != std::string::npos);
  LineState over{"x", 20, 10, 0, true};  // never more than 100%
  CHECK(render_line(over, 60).find("100%") != std::string::npos);
}

TEST_CASE("progress: narrow terminals drop the ETA, the rate, then the bar", "[progress]") {
  LineState st{"cpc-put", 450 * kMiB, 1024 * kMiB, 112.0 * kMiB, true};
  const std::string no_eta = render_line(st, 70);
  CHECK(no_eta.find("ETA") == std::string::npos);
  CHECK(no_eta.find("MiB/s") != std::string::npos);
  CHECK(no_eta.find('[') != std::string::npos);
  const std::string no_rate = render_line(st, 55);
  CHECK(no_rate.find("MiB/s") == std::string::npos);
  CHECK(no_rate.find('[') != std::string::npos);
  CHECK(render_line(st, 40) == "cpc-put   43%   450.0 MiB / 1.0 GiB");
  for (std::size_t w : {0, 1, 2, 10, 30, 45, 60, 79, 80, 81, 200}) {
    CHECK(render_line(st, w).size() <= (w > 1 ? w - 1 : 1));
  }
}

TEST_CASE("progress: without a total, bytes and rate only", "[progress]") {
  LineState st{"cpc-encrypt", 450 * kMiB, std::nullopt, 112.0 * kMiB, true};
  CHECK(render_line(st, 80) == "cpc-encrypt  450.0 MiB  112 MiB/s");
  st.rate = 0;
  CHECK(render_line(st, 80) == "cpc-encrypt  450.0 MiB");
}

TEST_CASE("progress: the size left of a regular file, none for a pipe", "[progress]") {
  char path[] = "/tmp/cpc-progress-test-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::unlink(path);
  REQUIRE(::write(fd, "0123456789", 10) == 10);
  ::lseek(fd, 4, SEEK_SET);
  CHECK(cpc::progress::remaining_size(fd) == std::optional<std::uint64_t>(6));
  ::close(fd);
  Pipe p;
  CHECK(!cpc::progress::remaining_size(p.fds[0]));
}

TEST_CASE("progress: flags: -q and --no-progress win over --progress", "[progress]") {
  using cpc::progress::mode_from_flags;
  CHECK(mode_from_flags(false, false) == Mode::kAuto);
  CHECK(mode_from_flags(true, false) == Mode::kAlways);
  CHECK(mode_from_flags(true, true) == Mode::kNever);
  CHECK(mode_from_flags(false, true) == Mode::kNever);
}

TEST_CASE("progress: on a terminal, nothing before kShowAfter, erased by finish()", "[progress]") {
  ::setenv("TERM", "xterm", 1);
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  int tty = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(tty >= 0);
  ::fcntl(master, F_SETFL, O_NONBLOCK);
  auto drain = [&] {
    std::string s;
    char buf[4096];
    for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;) s.append(buf, n);
    return s;
  };
  {
    Progress bar("cpc-put", 100 * kMiB, tty, Mode::kAuto);
    CHECK(bar.enabled());
    FakeClock clock;
    bar.set_clock(clock.fn());
    bar.set_width(80);
    clock.t += cpc::progress::kShowAfter - std::chrono::milliseconds(1);
    bar.update(10 * kMiB);
    CHECK(drain().empty());  // short work: never seen
    clock.t += std::chrono::milliseconds(1);
    bar.update(20 * kMiB);
    CHECK(drain().find(" 20%") != std::string::npos);
    bar.finish();
    CHECK(drain() == "\r\033[K");  // nothing stays on the screen
  }
  ::close(tty);
  ::close(master);
}

TEST_CASE("progress: the automatic mode draws nothing off a terminal", "[progress]") {
  Pipe p;
  {
    Progress bar("cpc-put", 100 * kMiB, p.fds[1], Mode::kAuto);
    CHECK(!bar.enabled());
    FakeClock clock;
    bar.set_clock(clock.fn());
    for (int i = 1; i <= 100; ++i) {
      clock.t += std::chrono::milliseconds(100);
      bar.update(i * kMiB);
    }
    bar.finish();
  }
  CHECK(p.drain().empty());
  Progress never("cpc-put", 100 * kMiB, p.fds[1], Mode::kNever);
  never.update(kMiB);
  never.finish();
  CHECK(p.drain().empty());
}

TEST_CASE("progress: redraws are throttled and the final line is kept", "[progress]") {
  ::setenv("TERM", "xterm", 1);
  Pipe p;
  Progress bar("cpc-put", 100 * kMiB, p.fds[1], Mode::kAlways);
  REQUIRE(bar.enabled());
  FakeClock clock;
  bar.set_clock(clock.fn());
  bar.set_width(80);
  // 1000 updates over one second: at most 11 draws (the first at once, then every 100 ms).
  for (int i = 1; i <= 1000; ++i) {
    clock.t += std::chrono::milliseconds(1);
    bar.update(static_cast<std::uint64_t>(i) * 100 * kMiB / 1000);
  }
  std::string out = p.drain();
  CHECK(count(out, '\r') >= 10);
  CHECK(count(out, '\r') <= 11);
  CHECK(out.find("\033[K") != std::string::npos);
  bar.finish();
  out = p.drain();
  CHECK(out.find("100%") != std::string::npos);
  CHECK(out.find("100 MiB/s") != std::string::npos);  // the mean rate over the run
  CHECK(out.find("ETA") == std::string::npos);
  CHECK(out.back() == '\n');
  bar.update(kMiB);  // after finish(): nothing
  CHECK(p.drain().empty());
}

TEST_CASE("progress: clear() erases the line with spaces on a dumb terminal", "[progress]") {
  ::setenv("TERM", "dumb", 1);  // spaces instead of ESC [K
  Pipe p;
  Progress bar("cpc-get", std::nullopt, p.fds[1], Mode::kAlways);
  FakeClock clock;
  bar.set_clock(clock.fn());
  bar.set_width(80);
  bar.update(kMiB);
  std::string out = p.drain();
  CHECK(out.find("cpc-get  1.0 MiB") != std::string::npos);
  CHECK(out.find('\033') == std::string::npos);
  // clear(), as before an error message: the line is overwritten with spaces.
  bar.clear();
  out = p.drain();
  CHECK(out == "\r" + std::string(std::string("cpc-get  1.0 MiB").size(), ' ') + "\r");
  Progress::clear_active();  // nothing drawn any more: nothing written
  CHECK(p.drain().empty());
  ::setenv("TERM", "xterm", 1);
}

TEST_CASE("progress: the destructor erases a line left by an error path", "[progress]") {
  ::setenv("TERM", "xterm", 1);
  Pipe p;
  {
    Progress bar("cpc-encrypt", 10 * kMiB, p.fds[1], Mode::kAlways);
    FakeClock clock;
    bar.set_clock(clock.fn());
    bar.set_width(80);
    clock.t += std::chrono::seconds(1);
    bar.update(5 * kMiB);
    CHECK(p.drain().find(" 50%") != std::string::npos);
  }
  CHECK(p.drain() == "\r\033[K");
}
