// SPDX-License-Identifier: Apache-2.0
// The progress line of cpc/io/progress.hpp: pure formatting first, then the drawing, which is
// all about not disturbing anyone (terminal only, late, throttled, erased when done).
#include "cpc/io/progress.hpp"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cpc/io/file.hpp"

namespace cpc::progress {

namespace {

constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
constexpr std::size_t kLastUnit = sizeof(kUnits) / sizeof(kUnits[0]) - 1;
constexpr std::size_t kMinBar = 10;  // bar cells below which the bar is not worth drawing

std::string printf_string(const char* format, double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v, unit);
  return buf;
}

std::string join(const std::vector<std::string>& parts) {
  std::string line;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!line.empty()) line += "  ";
    line += p;
  }
  return line;
}

unsigned percent(std::uint64_t done, std::uint64_t total) {
  if (total == 0 || done >= total) return 100;
  if (done <= UINT64_MAX / 100) return static_cast<unsigned>(done * 100 / total);
  return static_cast<unsigned>(static_cast<long double>(done) * 100 / total);
}

std::string bar(std::size_t cells, std::uint64_t done, std::uint64_t total) {
  std::size_t filled = cells;
  if (total != 0 && done < total) {
    filled = static_cast<std::size_t>(static_cast<long double>(done) / total * cells);
  }
  return "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "]";
}

std::string pad_left(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

std::string pad_right(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// The one drawn Progress, for clear_active().
Progress* g_active = nullptr;

}  // namespace

Mode mode_from_flags(bool always, bool never) {
  if (never) return Mode::kNever;
  return always ? Mode::kAlways : Mode::kAuto;
}

std::string format_size(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  // 1023.96 KiB would print as "1024.0 KiB": the next unit reads better.
  while (v >= 1023.95 && u < kLastUnit) {
    v /= 1024;
    ++u;
  }
  return printf_string("%.1f %s", v, kUnits[u]);
}

std::string format_rate(double bytes_per_second) {
  if (!std::isfinite(bytes_per_second) || bytes_per_second < 0) bytes_per_second = 0;
  double v = bytes_per_second;
  std::size_t u = 0;
  while (v >= 1023.5 && u < kLastUnit) {
    v /= 1024;
    ++u;
  }
  if (u > 0 && v < 9.95) return printf_string("%.1f %s/s", v, kUnits[u]);
  return printf_string("%.0f %s/s", v, kUnits[u]);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 100.0 * 3600) return "--";
  const long long s = std::llround(seconds);
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s % 3600 / 60);
  }
  return buf;
}

std::string render_line(const LineState& st, std::size_t width) {
  const std::size_t room = width > 1 ? width - 1 : 1;
  std::string label(st.label);
  std::string rate = st.rate > 0 ? format_rate(st.rate) : "";
  std::string line;
  if (!st.total) {
    line = join({label, format_size(st.done), rate});
    if (line.size() > room) line = join({label, format_size(st.done)});
  } else {
    // Fields in fixed widths, so that the bar keeps its length while the numbers change.
    const std::uint64_t total = *st.total;
    const std::string pct = pad_left(std::to_string(percent(st.done, total)) + "%", 4);
    const std::string sizes = pad_left(format_size(st.done), 10) + " / " + format_size(total);
    std::string eta;
    if (st.show_eta && st.rate > 0 && st.done < total) {
      eta = "ETA " + format_duration(static_cast<double>(total - st.done) / st.rate);
    }
    // Widest first: drop the ETA, then the rate, while the bar would be too narrow.
    for (int drop = 0; drop <= 2 && line.empty(); ++drop) {
      std::string rest = pct + "  " + sizes;
      if (drop < 2) rest += "  " + pad_left(rate, 10);
      if (drop < 1 && st.show_eta) rest += "  " + pad_right(eta, 9);
      const std::size_t fixed = label.size() + 2 + 2 + 2 + rest.size();  // seps, brackets
      if (fixed + kMinBar <= room) {
        line = label + "  " + bar(room - fixed, st.done, total) + "  " + rest;
      }
    }
    if (line.empty()) line = label + "  " + pct + "  " + sizes;
    while (!line.empty() && line.back() == ' ') line.pop_back();
  }
  if (line.size() > room) line.resize(room);
  return line;
}

