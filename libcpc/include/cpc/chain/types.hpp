// SPDX-License-Identifier: Apache-2.0
// Basic values of the chain (consensus.md §1): 32-byte hashes, Ed25519 public keys and
// signatures, the tagged BLAKE2b-256 hash H32 and the tagged signatures every chain
// message uses (`tag || 0x0a || JCS(message without "sig")`).
//
// Thread safety: values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/crypto/keys.hpp"

namespace cpc::chain {

using Hash = std::array<std::uint8_t, 32>;
using PubKey = keys::SignPublic;
using Signature = std::array<std::uint8_t, 64>;

// Every JSON integer of the chain lies in [0, 2^53-1] (I-JSON, consensus.md §1).
inline constexpr std::uint64_t kMaxInt = (std::uint64_t{1} << 53) - 1;

// Signature domain tags (consensus.md §1).
inline constexpr std::string_view kTxTag = "cpc/chain/tx/v1";
inline constexpr std::string_view kProposalTag = "cpc/chain/proposal/v1";
inline constexpr std::string_view kPrevoteTag = "cpc/chain/prevote/v1";
inline constexpr std::string_view kPrecommitTag = "cpc/chain/precommit/v1";

std::string to_hex(const Hash& h);
// First 8 hex digits and an ellipsis, for messages.
std::string short_hex(const Hash& h);

// H32(tag; parts...) of crypto.md §1 (BLAKE2b-256, length-prefixed).
Hash h32(std::string_view tag, std::initializer_list<ByteView> parts);
inline ByteView view(const Hash& h) {
  return {h.data(), h.size()};
}

// Ed25519 over tag || 0x0a || canon. Deterministic (RFC 8032).
Signature sign_tagged(std::string_view tag, std::string_view canon, const keys::SecretKey& sk);
// True when `sig` is `key`'s signature over tag || 0x0a || canon (libsodium rejects
// non-canonical signatures and small-order keys).
bool verify_tagged(std::string_view tag, std::string_view canon, const PubKey& key,
                   const Signature& sig);

// The number of Ed25519 verifications performed by this process so far (all threads);
// the benchmark reports verifications per transaction with it.
std::uint64_t verify_count();

}  // namespace cpc::chain
