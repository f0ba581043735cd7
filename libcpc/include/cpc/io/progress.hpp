// SPDX-License-Identifier: Apache-2.0
// A progress line on a terminal for long byte-moving work (cpc-put, cpc-get, cpc-encrypt):
//
//   cpc-put  [#########.........]  45%  450.0 MiB / 1.0 GiB  112 MiB/s  ETA 5s
//
// or, when the total is unknown (a pipe), `cpc-put  450.0 MiB  112 MiB/s`. Scripts must
// never see it: in the automatic mode it is drawn only when the fd is a terminal, and only
// once the work has lasted kShowAfter, so short runs draw nothing at all. Redraws are
// throttled by a monotonic clock (at most one per kRedrawEvery, whatever the rate of
// update() calls), the line is fitted to the terminal's width (TIOCGWINSZ, else $COLUMNS,
// else 80) and erased by finish() or clear(), so nothing is left on the screen. No colours
// are used (NO_COLOR has nothing to switch off); the only escape sequence, "erase to end of
// line" (ESC [K), is replaced by spaces when TERM is "dumb" or unset.
//
// The formatting functions are pure, for tests without a terminal.
//
// Thread safety: a Progress belongs to one thread; clear_active() must be called from the
// thread that draws.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cpc::progress {

// How the caller's flags ask for progress.
enum class Mode {
  kAuto,    // on a terminal, after kShowAfter; erased by finish() (the default)
  kAlways,  // --progress: drawn on any fd from the start; finish() keeps the final line
  kNever,   // -q, --no-progress
};

inline constexpr std::chrono::milliseconds kShowAfter{500};
inline constexpr std::chrono::milliseconds kRedrawEvery{100};

// The mode for a tool's flags: `never` (-q / --no-progress) wins over `always` (--progress).
Mode mode_from_flags(bool always, bool never);

// "512 B", "12.3 KiB", "450.0 MiB", "1.0 GiB" (binary units, one decimal).
std::string format_size(std::uint64_t bytes);
// "850 B/s", "9.5 MiB/s", "112 MiB/s": one decimal below 10 units, none above.
std::string format_rate(double bytes_per_second);
// "5s", "1m05s", "2h03m"; "--" when negative, not finite or beyond 100 hours.
std::string format_duration(double seconds);

// What one progress line shows.
struct LineState {
  std::string_view label;              // e.g. the program name
  std::uint64_t done = 0;              // bytes so far
  std::optional<std::uint64_t> total;  // bytes in all, when known
  double rate = 0;                     // bytes per second; 0: not known yet
  bool show_eta = true;                // false on the final line
};

// The line for `state` in at most width - 1 columns (the last column is left free: writing
// there makes some terminals wrap). With a total: label, bar, percentage (floor, at most
// 100), "done / total", rate, ETA; without: label, bytes, rate. When the width is short the
// ETA goes first, then the rate, then the bar; the bar takes whatever room is left (at
// least 10 cells) and the line is cut as a last resort.
std::string render_line(const LineState& state, std::size_t width);

// The size left to read on `fd` when it is a regular file (st_size minus the current
// offset), else nullopt (pipes, terminals, sockets).
std::optional<std::uint64_t> remaining_size(int fd);

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // Draws on `fd` (normally STDERR_FILENO) according to `mode`; in kAuto, only when `fd`
  // is a terminal. Construct it when the work starts (after any passphrase prompt): the
  // clock of kShowAfter and of the rate starts here. Draws nothing until an update().
  Progress(std::string label, std::optional<std::uint64_t> total, int fd, Mode mode);
  // Erases the line if finish() was not called (an error path).
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Whether anything may be drawn at all (kAlways, or kAuto on a terminal).
  bool enabled() const { return enabled_; }

  // The total, once known (cpc-get learns it from the object's root block).
  void set_total(std::uint64_t total) { total_ = total; }

  // Records that `done` bytes are done. Cheap (one clock read) unless a redraw is due;
  // meant to be called per chunk.
  void update(std::uint64_t done);
  void add(std::uint64_t n) { update(done_ + n); }

  // A callback for client::Options::progress (done, and the total once known) that
  // updates this Progress; empty when nothing may be drawn, so the work pays nothing.
  // REQUIRES: the Progress outlives the callback's uses.
  std::function<void(std::uint64_t, std::optional<std::uint64_t>)> reporter();

  // The work succeeded. kAuto: erases the line. kAlways: draws the final line (mean rate,
  // no ETA) and ends it with a newline. Later calls do nothing.
  void finish();

  // Erases the line, if one is drawn, so that an error message starts on a clean line.
  // Drawing resumes at the next due update().
  void clear();

  // Erases the line of whichever Progress last drew (none: nothing), for error printers
  // that do not hold the Progress (cpc::tool::print_error).
  static void clear_active();

  // For tests: the clock (default Clock::now) and the width (default: the terminal's).
  void set_clock(std::function<Clock::time_point()> now);
  void set_width(std::size_t width) { fixed_width_ = width; }

 private:
  void draw(Clock::time_point now, bool final);
  void write_line(const std::string& line);
  std::size_t width() const;

  std::string label_;
  std::optional<std::uint64_t> total_;
  int fd_;
  Mode mode_;
  bool enabled_ = false;
  bool erase_escape_ = false;  // ESC [K understood (TERM set and not "dumb")
  bool finished_ = false;
  std::function<Clock::time_point()> now_;
  Clock::time_point start_, last_draw_, last_sample_;
  std::uint64_t done_ = 0, last_sample_done_ = 0;
  double rate_ = 0;
  std::size_t drawn_len_ = 0;  // columns of the line on screen; 0: nothing drawn
  std::size_t fixed_width_ = 0;
};

}  // namespace cpc::progress
