// SPDX-License-Identifier: Apache-2.0
// Content identifiers (docs/architecture.md §3, docs/cid.md): the CIDv1 subset cpchain stores and
// links to, so that any IPFS node can serve the same blocks under the same names. A CID
// here is always version 1, codec raw (0x55, a chunk of bytes) or dag-pb (0x70, a UnixFS
// node), multihash sha2-256 with a 32-byte digest; its text form is multibase base32
// lowercase without padding, prefix 'b' ("bafkrei…" for raw, "bafybei…" for dag-pb).
// Parsing is strict so that each CID has exactly one spelling: anything outside that
// subset (CIDv0 "Qm…", other bases, uppercase, padding, other codecs or hashes, trailing
// bytes) is rejected with kBadInput and a message that names what was wrong.
//
// Also here: the unsigned varint of the multiformats spec, shared with the dag-pb and
// UnixFS protobuf code (unixfs.hpp).
//
// Thread safety: pure functions on values; SHA-256 is OpenSSL's (thread-safe).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

namespace cpc::cid {

constexpr std::uint64_t kRaw = 0x55;       // multicodec "raw": a block of plain bytes
constexpr std::uint64_t kDagPb = 0x70;     // multicodec "dag-pb": a protobuf PBNode
constexpr std::uint64_t kSha2_256 = 0x12;  // multihash code of sha2-256
constexpr std::size_t kDigestSize = 32;    // sha2-256 digest length
constexpr std::size_t kBinarySize = 36;    // 0x01, codec, 0x12, 0x20, digest
constexpr std::size_t kStringSize = 59;    // 'b' + base32 of 36 bytes (58 characters)
constexpr std::size_t kMaxVarintSize = 9;  // multiformats unsigned-varint: 63 bits at most

// --- unsigned varint (multiformats unsigned-varint; also protobuf's base-128 varint) ---

// Appends the LEB128 encoding of `value` (1 to 10 bytes). Allocates only through `out`.
void put_varint(std::uint64_t value, Bytes& out);

// Reads one varint from the front of `in` and advances `in` past it. Strict: at most
// kMaxVarintSize bytes (values below 2^63), minimal encoding only (no trailing 0x00 group,
// e.g. 0x80 0x00 for 0). Errors (kBadInput): truncated, overlong (non-minimal), overflow.
// On error `in` is left unchanged.
Result<std::uint64_t> get_varint(ByteView& in);

// --- CIDs ---

// A CIDv1 with a sha2-256 multihash. `codec` is kRaw or kDagPb in every Cid this module
// returns; to_string and to_bytes encode whatever codec is set (tests use that to build
// CIDs that parse and from_bytes must reject).
struct Cid {
  std::uint64_t codec = kRaw;
  std::array<std::uint8_t, kDigestSize> digest{};

  bool operator==(const Cid&) const = default;
};

// The text form: 'b' + RFC 4648 base32, lowercase, no padding. Allocates the string.
std::string to_string(const Cid& cid);

// Parses the text form. Accepts only what to_string produces for codec raw or dag-pb.
// Errors (kBadInput): empty; CIDv0 ("Qm…", base58btc sha2-256) with a message saying
// CIDv0 is not supported; a multibase prefix other than 'b'; a character outside
// [a-z2-7] (so uppercase and '=' padding are rejected); non-zero trailing bits; then
// every error of from_bytes.
Result<Cid> parse(std::string_view text);

// The binary form used in dag-pb links: varint(1) varint(codec) varint(0x12) varint(32)
// digest — kBinarySize bytes for raw and dag-pb.
Bytes to_bytes(const Cid& cid);
// Appends the binary form to `out` (no allocation when out has capacity).
void append_bytes(const Cid& cid, Bytes& out);

// Parses the binary form; `in` must hold exactly one CID. Errors (kBadInput): version 0
// (binary CIDv0 starts with the multihash 0x12 0x20), a version other than 1, a codec
// other than raw or dag-pb, a multihash other than sha2-256, a digest length other than
// 32, truncation, trailing bytes.
Result<Cid> from_bytes(ByteView in);

// The CID of `block` under `codec` (SHA-256 of the block; no copy, no allocation).
Cid cid_of(std::uint64_t codec, ByteView block);
// The CID of a raw leaf holding `data`: cid_of(kRaw, data).
inline Cid raw_cid(ByteView data) {
  return cid_of(kRaw, data);
}

// True when `block` hashes to cid.digest (the codec is not checked against the content;
// decode_node does that for dag-pb).
bool verify(const Cid& cid, ByteView block);

}  // namespace cpc::cid
