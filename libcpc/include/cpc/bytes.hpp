// SPDX-License-Identifier: Apache-2.0
// Byte containers used across libcpc: Bytes owns, ByteView borrows. Secret bytes use
// cpc::SecretBytes (secure_memory.hpp) instead, never these.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cpc {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace cpc
