// SPDX-License-Identifier: Apache-2.0
// Constant-time scalar multiplication on edwards25519 for SECRET scalars (the proxy's rk and
// τ, crypto.md §5.2 and §5.7), on the points of ed25519_point.hpp:
//
// - the scalar is recoded into 64 signed radix-16 digits in [-8, 8] (ref10), by arithmetic
//   only;
// - each digit selects one of the multiples 1P … 8P (or the identity) of a table by
//   scanning all 8 entries with masked moves, then is conditionally negated, also with
//   masks: no branch and no memory address depends on a digit;
// - the sequence of doublings and additions is fixed (it depends on nothing secret), and is
//   written without any branch, even on the loop counters, so that ed25519_ct_test can
//   require every conditional jump in the machine code to be a loop's back-edge;
// - the products are encoded with ed25519_point.hpp's encode_ristretto_n, also constant
//   time.
//
// A base P is split into M pieces 2^(256j/M)·P (j < M), each with its table: s·P is then
// 256/M − 4 doublings and 64 additions, and the pieces (about 256 − 256/M doublings, once per
// base) are shared by every scalar multiplied with that base. The proxy multiplies each of
// E and V by two scalars (rk, τ): M = 4. The fixed generator U uses M = 64 (no doubling at
// all, 64 tables built once per process). The base points themselves are public: ct_base is
// constant time too, but nothing requires it.
//
// Cross-checked against libsodium's crypto_scalarmult_ristretto255 in ct_mul_test.
// Internal to libcpc. Thread safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ed25519_point.hpp"

namespace cpc::ed25519 {

// The signed radix-16 digits of a scalar s < 2^255 (s[31] <= 127): Σ e[i]·16^i = s,
// e[i] in [-8, 8]. Secret when s is: wipe after use.
struct CtDigits {
  std::array<std::int8_t, 64> e;
};
CtDigits ct_digits(const std::uint8_t* scalar);

// The tables of a base P in M pieces (M divides 64).
template <std::size_t M>
struct CtBase {
  static constexpr std::size_t kDigits = 64 / M;   // radix-16 digits per piece
  std::array<Point, M> powers;                     // 2^(4·kDigits·j)·P
  std::array<std::array<Cached, 8>, M> multiples;  // (1 … 8)·powers[j]
};
template <std::size_t M>
void ct_base(const Point& p, CtBase<M>& out);

// s·P in constant time (in s).
template <std::size_t M>
Point ct_mul(const CtDigits& s, const CtBase<M>& base);

}  // namespace cpc::ed25519
