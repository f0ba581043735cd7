// SPDX-License-Identifier: Apache-2.0
// Durations as flags and config files write them (cpc/codec/duration.hpp).
#include "cpc/codec/duration.hpp"

#include <string>

namespace cpc::duration {

Result<std::chrono::milliseconds> parse(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string unit = text.substr(digits);
  if (digits == 0 || digits > 9) return Status::bad_input("bad duration: " + text);
  const long long n = std::stoll(text.substr(0, digits));
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "m") return std::chrono::milliseconds(n * 60000);
  if (unit == "h") return std::chrono::milliseconds(n * 3600000);
  if (unit == "d") return std::chrono::milliseconds(n * 86400000);
  return Status::bad_input("bad duration: " + text + " (use e.g. 10s, 500ms, 2m, 12h, 7d)");
}

}  // namespace cpc::duration
