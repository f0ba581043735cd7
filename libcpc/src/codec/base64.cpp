// SPDX-License-Identifier: Apache-2.0
// Standard base64 (base64.hpp). Encodes and decodes three bytes / four characters per step
// with lookup tables; strict on decode (canonical padding and trailing bits).
#include "cpc/codec/base64.hpp"

#include <array>
#include <cstring>

namespace cpc::base64 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 0xff;
  for (int i = 0; i < 64; ++i)
    t[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

// Per-position tables: the 6-bit value already shifted into place, or kBad for characters
// outside the alphabet, so one quartet decodes with four loads and three ORs.
constexpr std::uint32_t kBad = 0x01000000;
constexpr std::array<std::uint32_t, 256> make_shifted(int shift) {
  std::array<std::uint32_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = kDecode[c] == 0xff ? kBad : std::uint32_t{kDecode[c]} << shift;
  }
  return t;
}
constexpr auto kD0 = make_shifted(18);
constexpr auto kD1 = make_shifted(12);
constexpr auto kD2 = make_shifted(6);
constexpr auto kD3 = make_shifted(0);

// Two output characters per 12 input bits.
constexpr std::array<std::uint16_t, 4096> make_pairs() {
  std::array<std::uint16_t, 4096> t{};
  for (int i = 0; i < 4096; ++i) {
    // Little-endian: the first character in the low byte.
    t[i] = static_cast<std::uint16_t>(static_cast<std::uint8_t>(kAlphabet[i >> 6]) |
                                      static_cast<std::uint8_t>(kAlphabet[i & 63]) << 8);
  }
  return t;
}
constexpr auto kPairs = make_pairs();

}  // namespace

void encode_append(ByteView in, std::string& out) {
  std::size_t pos = out.size();
  out.resize(pos + encoded_size(in.size()));
  char* o = out.data() + pos;
  const std::uint8_t* p = in.data();
  std::size_t n = in.size();
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8 | p[i + 2];
    std::uint16_t hi = kPairs[v >> 12], lo = kPairs[v & 4095];
    std::memcpy(o, &hi, 2);
    std::memcpy(o + 2, &lo, 2);
    o += 4;
  }
  if (n - i == 1) {
    std::uint32_t v = std::uint32_t{p[i]} << 16;
    o[0] = kAlphabet[v >> 18];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = '=';
    o[3] = '=';
  } else if (n - i == 2) {
    std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8;
    o[0] = kAlphabet[v >> 18];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = kAlphabet[(v >> 6) & 63];
    o[3] = '=';
  }
}

std::string encode(ByteView in) {
  std::string out;
  encode_append(in, out);
  return out;
}

Status decode_into(std::string_view in, Bytes& out) {
  if (in.size() % 4 != 0) return Status::bad_input("base64 length is not a multiple of 4");
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') pad = (in[in.size() - 2] == '=') ? 2 : 1;
  out.resize(in.size() / 4 * 3 - pad);
  const auto* s = reinterpret_cast<const std::uint8_t*>(in.data());
  std::uint8_t* o = out.data();
  std::size_t full = in.size() / 4 - (pad ? 1 : 0);
  for (std::size_t q = 0; q < full; ++q, s += 4, o += 3) {
    std::uint32_t v = kD0[s[0]] | kD1[s[1]] | kD2[s[2]] | kD3[s[3]];
    if (v & kBad) return Status::bad_input("invalid base64 character");
    o[0] = static_cast<std::uint8_t>(v >> 16);
    o[1] = static_cast<std::uint8_t>(v >> 8);
    o[2] = static_cast<std::uint8_t>(v);
  }
  if (pad) {
    std::uint32_t a = kDecode[s[0]], b = kDecode[s[1]];
    std::uint32_t c = pad == 1 ? kDecode[s[2]] : 0;
    if ((a | b | c) & 0x80) return Status::bad_input("invalid base64 character");
    std::uint32_t v = a << 18 | b << 12 | c << 6;
    // Canonical encodings leave the bits below the last whole byte at zero.
    if (pad == 2 && (v & 0xffff) != 0) return Status::bad_input("non-canonical base64 padding");
    if (pad == 1 && (v & 0xff) != 0) return Status::bad_input("non-canonical base64 padding");
    o[0] = static_cast<std::uint8_t>(v >> 16);
    if (pad == 1) o[1] = static_cast<std::uint8_t>(v >> 8);
  }
  return Status::ok();
}

Result<Bytes> decode(std::string_view in) {
  Bytes out;
  CPC_RETURN_IF_ERROR(decode_into(in, out));
  return out;
}

}  // namespace cpc::base64
