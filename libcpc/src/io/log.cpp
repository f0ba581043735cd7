// SPDX-License-Identifier: Apache-2.0
// Log lines in text or JSON (cpc/io/log.hpp).
#include "cpc/io/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace cpc::log {

namespace {

std::mutex g_mu;  // guards the settings below and serialises the writes
Format g_format = Format::kText;
std::string g_program = "cpc";
std::function<void(std::string_view)> g_sink;

}  // namespace

Result<Format> parse_format(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  return Status::bad_input("bad log format: " + std::string(name) + " (text or json)");
}

const char* level_name(Level level) {
  switch (level) {
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void set_format(Format format) {
  std::lock_guard lock(g_mu);
  g_format = format;
}

Format format() {
  std::lock_guard lock(g_mu);
  return g_format;
}

void set_program(std::string program) {
  std::lock_guard lock(g_mu);
  g_program = std::move(program);
}

void set_sink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_mu);
  g_sink = std::move(sink);
}

std::string rfc3339_utc(std::uint64_t unix_ms) {
  const auto secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // large enough for any int fields, as the compiler checks
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(unix_ms % 1000));
  return buf;
}

std::string format_line(Format format, Level level, std::string_view program, std::uint64_t unix_ms,
                        std::string_view msg, const nlohmann::json& fields, std::string_view text) {
  if (format == Format::kText) {
    std::string line(program);
    line += ": ";
    line += text;
    line += '\n';
    return line;
  }
  nlohmann::ordered_json j;
  j["time"] = rfc3339_utc(unix_ms);
  j["level"] = level_name(level);
  j["msg"] = std::string(msg);
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) {
      if (k != "time" && k != "level" && k != "msg") j[k] = v;
    }
  }
  // Invalid UTF-8 in a message (a path, a peer's error text) is replaced, never thrown on.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void write(Level level, std::string_view msg, const nlohmann::json& fields, std::string_view text) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  std::lock_guard lock(g_mu);
  const std::string line = format_line(g_format, level, g_program,
                                       static_cast<std::uint64_t>(now.count()), msg, fields, text);
  if (g_sink) {
    g_sink(line);
  } else {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace cpc::log
