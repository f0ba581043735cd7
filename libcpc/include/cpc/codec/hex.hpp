// SPDX-License-Identifier: Apache-2.0
// Lowercase hexadecimal, the encoding of keys, hashes and signatures in every record
// (docs/architecture.md §3). Decoding is strict: even length, [0-9a-f] only (uppercase is rejected
// so that each value has exactly one spelling), and optionally an exact decoded length.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

namespace cpc::hex {

std::string encode(ByteView in);

// Decodes `in`; when `expected_len` is non-zero the result must have exactly that many bytes.
// Errors (kBadInput): odd length, a character outside [0-9a-f], wrong length.
Result<Bytes> decode(std::string_view in, std::size_t expected_len = 0);

// Decodes into a caller-provided buffer of exactly out.size() bytes.
Status decode_into(std::string_view in, std::span<std::uint8_t> out);

}  // namespace cpc::hex
