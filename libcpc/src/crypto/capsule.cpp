// SPDX-License-Identifier: Apache-2.0
// The Umbral-style KEM of crypto.md §4 (capsule.hpp).
#include "cpc/crypto/capsule.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "capsule_check.hpp"

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
  ed25519::Point pe, pv;
  return internal::decode_points(*this, pe, pv) && internal::check(*this, pe, pv);
}

namespace internal {
namespace ed = ed25519;
namespace {

// G's msm table, and the tables of its pieces 2^(64j)·G, built once.
struct GeneratorTables {
  ed::MsmTable g;
  std::array<ed::MsmTable, 4> pieces;
  GeneratorTables() {
    std::array<std::uint8_t, 32> one{}, enc{};
    one[0] = 1;
    ed::Point p;
    if (crypto_scalarmult_ristretto255_base(enc.data(), one.data()) != 0 ||
        !ed::decode_ristretto_checked(enc.data(), p)) {
      std::abort();  // the generator's own encoding
    }
    g = ed::msm_table(p);
    ed::CtBase<4> base;
    ed::ct_base(p, base);
    for (std::size_t j = 0; j < 4; ++j) pieces[j] = ed::msm_table(base.powers[j]);
  }
};
const GeneratorTables& generator_tables() {
  static const GeneratorTables t;
  return t;
}

// 32-byte scalars holding the 64-bit pieces j = 0 … 3 of `s`.
std::array<std::array<std::uint8_t, 32>, 4> pieces(const Scalar& s) {
  std::array<std::array<std::uint8_t, 32>, 4> out{};
  for (std::size_t j = 0; j < 4; ++j) std::memcpy(out[j].data(), s.bytes().data() + 8 * j, 8);
  return out;
}

}  // namespace

bool decode_points(const Capsule& c, ed::Point& e, ed::Point& v) {
  const std::uint8_t* in[2] = {c.e.bytes().data(), c.v.bytes().data()};
  ed::Point out[2];
  bool ok[2] = {false, false};
  ed::decode_ristretto_checked_n(in, 2, out, ok);
  if (!ok[0] || !ok[1]) return false;
  e = out[0];
  v = out[1];
  return true;
}

// s·G == V + h·E  as  s·G + (−h)·E == V; h = 0 is refused as the libsodium form was
// (h·E would be the identity), and so is s = 0.
bool check(const Capsule& c, const ed::Point& e, const ed::Point& v) {
  const Scalar h = c.challenge();
  if (c.s.is_zero() || h.is_zero()) return false;
  const Scalar minus_h = h.negate();
  const ed::MsmTable te = ed::msm_table(e);
  const ed::MsmTerm terms[2] = {{c.s.bytes().data(), &generator_tables().g},
                                {minus_h.bytes().data(), &te}};
  return ed::same_element(ed::msm(terms, 2), v);
}

bool check(const Capsule& c, const ed::CtBase<4>& e, const ed::Point& v) {
  const Scalar h = c.challenge();
  if (c.s.is_zero() || h.is_zero()) return false;
  const auto s = pieces(c.s), minus_h = pieces(h.negate());
  const GeneratorTables& g = generator_tables();
  std::array<ed::MsmTable, 4> te;
  ed::MsmTerm terms[8];
  for (std::size_t j = 0; j < 4; ++j) {
    te[j] = ed::msm_table(e.powers[j]);
    terms[j] = {s[j].data(), &g.pieces[j]};
    terms[4 + j] = {minus_h[j].data(), &te[j]};
  }
  return ed::same_element(ed::msm(terms, 8), v);
}

}  // namespace internal

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
