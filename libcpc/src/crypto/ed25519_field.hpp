// SPDX-License-Identifier: Apache-2.0
// Just enough arithmetic on edwards25519 for PUBLIC values: the field mod p = 2^255 - 19 in
// five 51-bit limbs, extended twisted Edwards points (X:Y:Z:T), ristretto255 decoding
// (RFC 9496 §4.3.1, with every check, one point or several interleaved) and encoding, and the
// ristretto-invariant key (x·y)^2 of the discrete-logarithm search (crypto.md §5.6).
//
// NOT constant time, and not a general-purpose group implementation: it only ever sees
// public values, and what it yields is either re-checked through libsodium or a public
// verdict. Users: the baby-step giant-step search (points derived from a plaintext the
// decrypting party learns anyway), he::Summer (decodes, validates and adds public
// ciphertexts), and msm.hpp (the multi-scalar multiplication that checks cfrag proofs,
// crypto.md §5.2). Never give it a secret scalar or point. Internal to libcpc.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace cpc::he::field {

struct Fe {
  std::uint64_t v[5];
};

inline constexpr std::uint64_t kMask51 = (std::uint64_t{1} << 51) - 1;

#define CPC_FE_INLINE inline __attribute__((always_inline))

CPC_FE_INLINE Fe carry(Fe a) {
  std::uint64_t c;
  c = a.v[0] >> 51, a.v[0] &= kMask51, a.v[1] += c;
  c = a.v[1] >> 51, a.v[1] &= kMask51, a.v[2] += c;
  c = a.v[2] >> 51, a.v[2] &= kMask51, a.v[3] += c;
  c = a.v[3] >> 51, a.v[3] &= kMask51, a.v[4] += c;
  c = a.v[4] >> 51, a.v[4] &= kMask51, a.v[0] += 19 * c;
  return a;
}

