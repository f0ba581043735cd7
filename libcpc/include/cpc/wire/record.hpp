// SPDX-License-Identifier: Apache-2.0
// Signed mutable records (docs/node-api.md §5): a small value that the holder of an Ed25519
// key can replace by signing it again with a higher sequence number. A record lives in the
// DHT under its record key, BLAKE2b-256(signer ‖ name); nodes keep the highest valid seq.
//
// Signed bytes: "cpc/record/v1\n" ‖ record key (32) ‖ seq (8, big-endian) ‖ value — plain
// RFC 8032 Ed25519, so any Ed25519 implementation can check a record.
//
// Thread safety: pure functions on values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/status.hpp"

namespace cpc::record {

using Key = std::array<std::uint8_t, 32>;
constexpr std::size_t kMaxValueSize = 64 << 10;  // bytes of value
constexpr std::size_t kMaxNameSize = 255;        // bytes of UTF-8 name
constexpr std::uint64_t kMaxSeq = (std::uint64_t{1} << 53) - 1;
inline constexpr std::string_view kTag = "cpc/record/v1\n";

struct Record {
  keys::SignPublic signer{};
  std::string name;
  std::uint64_t seq = 0;
  Bytes value;
  std::array<std::uint8_t, 64> sig{};

  bool operator==(const Record&) const = default;
};

// BLAKE2b-256(signer ‖ name).
Key record_key(const keys::SignPublic& signer, std::string_view name);

// The bytes the signature covers (see the file comment).
Bytes signed_bytes(const Record& r);

// A record signed by `sk`. Errors (kBadInput): empty or too-long name, too-long value, seq
// above kMaxSeq.
Result<Record> make(const keys::SecretKey& sk, std::string_view name, std::uint64_t seq,
                    ByteView value);

// The cpc/record JSON, one line, no newline.
std::string to_json(const Record& r);

// Parses and verifies a cpc/record. Errors: kBadInput for malformed JSON, fields, hex,
// base64 or sizes; kRefused "record signature does not verify (signer 3f2a1c0b…)".
Result<Record> parse(std::string_view json);

// Whether `incoming` may replace `stored` (newer sequence wins): ok when seq is higher, or
// equal for the identical record (`same` is then set); kRefused naming both seqs when older
// or when a different record has the same seq.
Status check_replace(const Record& stored, const Record& incoming, bool& same);

}  // namespace cpc::record
