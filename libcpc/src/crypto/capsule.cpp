// SPDX-License-Identifier: Apache-2.0
// The Umbral-style KEM of crypto.md §4 (capsule.hpp).
#include "cpc/capsule.hpp"

#include <cstring>

namespace cpc::capsule {

using group::Point;
using group::Scalar;

std::array<std::uint8_t, kCapsuleBytes> Capsule::encode() const {
  std::array<std::uint8_t, kCapsuleBytes> out{};
  std::memcpy(out.data(), e.bytes().data(), 32);
  std::memcpy(out.data() + 32, v.bytes().data(), 32);
  std::memcpy(out.data() + 64, s.bytes().data(), 32);
  return out;
}

Scalar Capsule::challenge() const {
  return group::hash_to_scalar("cpc/capsule/v1", {group::view(e.bytes()), group::view(v.bytes())});
}

bool Capsule::verify() const {
  if (s.is_zero()) return false;
  // s·G == V + h·E  (crypto.md §4, opening step 2)
  Point lhs = Point::base_mul(s);
  auto he = e.mul(challenge());
  if (!he) return false;
  auto rhs = v.add(*he);
  return rhs && lhs == *rhs;
}

Result<Capsule> Capsule::decode(ByteView bytes) {
  if (bytes.size() != kCapsuleBytes) return Status::bad_input("capsule must be 96 bytes");
  auto e = Point::decode(bytes.subspan(0, 32));
  if (!e) return e.status().with_context("capsule E");
  auto v = Point::decode(bytes.subspan(32, 32));
  if (!v) return v.status().with_context("capsule V");
  auto s = Scalar::decode(bytes.subspan(64, 32));
  if (!s) return s.status().with_context("capsule s");
  Capsule c{*e, *v, *s};
  if (!c.verify()) return Status::refused("invalid capsule (check s·G = V + h·E fails)");
  return c;
}

void derive_key(const Capsule& c, const Point& shared, Key& key) {
  auto enc = c.encode();
  group::hash32("cpc/kem/v1", {ByteView(enc), group::view(shared.bytes())}, key);
}

Capsule encapsulate(const Point& recipient, Key& key) {
  Scalar r = Scalar::random();
  Scalar u = Scalar::random();
  Capsule c{Point::base_mul(r), Point::base_mul(u), Scalar()};
  c.s = u + r * c.challenge();
  Scalar ru = r + u;
  // r + u = 0 has probability 2^-252; draw again rather than derive from the identity.
  if (ru.is_zero()) return encapsulate(recipient, key);
  Point shared = recipient.mul(ru).value();  // recipient is not the identity, ru != 0
  derive_key(c, shared, key);
  return c;
}

Result<Key> decapsulate(const Scalar& a, const Capsule& c) {
  auto ev = c.e.add(c.v);
  if (!ev) return Status::refused("invalid capsule");
  auto shared = ev->mul(a);
  if (!shared) return Status::refused("invalid capsule");
  Key key{};
  derive_key(c, *shared, key);
  return key;
}

}  // namespace cpc::capsule
