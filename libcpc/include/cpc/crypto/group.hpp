// SPDX-License-Identifier: Apache-2.0
// The ristretto255 group (RFC 9496) over libsodium: validated points and scalars, and the
// domain-separated hashes of crypto.md §1. Every Point and Scalar built from outside bytes
// goes through Point::decode / Scalar::decode, which reject non-canonical encodings, the
// identity (for points) and values >= L (for scalars), so code holding a Point or Scalar
// never re-checks it.
//
// Costs (docs/architecture.md §7): a variable-base multiplication ~43 µs, a base multiplication ~15
// µs, an addition ~12 µs through the byte API; scalar arithmetic is nearly free. Prefer scalar
// arithmetic wherever the maths allows.
//
// Thread safety: values and pure functions.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

namespace cpc::group {

inline constexpr std::size_t kPointBytes = crypto_core_ristretto255_BYTES;         // 32
inline constexpr std::size_t kScalarBytes = crypto_core_ristretto255_SCALARBYTES;  // 32

// A scalar mod L. Wipes itself on destruction: scalars are often secret.
class Scalar {
 public:
  Scalar() = default;  // zero
  ~Scalar() { sodium_memzero(b_.data(), b_.size()); }
  Scalar(const Scalar&) = default;
  Scalar& operator=(const Scalar&) = default;

  // Rejects encodings >= L (kBadInput). Zero is accepted; callers that need a non-zero
  // scalar check is_zero().
  static Result<Scalar> decode(ByteView bytes);
  static Scalar random();  // uniform, non-zero
  static Scalar from_u64(std::uint64_t v);
  // Uniform scalar from 64 bytes (crypto_core_ristretto255_scalar_reduce).
  static Scalar reduce(const std::array<std::uint8_t, 64>& wide);

  const std::array<std::uint8_t, kScalarBytes>& bytes() const { return b_; }
  bool is_zero() const { return sodium_is_zero(b_.data(), b_.size()) == 1; }

  Scalar operator+(const Scalar& o) const;
  Scalar operator-(const Scalar& o) const;
  Scalar operator*(const Scalar& o) const;
  Scalar negate() const;
  // REQUIRES: !is_zero().
  Scalar invert() const;
  // Constant-time equality.
  bool operator==(const Scalar& o) const { return sodium_memcmp(b_.data(), o.b_.data(), 32) == 0; }

 private:
  std::array<std::uint8_t, kScalarBytes> b_{};
};

// A valid, non-identity ristretto255 point in its canonical encoding.
class Point {
 public:
  // Rejects non-canonical encodings, non-points and the identity (kBadInput).
  static Result<Point> decode(ByteView bytes);
  // s·G. REQUIRES: !s.is_zero().
  static Point base_mul(const Scalar& s);
  // The point whose canonical encoding libcpc's own constant-time arithmetic has just
  // computed (the proxy's products, crypto.md §5.2), without decoding it again.
  // REQUIRES: `canonical` is such an encoding of a non-identity element; never outside bytes.
  static Point from_own_encoding(const std::array<std::uint8_t, kPointBytes>& canonical) {
    Point p;
    p.b_ = canonical;
    return p;
  }
  // Hash to the group (RFC 9496 §4.3.4, crypto_core_ristretto255_from_hash).
  static Point from_hash(const std::array<std::uint8_t, 64>& uniform);

  const std::array<std::uint8_t, kPointBytes>& bytes() const { return b_; }

  // s·P. Fails (kBadInput) only when the result is the identity (s = 0).
  Result<Point> mul(const Scalar& s) const;
  // P + Q and P − Q. Fail only when the result is the identity.
  Result<Point> add(const Point& o) const;
  Result<Point> sub(const Point& o) const;

  bool operator==(const Point& o) const { return sodium_memcmp(b_.data(), o.b_.data(), 32) == 0; }

 private:
  std::array<std::uint8_t, kPointBytes> b_{};
};

// H(tag; parts...) of crypto.md §1: BLAKE2b-512 over a length-prefixed encoding.
std::array<std::uint8_t, 64> hash_wide(std::string_view tag, std::initializer_list<ByteView> parts);
// Hs: hash_wide reduced to a scalar.
Scalar hash_to_scalar(std::string_view tag, std::initializer_list<ByteView> parts);
// H32: the same construction with a 32-byte BLAKE2b output, written to `out`.
void hash32(std::string_view tag, std::initializer_list<ByteView> parts,
            std::span<std::uint8_t, 32> out);

inline ByteView view(const std::array<std::uint8_t, 32>& a) {
  return {a.data(), a.size()};
}

}  // namespace cpc::group
