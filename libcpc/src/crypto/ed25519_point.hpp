// SPDX-License-Identifier: Apache-2.0
// Points of edwards25519 (-x^2 + y^2 = 1 + d·x^2·y^2 over ed25519_field.hpp) in extended
// coordinates, the formulas to add and double them, and ristretto255 encoding and decoding
// (RFC 9496 §4.3). The users: ct_mul.hpp (the proxy's products with secret scalars),
// msm.hpp (cfrag proof and capsule checks), he_sum.cpp and he_table.cpp (homomorphic sums,
// the discrete-logarithm search).
//
// Timing contract, operation by operation ("constant time" as in ed25519_field.hpp: no
// branch and no memory address depends on a coordinate; [checked]: ed25519_ct_test
// disassembles it):
//
//   operation                     time       why                                   secrets?
//   identity cache negate         constant   fixed field operations                yes
//   dbl add_c sub_c to_point      constant   fixed formulas; the addition is       yes
//   to_p2 add                                complete (a = -1, d non-square), so
//                                            the identity and P + P need no branch
//   encode_ristretto(_n)          constant   RFC 9496 §4.3.2 with masked           yes
//                                            selections (cmov) [checked]
//   decode_ristretto_checked_n    constant   every check of §4.3.1 is computed as  verdicts
//   decode_ristretto                         a mask [checked]; but each verdict    are public
//                                            ok[i] is a bool its caller branches
//                                            on, so validity is public
//   decode_ristretto_checked      constant   up to the verdict (writes `out` only  verdict is
//                                            when the encoding is valid)           public
//
// Everything cpchain decodes is public (points on the wire, in records and capsules); what
// is secret are scalars and the products computed from them (ct_mul.hpp), which only go
// through the constant-time rows. Scalar multiplication itself lives in ct_mul.hpp
// (constant time, for secret scalars) and msm.hpp (variable time, public scalars only).
// Internal to libcpc. Thread safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ed25519_field.hpp"

namespace cpc::ed25519 {

// An extended twisted Edwards point, a = -1: x = X/Z, y = Y/Z, x·y = T/Z.
struct Point {
  Fe x, y, z, t;
};
// A point prepared for repeated addition: (Y+X, Y-X, 2d·T, 2Z).
struct Cached {
  Fe ypx, ymx, t2d, z2;
};
// ref10's ge_p1p1 ("completed"): x = X/Z, y = Y/T. Doublings and additions produce it, so
// that a chain of doublings can skip T (to_p2).
struct Completed {
  Fe x, y, z, t;
};

CPC_FE_INLINE Point identity() {
  return {kZero, kOne, kOne, kZero};
}

CPC_FE_INLINE Cached cache(const Point& p) {
  return {add(p.y, p.x), sub(p.y, p.x), mul(p.t, kD2), add(p.z, p.z)};
}

CPC_FE_INLINE Cached negate(const Cached& c) {
  return {c.ymx, c.ypx, neg(c.t2d), c.z2};
}

// The extended point (4 multiplications).
CPC_FE_INLINE Point to_point(const Completed& c) {
  return {mul(c.x, c.t), mul(c.y, c.z), mul(c.z, c.t), mul(c.x, c.y)};
}
// X, Y, Z only (3 multiplications): enough for a doubling, not for an addition (T is a copy
// of Z, meaningless).
CPC_FE_INLINE Point to_p2(const Completed& c) {
  Point p;
  p.x = mul(c.x, c.t);
  p.y = mul(c.y, c.z);
  p.z = mul(c.z, c.t);
  p.t = p.z;
  return p;
}

// 2·P from X, Y, Z (dbl-2008-hwcd for a = -1): 4 squarings.
CPC_FE_INLINE Completed dbl(const Point& p) {
  Fe xx = sq(p.x), yy = sq(p.y), zz = sq(p.z);
  Fe b = add(zz, zz);
  Fe aa = sq(add(p.x, p.y));
  Fe y3 = add(yy, xx);
  Fe z3 = sub(yy, xx);
  return {sub(aa, y3), y3, z3, sub(b, z3)};
}

// P + Q and P − Q for Q cached (add-2008-hwcd-3 for a = -1): 4 multiplications.
CPC_FE_INLINE Completed add_c(const Point& p, const Cached& q) {
  Fe a = mul(add(p.y, p.x), q.ypx);
  Fe b = mul(sub(p.y, p.x), q.ymx);
  Fe c = mul(q.t2d, p.t);
  Fe d = mul(p.z, q.z2);
  return {sub(a, b), add(a, b), add(d, c), sub(d, c)};
}
CPC_FE_INLINE Completed sub_c(const Point& p, const Cached& q) {
  Fe a = mul(add(p.y, p.x), q.ymx);
  Fe b = mul(sub(p.y, p.x), q.ypx);
  Fe c = mul(q.t2d, p.t);
  Fe d = mul(p.z, q.z2);
  return {sub(a, b), add(a, b), sub(d, c), add(d, c)};
}

// P + Q as an extended point (8 multiplications).
CPC_FE_INLINE Point add(const Point& p, const Cached& q) {
  return to_point(add_c(p, q));
}

// RFC 9496 §4.3.1 with every check: false unless `bytes` is the canonical encoding of a
// group element (s < p, s non-negative, the square root exists, t non-negative, y != 0);
// `out` is written only when true. The identity (32 zero bytes) decodes. Agrees with
// crypto_core_ristretto255_is_valid_point plus "not the identity" when the caller refuses
// the identity (ristretto_test, he_sum_test).
bool decode_ristretto_checked(const std::uint8_t* bytes, Point& out);
// decode_ristretto_checked of n encodings: ok[i] says whether in[i] decoded; out[i] is
// always written and meaningful only when ok[i]. Decodes kDecodeLanes at a time with their
// inverse square roots interleaved, which is faster per point than one at a time.
inline constexpr std::size_t kDecodeLanes = 4;
void decode_ristretto_checked_n(const std::uint8_t* const* in, std::size_t n, Point* out, bool* ok);
// The same decoding for an encoding known to be valid (libsodium's own outputs, points a
// parser already checked); an invalid one yields an unspecified point.
Point decode_ristretto(const std::array<std::uint8_t, 32>& bytes);

// RFC 9496 §4.3.2: the canonical encoding of `p` (the identity encodes as 32 zero bytes).
std::array<std::uint8_t, 32> encode_ristretto(const Point& p);
// The encodings of n points, kEncodeLanes inverse square roots interleaved at a time.
inline constexpr std::size_t kEncodeLanes = 5;
void encode_ristretto_n(const Point* p, std::size_t n, std::array<std::uint8_t, 32>* out);

}  // namespace cpc::ed25519
