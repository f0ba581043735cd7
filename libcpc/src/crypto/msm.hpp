// SPDX-License-Identifier: Apache-2.0
// Variable-time multi-scalar multiplication on edwards25519 for PUBLIC values: Σ s_i·P_i by
// Straus's interleaving with width-5 NAFs (one shared chain of ~253 doublings, ~1/6 of the
// scalar bits as additions per term), on the points of ed25519_point.hpp. Used to
// check the Chaum–Pedersen equations of a cfrag proof (crypto.md §5.2), where every point
// and scalar is public. Never call it with a secret scalar or point: its running time and
// memory accesses depend on the scalars' digits.
//
// Points are Edwards representatives of ristretto255 elements (decode_ristretto_checked);
// a result is compared as a ristretto255 element (same_element / is_identity), so the
// 4-torsion component of a representative never matters. Internal to libcpc; cross-checked
// against libsodium in msm_test.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ed25519_point.hpp"

namespace cpc::ed25519 {

// The odd multiples P, 3P, 5P, …, 15P of a point, ready for addition: 1 doubling and 7
// additions to build.
struct MsmTable {
  std::array<Cached, 8> odd;
};
MsmTable msm_table(const Point& p);

// One term s·P: s is 32 little-endian bytes, s < 2^255 (every scalar mod L is).
struct MsmTerm {
  const std::uint8_t* scalar;
  const MsmTable* table;
};

// Σ s_i·P_i (the identity for n = 0). Variable time.
Point msm(const MsmTerm* terms, std::size_t n);

// Ristretto255 equality of two representatives (RFC 9496 §4.3.3: X1·Y2 == Y1·X2 or
// Y1·Y2 == X1·X2), and "is the identity element" (X == 0 or Y == 0). No encoding.
bool same_element(const Point& p, const Point& q);
bool is_identity(const Point& p);

// The width-5 NAF of a 256-bit little-endian scalar < 2^255: digits in {0, ±1, ±3, …, ±15},
// any two non-zero digits at least 5 positions apart; Σ naf[i]·2^i = s. Exposed for tests.
std::array<std::int8_t, 256> naf5(const std::uint8_t* scalar);

}  // namespace cpc::ed25519
