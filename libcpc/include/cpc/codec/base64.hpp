// SPDX-License-Identifier: Apache-2.0
// Standard base64 (RFC 4648 §4, with padding): the encoding of bulk bytes in records
// (docs/architecture.md §3). Table-driven and fast (bulk data of sealed streams passes through here
// at GB/s); it is not constant-time, so it is never used on secret material in the clear. Decoding
// is strict: padding required, no whitespace, no non-zero trailing bits, so each byte string has
// exactly one encoding.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

namespace cpc::base64 {

constexpr std::size_t encoded_size(std::size_t n) {
  return (n + 2) / 3 * 4;
}

std::string encode(ByteView in);
// Appends the encoding of `in` to `out` (no reallocation when out has capacity).
void encode_append(ByteView in, std::string& out);

// Errors (kBadInput): length not a multiple of 4, bad character, bad padding.
Result<Bytes> decode(std::string_view in);
// Decodes into `out` (resized to fit); returns the status.
Status decode_into(std::string_view in, Bytes& out);

}  // namespace cpc::base64
