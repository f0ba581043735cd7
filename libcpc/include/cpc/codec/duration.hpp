// SPDX-License-Identifier: Apache-2.0
// Durations as the tools' flags and cpc-node's config take them (cpc-node --repair-interval,
// cpc-reencrypt grant --expires): a number and a unit.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>

#include "cpc/status.hpp"

namespace cpc::duration {

// "10s", "500ms", "2m", "1h", "7d" or a plain number of seconds (at most 9 digits).
// Errors: kBadInput, naming the text.
Result<std::chrono::milliseconds> parse(const std::string& text);

}  // namespace cpc::duration