std::optional<std::uint64_t> remaining_size(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  off_t at = ::lseek(fd, 0, SEEK_CUR);
  if (at < 0 || at > st.st_size) at = 0;
  return static_cast<std::uint64_t>(st.st_size - at);
}

Progress::Progress(std::string label, std::optional<std::uint64_t> total, int fd, Mode mode)
    : label_(std::move(label)), total_(total), fd_(fd), mode_(mode), now_(Clock::now) {
  enabled_ = mode == Mode::kAlways || (mode == Mode::kAuto && ::isatty(fd) == 1);
  const char* term = std::getenv("TERM");
  erase_escape_ = term != nullptr && *term != '\0' && std::string_view(term) != "dumb";
  start_ = last_sample_ = now_();
}

Progress::~Progress() {
  if (!finished_) clear();
  if (g_active == this) g_active = nullptr;
}

void Progress::set_clock(std::function<Clock::time_point()> now) {
  now_ = std::move(now);
  start_ = last_sample_ = now_();
  last_draw_ = {};
}

void Progress::update(std::uint64_t done) {
  done_ = done;
  if (!enabled_ || finished_) return;
  const auto now = now_();
  if (mode_ == Mode::kAuto && now - start_ < kShowAfter) return;
  if (drawn_len_ != 0 && now - last_draw_ < kRedrawEvery) return;
  draw(now, false);
}

std::function<void(std::uint64_t, std::optional<std::uint64_t>)> Progress::reporter() {
  if (!enabled_) return nullptr;
  return [this](std::uint64_t done, std::optional<std::uint64_t> total) {
    if (total) set_total(*total);
    update(done);
  };
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  if (mode_ == Mode::kAlways) {
    draw(now_(), true);
    write_line("\n");
    drawn_len_ = 0;
  } else {
    clear();
  }
  if (g_active == this) g_active = nullptr;
}

void Progress::clear() {
  if (drawn_len_ == 0) return;
  if (erase_escape_) {
    write_line("\r\033[K");
  } else {
    write_line("\r" + std::string(drawn_len_, ' ') + "\r");
  }
  drawn_len_ = 0;
}

void Progress::clear_active() {
  if (g_active != nullptr) g_active->clear();
}

void Progress::draw(Clock::time_point now, bool final) {
  const double since_start = std::chrono::duration<double>(now - start_).count();
  if (final) {
    // The final line's rate is the mean over the whole run.
    rate_ = since_start > 0 ? static_cast<double>(done_) / since_start : 0;
  } else {
    const double dt = std::chrono::duration<double>(now - last_sample_).count();
    if (dt > 0 && done_ >= last_sample_done_) {
      const double inst = static_cast<double>(done_ - last_sample_done_) / dt;
      // A moving average over ~2 s: steady enough to read, quick to follow a change.
      const double alpha = rate_ == 0 ? 1.0 : 1.0 - std::exp(-dt / 2.0);
      rate_ = alpha * inst + (1 - alpha) * rate_;
      last_sample_ = now;
      last_sample_done_ = done_;
    }
  }
  LineState st;
  st.label = label_;
  st.done = done_;
  st.total = total_;
  st.rate = rate_;
  st.show_eta = !final;
  std::string text = render_line(st, width());
  std::string out = "\r" + text;
  if (erase_escape_) {
    out += "\033[K";
  } else if (text.size() < drawn_len_) {
    out += std::string(drawn_len_ - text.size(), ' ');
  }
  write_line(out);
  drawn_len_ = text.empty() ? 1 : text.size();
  last_draw_ = now;
  g_active = this;
}

void Progress::write_line(const std::string& line) {
  (void)io::write_all(fd_, line);  // a progress line is not worth failing the work for
}

std::size_t Progress::width() const {
  if (fixed_width_ != 0) return fixed_width_;
  struct winsize ws {};
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS"); cols != nullptr) {
    const long n = std::strtol(cols, nullptr, 10);
    if (n > 0 && n < 10000) return static_cast<std::size_t>(n);
  }
  return 80;
}

}  // namespace cpc::progress