// No carry: inputs are carried (limbs < 2^51 + 2^15), so the sum's limbs stay < 2^52 + 2^16,
// which mul and sub accept.
CPC_FE_INLINE Fe add(const Fe& a, const Fe& b) {
  return {{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// a - b + 4p; inputs have limbs < 2^53.
CPC_FE_INLINE Fe sub(const Fe& a, const Fe& b) {
  constexpr std::uint64_t k0 = 0x1FFFFFFFFFFFB4, k = 0x1FFFFFFFFFFFFC;
  return carry({{a.v[0] + k0 - b.v[0], a.v[1] + k - b.v[1], a.v[2] + k - b.v[2],
                 a.v[3] + k - b.v[3], a.v[4] + k - b.v[4]}});
}

// Carries five 128-bit limb sums of a product down to 51-bit limbs (2^255 = 19 mod p),
// shared by mul and sq.
CPC_FE_INLINE Fe carry_reduce(unsigned __int128 r0, unsigned __int128 r1, unsigned __int128 r2,
                              unsigned __int128 r3, unsigned __int128 r4) {
  Fe o;
  r1 += (std::uint64_t)(r0 >> 51);
  o.v[0] = (std::uint64_t)r0 & kMask51;
  r2 += (std::uint64_t)(r1 >> 51);
  o.v[1] = (std::uint64_t)r1 & kMask51;
  r3 += (std::uint64_t)(r2 >> 51);
  o.v[2] = (std::uint64_t)r2 & kMask51;
  r4 += (std::uint64_t)(r3 >> 51);
  o.v[3] = (std::uint64_t)r3 & kMask51;
  std::uint64_t c = (std::uint64_t)(r4 >> 51);
  o.v[4] = (std::uint64_t)r4 & kMask51;
  o.v[0] += 19 * c;
  c = o.v[0] >> 51;
  o.v[0] &= kMask51;
  o.v[1] += c;
  return o;
}

// Inputs with limbs < 2^53; the output is carried.
CPC_FE_INLINE Fe mul(const Fe& a, const Fe& b) {
  using u128 = unsigned __int128;
  const std::uint64_t b1 = 19 * b.v[1], b2 = 19 * b.v[2], b3 = 19 * b.v[3], b4 = 19 * b.v[4];
  u128 r0 = (u128)a.v[0] * b.v[0] + (u128)a.v[1] * b4 + (u128)a.v[2] * b3 + (u128)a.v[3] * b2 +
            (u128)a.v[4] * b1;
  u128 r1 = (u128)a.v[0] * b.v[1] + (u128)a.v[1] * b.v[0] + (u128)a.v[2] * b4 + (u128)a.v[3] * b3 +
            (u128)a.v[4] * b2;
  u128 r2 = (u128)a.v[0] * b.v[2] + (u128)a.v[1] * b.v[1] + (u128)a.v[2] * b.v[0] +
            (u128)a.v[3] * b4 + (u128)a.v[4] * b3;
  u128 r3 = (u128)a.v[0] * b.v[3] + (u128)a.v[1] * b.v[2] + (u128)a.v[2] * b.v[1] +
            (u128)a.v[3] * b.v[0] + (u128)a.v[4] * b4;
  u128 r4 = (u128)a.v[0] * b.v[4] + (u128)a.v[1] * b.v[3] + (u128)a.v[2] * b.v[2] +
            (u128)a.v[3] * b.v[1] + (u128)a.v[4] * b.v[0];
  return carry_reduce(r0, r1, r2, r3, r4);
}

// a^2 with the symmetric products shared (5 + 10 instead of 25 multiplications); the same
// bounds as mul.
CPC_FE_INLINE Fe sq(const Fe& a) {
  using u128 = unsigned __int128;
  const std::uint64_t a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
  const std::uint64_t d0 = 2 * a0, d1 = 2 * a1, a1_38 = 38 * a1, a2_38 = 38 * a2, a3_38 = 38 * a3,
                      a3_19 = 19 * a3, a4_19 = 19 * a4;
  u128 r0 = (u128)a0 * a0 + (u128)a1_38 * a4 + (u128)a2_38 * a3;
  u128 r1 = (u128)d0 * a1 + (u128)a2_38 * a4 + (u128)a3_19 * a3;
  u128 r2 = (u128)d0 * a2 + (u128)a1 * a1 + (u128)a3_38 * a4;
  u128 r3 = (u128)d0 * a3 + (u128)d1 * a2 + (u128)a4_19 * a4;
  u128 r4 = (u128)d0 * a4 + (u128)d1 * a3 + (u128)a2 * a2;
  return carry_reduce(r0, r1, r2, r3, r4);
}

Fe from_u64(std::uint64_t x);
// Little-endian; the top bit is ignored (callers pass canonical encodings).
Fe from_bytes(const std::uint8_t* in);
// The canonical encoding (fully reduced mod p).
std::array<std::uint8_t, 32> to_bytes(const Fe& a);
Fe invert(const Fe& a);  // a^(p-2); 0 -> 0
bool is_zero(const Fe& a);

// An extended twisted Edwards point, a = -1: x = X/Z, y = Y/Z, x·y = T/Z.
struct Point {
  Fe x, y, z, t;
};
// A point prepared for repeated addition: (Y+X, Y-X, 2d·T, 2Z).
struct Cached {
  Fe ypx, ymx, t2d, z2;
};

Point identity();
Cached cache(const Point& p);
Cached negate(const Cached& c);
Point add(const Point& p, const Cached& q);

// Decodes a canonical ristretto255 encoding produced by libsodium (not validated: only call
// it on libsodium's own outputs) to one of its Edwards representatives.
Point decode_ristretto(const std::array<std::uint8_t, 32>& s);
// RFC 9496 §4.3.1 with every check: false unless `bytes` is the canonical encoding of a
// group element (s < p, s non-negative, the square root exists, t non-negative, y != 0).
// The identity (32 zero bytes) decodes. Agrees with crypto_core_ristretto255_is_valid_point
// plus "not the identity" when the caller refuses the identity (he_test cross-checks).
bool decode_ristretto_checked(const std::uint8_t* bytes, Point& out);
// decode_ristretto_checked of n encodings: ok[i] says whether in[i] decoded (out[i] is only
// written then). Decodes kDecodeLanes at a time with their inverse square roots interleaved,
// which is faster per point than one at a time (the multiplications of one chain wait on
// each other's results).
inline constexpr std::size_t kDecodeLanes = 4;
void decode_ristretto_checked_n(const std::uint8_t* const* in, std::size_t n, Point* out, bool* ok);
// RFC 9496 §4.3.2: the canonical encoding of `p` (one inverse square root).
std::array<std::uint8_t, 32> encode_ristretto(const Point& p);

// The first 8 bytes (little-endian) of the canonical encoding of (x·y)^2, given 1/Z:
// invariant under the ristretto equivalence and under negation (crypto.md §5.6).
std::uint64_t key64(const Point& p, const Fe& z_inverse);

// Replaces zs[i] by 1/zs[i] (Montgomery's trick: one inversion, 3(n-1) multiplications).
void batch_invert(Fe* zs, std::size_t n, Fe* scratch);

}  // namespace cpc::he::field
