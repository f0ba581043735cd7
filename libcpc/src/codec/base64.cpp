// SPDX-License-Identifier: Apache-2.0
// Standard base64 (base64.hpp). Encodes and decodes three bytes / four characters per step
// with lookup tables; strict on decode (canonical padding and trailing bits).
#include "cpc/base64.hpp"

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
    o[0] = kAlphabet[v >> 18];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = kAlphabet[(v >> 6) & 63];
    o[3] = kAlphabet[v & 63];
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
    std::uint32_t a = kDecode[s[0]], b = kDecode[s[1]], c = kDecode[s[2]], d = kDecode[s[3]];
    if ((a | b | c | d) & 0x80) return Status::bad_input("invalid base64 character");
    std::uint32_t v = a << 18 | b << 12 | c << 6 | d;
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
