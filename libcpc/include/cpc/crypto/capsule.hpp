// SPDX-License-Identifier: Apache-2.0
// The sealing KEM (crypto.md §4): an Umbral-style capsule (E, V, s) on ristretto255 that
// carries a 32-byte key to the holder of an encryption secret, and that proxies can
// re-encrypt (pre.hpp). A Capsule value is always well-formed (valid points, canonical
// scalar) AND passes the check s·G = V + h·E: decode() enforces both.
//
// Thread safety: values and pure functions.
#pragma once

#include <array>

#include "cpc/crypto/group.hpp"
#include "cpc/crypto/secure_memory.hpp"
#include "cpc/status.hpp"

namespace cpc::capsule {

inline constexpr std::size_t kCapsuleBytes = 96;
inline constexpr std::size_t kKeyBytes = 32;
using Key = std::array<std::uint8_t, kKeyBytes>;

struct Capsule {
  group::Point e;
  group::Point v;
  group::Scalar s;

  std::array<std::uint8_t, kCapsuleBytes> encode() const;
  // Validates encodings (kBadInput) and the capsule check (kRefused: "invalid capsule").
  static Result<Capsule> decode(ByteView bytes);
  // h = Hs("cpc/capsule/v1"; E, V).
  group::Scalar challenge() const;
  // s·G == V + h·E.
  bool verify() const;
};

// A fresh capsule for `recipient` and the key it carries (written to `key`).
Capsule encapsulate(const group::Point& recipient, Key& key);

// The key a capsule carries, for the holder of the secret scalar `a`. The capsule was
// checked by decode(). Cost: 2 variable-base multiplications... see crypto.md §4.
Result<Key> decapsulate(const group::Scalar& a, const Capsule& c);

// K = H32("cpc/kem/v1"; capsule, P): the key derivation shared with re-encryption.
void derive_key(const Capsule& c, const group::Point& shared, Key& key);

}  // namespace cpc::capsule
