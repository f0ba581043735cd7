// SPDX-License-Identifier: Apache-2.0
// Lowercase hex (hex.hpp).
#include "cpc/codec/hex.hpp"

#include <array>

namespace cpc::hex {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode(ByteView in) {
  std::string out(in.size() * 2, '\0');
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[2 * i] = kDigits[in[i] >> 4];
    out[2 * i + 1] = kDigits[in[i] & 0xf];
  }
  return out;
}

Status decode_into(std::string_view in, std::span<std::uint8_t> out) {
  if (in.size() != out.size() * 2) {
    return Status::bad_input("expected " + std::to_string(out.size() * 2) + " hex digits, got " +
                             std::to_string(in.size()));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(in[2 * i]);
    int lo = nibble(in[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::bad_input("invalid lowercase hex");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return Status::ok();
}

Result<Bytes> decode(std::string_view in, std::size_t expected_len) {
  if (in.size() % 2 != 0) return Status::bad_input("odd number of hex digits");
  if (expected_len != 0 && in.size() != expected_len * 2) {
    return Status::bad_input("expected " + std::to_string(expected_len * 2) + " hex digits, got " +
                             std::to_string(in.size()));
  }
  Bytes out(in.size() / 2);
  CPC_RETURN_IF_ERROR(decode_into(in, out));
  return out;
}

}  // namespace cpc::hex
