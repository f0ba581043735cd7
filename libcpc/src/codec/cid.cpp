// SPDX-License-Identifier: Apache-2.0
// CIDv1 sha2-256 in binary and base32 text form, and the unsigned varint (cid.hpp).
// References: multiformats unsigned-varint, multibase (base32 = RFC 4648 §6 lowercase,
// no padding), CID spec (github.com/multiformats/cid), multihash.
#include "cpc/codec/cid.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>

namespace cpc::cid {
namespace {

constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";

int base32_value(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

std::string hex_code(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

void put_varint(std::uint64_t value, Bytes& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

Result<std::uint64_t> get_varint(ByteView& in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxVarintSize) return Status::bad_input("varint overflows 63 bits");
    const std::uint8_t b = in[i];
    value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (b & 0x80) continue;
    // unsigned-varint spec: the shortest encoding only, so a last group of 0 is invalid.
    if (b == 0 && i > 0) return Status::bad_input("overlong (non-minimal) varint");
    in = in.subspan(i + 1);
    return value;
  }
  return Status::bad_input("truncated varint");
}

void append_bytes(const Cid& cid, Bytes& out) {
  put_varint(1, out);
  put_varint(cid.codec, out);
  put_varint(kSha2_256, out);
  put_varint(kDigestSize, out);
  out.insert(out.end(), cid.digest.begin(), cid.digest.end());
}

Bytes to_bytes(const Cid& cid) {
  Bytes out;
  out.reserve(kBinarySize);
  append_bytes(cid, out);
  return out;
}

Result<Cid> from_bytes(ByteView in) {
  if (in.size() >= 2 && in[0] == kSha2_256 && in[1] == kDigestSize) {
    return Status::bad_input("CIDv0 (bare sha2-256 multihash) is not supported; use CIDv1");
  }
  auto version = get_varint(in);
  if (!version) return version.status().with_context("CID version");
  if (*version != 1) return Status::bad_input("unsupported CID version " + hex_code(*version));
  auto codec = get_varint(in);
  if (!codec) return codec.status().with_context("CID codec");
  if (*codec != kRaw && *codec != kDagPb) {
    return Status::bad_input("unsupported CID codec " + hex_code(*codec) +
                             " (expected raw 0x55 or dag-pb 0x70)");
  }
  auto hash = get_varint(in);
  if (!hash) return hash.status().with_context("CID multihash code");
  if (*hash != kSha2_256) {
    return Status::bad_input("unsupported multihash " + hex_code(*hash) + " (only sha2-256 0x12)");
  }
  auto length = get_varint(in);
  if (!length) return length.status().with_context("CID digest length");
  if (*length != kDigestSize) {
    return Status::bad_input("sha2-256 digest length " + std::to_string(*length) + ", expected 32");
  }
  if (in.size() < kDigestSize) return Status::bad_input("truncated CID digest");
  if (in.size() > kDigestSize) return Status::bad_input("trailing bytes after CID");
  Cid cid;
  cid.codec = *codec;
  std::copy(in.begin(), in.end(), cid.digest.begin());
  return cid;
}

std::string to_string(const Cid& cid) {
  const Bytes bin = to_bytes(cid);
  std::string out = "b";
  out.reserve(1 + (bin.size() * 8 + 4) / 5);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t b : bin) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32[(acc >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kBase32[(acc << (5 - bits)) & 31]);
  return out;
}

Result<Cid> parse(std::string_view text) {
  if (text.empty()) return Status::bad_input("empty CID");
  if (text.size() == 46 && text.substr(0, 2) == "Qm") {
    return Status::bad_input("CIDv0 (\"Qm…\") is not supported; use CIDv1 base32 (\"bafy…\")");
  }
  if (text[0] != 'b') {
    return Status::bad_input(std::string("unsupported multibase prefix '") + text[0] +
                             "'; expected 'b' (base32 lowercase)");
  }
  text.remove_prefix(1);
  // RFC 4648 §6 without padding: 2, 4, 5 or 7 characters may end a final partial group.
  const std::size_t tail = text.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) return Status::bad_input("invalid base32 length");
  Bytes bin;
  bin.reserve(text.size() * 5 / 8);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base32_value(c);
    if (v < 0) {
      return Status::bad_input(std::string("invalid character '") + c +
                               "' in base32 CID (lowercase a-z2-7, no padding)");
    }
    acc = (acc << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bin.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return Status::bad_input("non-zero base32 padding bits");
  return from_bytes(bin);
}

Cid cid_of(std::uint64_t codec, ByteView block) {
  Cid cid;
  cid.codec = codec;
  SHA256(block.data(), block.size(), cid.digest.data());
  return cid;
}

bool verify(const Cid& cid, ByteView block) {
  return cid_of(cid.codec, block).digest == cid.digest;
}

}  // namespace cpc::cid
