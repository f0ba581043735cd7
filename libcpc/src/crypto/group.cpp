// SPDX-License-Identifier: Apache-2.0
// ristretto255 points and scalars over libsodium (group.hpp, crypto.md §1).
#include "cpc/crypto/group.hpp"

#include <cstring>

namespace cpc::group {
namespace {

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
constexpr std::uint8_t kOrder[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// True when the 32-byte little-endian value is < L. Constant-time in the value.
bool is_canonical_scalar(const std::uint8_t* s) {
  unsigned borrow = 0;
  for (int i = 0; i < 32; ++i) {
    unsigned diff = static_cast<unsigned>(s[i]) - kOrder[i] - borrow;
    borrow = (diff >> 8) & 1;
  }
  return borrow == 1;  // s - L borrowed, so s < L
}

}  // namespace

Result<Scalar> Scalar::decode(ByteView bytes) {
  if (bytes.size() != kScalarBytes) return Status::bad_input("scalar must be 32 bytes");
  if (!is_canonical_scalar(bytes.data())) return Status::bad_input("non-canonical scalar");
  Scalar s;
  std::memcpy(s.b_.data(), bytes.data(), kScalarBytes);
  return s;
}

Scalar Scalar::random() {
  Scalar s;
  do {
    crypto_core_ristretto255_scalar_random(s.b_.data());
  } while (s.is_zero());
  return s;
}

Scalar Scalar::from_u64(std::uint64_t v) {
  Scalar s;
  for (int i = 0; i < 8; ++i) s.b_[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return s;
}

Scalar Scalar::reduce(const std::array<std::uint8_t, 64>& wide) {
  Scalar s;
  crypto_core_ristretto255_scalar_reduce(s.b_.data(), wide.data());
  return s;
}

Scalar Scalar::operator+(const Scalar& o) const {
  Scalar r;
  crypto_core_ristretto255_scalar_add(r.b_.data(), b_.data(), o.b_.data());
  return r;
}
Scalar Scalar::operator-(const Scalar& o) const {
  Scalar r;
  crypto_core_ristretto255_scalar_sub(r.b_.data(), b_.data(), o.b_.data());
  return r;
}
Scalar Scalar::operator*(const Scalar& o) const {
  Scalar r;
  crypto_core_ristretto255_scalar_mul(r.b_.data(), b_.data(), o.b_.data());
  return r;
}
Scalar Scalar::negate() const {
  Scalar r;
  crypto_core_ristretto255_scalar_negate(r.b_.data(), b_.data());
  return r;
}
Scalar Scalar::invert() const {
  Scalar r;
  crypto_core_ristretto255_scalar_invert(r.b_.data(), b_.data());
  return r;
}

Result<Point> Point::decode(ByteView bytes) {
  if (bytes.size() != kPointBytes) return Status::bad_input("point must be 32 bytes");
  // RFC 9496 §4.3.1: reject non-canonical encodings and non-points; crypto.md §1: and the
  // identity, which no honest party ever sends.
  // libsodium 1.0.18 ignores the top bit (a second spelling of every point, s + 2^255 >= p),
  // so it is checked here.
  if ((bytes[31] & 0x80) != 0 || crypto_core_ristretto255_is_valid_point(bytes.data()) != 1) {
    return Status::bad_input("invalid ristretto255 point encoding");
  }
  if (sodium_is_zero(bytes.data(), bytes.size()) == 1) {
    return Status::bad_input("identity point not allowed");
  }
  Point p;
  std::memcpy(p.b_.data(), bytes.data(), kPointBytes);
  return p;
}

Point Point::base_mul(const Scalar& s) {
  Point p;
  // Fails only for s = 0, which the REQUIRES excludes.
  (void)crypto_scalarmult_ristretto255_base(p.b_.data(), s.bytes().data());
  return p;
}

Point Point::from_hash(const std::array<std::uint8_t, 64>& uniform) {
  Point p;
  crypto_core_ristretto255_from_hash(p.b_.data(), uniform.data());
  return p;
}

Result<Point> Point::mul(const Scalar& s) const {
  Point r;
  if (crypto_scalarmult_ristretto255(r.b_.data(), s.bytes().data(), b_.data()) != 0) {
    return Status::bad_input("scalar multiplication gave the identity");
  }
  return r;
}

Result<Point> Point::add(const Point& o) const {
  Point r;
  crypto_core_ristretto255_add(r.b_.data(), b_.data(), o.b_.data());
  if (sodium_is_zero(r.b_.data(), 32) == 1) return Status::bad_input("point sum is the identity");
  return r;
}

Result<Point> Point::sub(const Point& o) const {
  Point r;
  crypto_core_ristretto255_sub(r.b_.data(), b_.data(), o.b_.data());
  if (sodium_is_zero(r.b_.data(), 32) == 1)
    return Status::bad_input("point difference is the identity");
  return r;
}

namespace {

template <std::size_t N>
void hash_into(std::string_view tag, std::initializer_list<ByteView> parts, std::uint8_t* out) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, N);
  std::uint8_t tag_len = static_cast<std::uint8_t>(tag.size());
  crypto_generichash_update(&st, &tag_len, 1);
  crypto_generichash_update(&st, reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size());
  for (ByteView p : parts) {
    std::uint8_t len[8];
    for (int i = 0; i < 8; ++i)
      len[i] = static_cast<std::uint8_t>(std::uint64_t{p.size()} >> (8 * i));
    crypto_generichash_update(&st, len, 8);
    crypto_generichash_update(&st, p.data(), p.size());
  }
  crypto_generichash_final(&st, out, N);
}

}  // namespace

std::array<std::uint8_t, 64> hash_wide(std::string_view tag,
                                       std::initializer_list<ByteView> parts) {
  std::array<std::uint8_t, 64> out{};
  hash_into<64>(tag, parts, out.data());
  return out;
}

Scalar hash_to_scalar(std::string_view tag, std::initializer_list<ByteView> parts) {
  auto wide = hash_wide(tag, parts);
  Scalar s = Scalar::reduce(wide);
  sodium_memzero(wide.data(), wide.size());
  return s;
}

void hash32(std::string_view tag, std::initializer_list<ByteView> parts,
            std::span<std::uint8_t, 32> out) {
  hash_into<32>(tag, parts, out.data());
}

}  // namespace cpc::group
