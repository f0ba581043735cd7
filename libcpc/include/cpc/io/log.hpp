// SPDX-License-Identifier: Apache-2.0
// cpc::log — the lines a long-running program (cpc-node) writes to stderr, in one of two
// formats chosen once at start-up (cpc-node --log-format):
//   text (default): the human line, "PROGRAM: TEXT", exactly as the program always printed
//                   it ("cpc-node: committed block 7 (2 txs) 3f2a1c0b…");
//   json:           one JSON object per line, {"time":"2026-11-26T10:00:00.123Z",
//                   "level":"info","msg":"committed block","height":7,"txs":2,…}: the time
//                   in RFC 3339 UTC with milliseconds, the level, a constant message, then
//                   the event's fields.
// A call gives both forms, so that the text stays byte-identical to what scripts grep and
// the JSON stays machine-readable.
//
// Thread safety: write() may be called from any thread; each line is written whole with one
// call under a mutex. set_*() are for start-up (before other threads log) and tests.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cpc/status.hpp"

namespace cpc::log {

enum class Format { kText, kJson };
enum class Level { kInfo, kWarn, kError };

// "text" or "json". Errors: kBadInput.
Result<Format> parse_format(std::string_view name);
const char* level_name(Level level);  // "info", "warn", "error"

void set_format(Format format);
Format format();
// The prefix of text lines ("cpc-node"); default "cpc".
void set_program(std::string program);
// Where lines go (each with its '\n'); nullptr: stderr. For tests.
void set_sink(std::function<void(std::string_view line)> sink);

// "2026-11-26T10:00:00.123Z" for milliseconds since the Unix epoch.
std::string rfc3339_utc(std::uint64_t unix_ms);

// One line in the given format, with its '\n'. `fields` is a JSON object (or null); its
// members follow time, level and msg in the JSON line, in key order. `text` is the human
// line without the program prefix.
std::string format_line(Format format, Level level, std::string_view program, std::uint64_t unix_ms,
                        std::string_view msg, const nlohmann::json& fields, std::string_view text);

// Writes one line in the current format, stamped with the current time.
void write(Level level, std::string_view msg, const nlohmann::json& fields, std::string_view text);
inline void info(std::string_view msg, const nlohmann::json& fields, std::string_view text) {
  write(Level::kInfo, msg, fields, text);
}
inline void error(std::string_view msg, const nlohmann::json& fields, std::string_view text) {
  write(Level::kError, msg, fields, text);
}

}  // namespace cpc::log
