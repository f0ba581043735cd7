// SPDX-License-Identifier: Apache-2.0
// Arithmetic in the field of edwards25519, GF(p), p = 2^255 - 19, in five 51-bit limbs
// (ref10 / curve25519-dalek's u64 backend): what ed25519_point.hpp, ct_mul.hpp (the proxy's
// products with secret scalars, crypto.md §5.2), msm.hpp (cfrag proof checks) and the
// homomorphic sums and discrete-logarithm search of he_*.cpp (crypto.md §5.5, §5.6) build on.
//
// Timing contract, operation by operation. "Constant time" means what it means for
// libsodium's C code: no branch and no memory address depends on the value of an operand,
// only on public sizes and loop counters; 64x64->128-bit multiplications are assumed to
// take a data-independent time (true of x86-64's MUL/MULX and aarch64's MUL/UMULH).
// ed25519_ct_test disassembles the compiled routines marked [checked] and fails on any
// forward conditional jump, indirect jump or call, division, or call to an unchecked
// function (crypto.md §5.7).
//
//   operation                     time       why                                   secrets?
//   carry add sub neg mul sq      constant   fixed adds, shifts, masks, 128-bit    yes
//                                            products; inline into their callers
//   from_u64 from_bytes           constant   shifts and masks [checked]            yes
//   reduce to_bytes               constant   p subtracted by arithmetic (the       yes
//                                            carry out of t + 19) [checked]
//   invert pow22523 pow22523_n    constant   fixed addition chains (ref10): the    yes
//                                            exponent is a public constant [checked]
//   mask_of cmov                  constant   masked moves r ^= (r ^ a) & m; the    yes
//                                            mask is hidden from the optimiser
//   ct_equal ct_is_negative       constant   compare/sign of the reduced limbs     yes
//   ct_abs                        constant   cmov of the negation                  yes
//   sqrt_ratio_m1_n               constant   fixed chain, then cmov                yes
//   is_zero                       constant   computed like ct_equal, but returns   result is
//                                            a bool the caller will branch on      public
//   batch_invert                  constant   in the values; its time grows with    yes (n is
//                                            n (Montgomery's trick)                public)
//
// Nothing here branches on a field element; what can leak is only what a caller does with
// a returned bool (is_zero). Internal to libcpc. Thread safety: pure functions and
// constants.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace cpc::ed25519 {

// a = Σ v[i]·2^(51·i). "Carried" means every limb < 2^51 + 2^15 (what carry and mul return);
// a carried value is not necessarily < p ("reduced": reduce, to_bytes).
struct Fe {
  std::uint64_t v[5];
};

inline constexpr std::uint64_t kMask51 = (std::uint64_t{1} << 51) - 1;

// Constants, reduced. d = -121665/121666, sqrt(-1) = 2^((p-1)/4) and INVSQRT_A_MINUS_D =
// abs(1/sqrt(a - d)) for a = -1 (RFC 9496 §4.1); ed25519_field_test recomputes each.
inline constexpr Fe kZero{{0, 0, 0, 0, 0}};
inline constexpr Fe kOne{{1, 0, 0, 0, 0}};
inline constexpr Fe kMinusOne{{kMask51 - 19, kMask51, kMask51, kMask51, kMask51}};
inline constexpr Fe kD{
    {929955233495203, 466365720129213, 1662059464998953, 2033849074728123, 1442794654840575}};
inline constexpr Fe kD2{
    {1859910466990425, 932731440258426, 1072319116312658, 1815898335770999, 633789495995903}};
inline constexpr Fe kSqrtM1{
    {1718705420411056, 234908883556509, 2233514472574048, 2117202627021982, 765476049583133}};
inline constexpr Fe kMinusSqrtM1{
    {533094393274173, 2016890930128738, 18285341111199, 134597186663265, 1486323764102114}};
inline constexpr Fe kInvSqrtAMinusD{
    {278908739862762, 821645201101625, 8113234426968, 1777959178193151, 2118520810568447}};

#define CPC_FE_INLINE inline __attribute__((always_inline))
// Loops over independent lanes (N <= 8) are unrolled whole: no loop branch, and nothing
// for the compiler to turn into a forward exit test (which ed25519_ct_test would refuse).
#define CPC_UNROLL_LANES _Pragma("GCC unroll 8")

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

CPC_FE_INLINE Fe neg(const Fe& a) {
  return sub(kZero, a);
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
// Little-endian; the top bit is ignored (RFC 9496 callers check canonicity separately).
Fe from_bytes(const std::uint8_t* in);
// The same element with every limb < 2^51 and the value < p (the canonical limbs).
Fe reduce(const Fe& a);
// The canonical encoding (fully reduced mod p).
std::array<std::uint8_t, 32> to_bytes(const Fe& a);
// a^(p-2) (0 -> 0): 254 squarings and 11 multiplications.
Fe invert(const Fe& a);
// a^((p-5)/8) = a^(2^252 - 3): 250 squarings and 11 multiplications.
Fe pow22523(const Fe& a);
// Whether a == 0 mod p. The computation is constant time; the bool is for public values.
bool is_zero(const Fe& a);

// Replaces zs[i] by 1/zs[i] (Montgomery's trick: one inversion, 3(n-1) multiplications).
void batch_invert(Fe* zs, std::size_t n, Fe* scratch);

// ---- Constant-time selection: masks are all-ones or zero, never bools.

// All-ones when bit == 1, zero when bit == 0; the empty asm hides the value from the
// optimiser so that it cannot turn a masked move back into a branch.
CPC_FE_INLINE std::uint64_t mask_of(std::uint64_t bit) {
  std::uint64_t m = 0 - bit;
  __asm__("" : "+r"(m));
  return m;
}

// r = mask ? a : r.
CPC_FE_INLINE void cmov(Fe& r, const Fe& a, std::uint64_t mask) {
  for (int i = 0; i < 5; ++i) r.v[i] ^= (r.v[i] ^ a.v[i]) & mask;
}

// 1 when a and b have the same reduced limbs (both must be reduced), else 0.
CPC_FE_INLINE std::uint64_t ct_equal_reduced(const Fe& a, const Fe& b) {
  std::uint64_t acc = 0;
  for (int i = 0; i < 5; ++i) acc |= a.v[i] ^ b.v[i];
  return (acc - 1) >> 63;  // acc < 2^51: acc - 1 has the top bit set only for acc == 0
}
// 1 when a == b mod p, else 0.
CPC_FE_INLINE std::uint64_t ct_equal(const Fe& a, const Fe& b) {
  return ct_equal_reduced(reduce(a), reduce(b));
}
// RFC 9496 §4.1 IS_NEGATIVE: the low bit of the canonical encoding, as 0 or 1.
CPC_FE_INLINE std::uint64_t ct_is_negative(const Fe& a) {
  return reduce(a).v[0] & 1;
}
// RFC 9496 §4.1 CT_ABS.
CPC_FE_INLINE Fe ct_abs(const Fe& a) {
  Fe r = a;
  cmov(r, neg(a), mask_of(ct_is_negative(a)));
  return r;
}

// ---- Exponentiations of N independent elements at once, their multiplication chains
// interleaved step by step: one chain of dependent multiplications leaves the multiplier
// idle most of the time (latency-bound); N keep it busy. Same results as N single calls.

template <std::size_t N>
CPC_FE_INLINE void sq_n_lanes(Fe* x, int n) {
  for (int k = 0; k < n; ++k) {
    CPC_UNROLL_LANES
    for (std::size_t l = 0; l < N; ++l) x[l] = sq(x[l]);
  }
}

// out[l] = z[l]^(2^252 - 3), ref10's chain (250 squarings, 11 multiplications per lane).
template <std::size_t N>
CPC_FE_INLINE void pow22523_n(const Fe* z, Fe* out) {
  Fe t0[N], t1[N], t2[N];
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    t0[l] = sq(z[l]);
    t1[l] = mul(z[l], sq(sq(t0[l])));  // z^9
    t0[l] = mul(t0[l], t1[l]);         // z^11
    t0[l] = mul(t1[l], sq(t0[l]));     // 2^5 - 1
    t1[l] = t0[l];
  }
  sq_n_lanes<N>(t1, 5);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], t0[l]), t1[l] = t0[l];  // 2^10 - 1
  sq_n_lanes<N>(t1, 10);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t1[l], t0[l]), t2[l] = t1[l];  // 2^20 - 1
  sq_n_lanes<N>(t2, 20);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t2[l], t1[l]);  // 2^40 - 1
  sq_n_lanes<N>(t1, 10);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], t0[l]), t1[l] = t0[l];  // 2^50 - 1
  sq_n_lanes<N>(t1, 50);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t1[l], t0[l]), t2[l] = t1[l];  // 2^100 - 1
  sq_n_lanes<N>(t2, 100);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t2[l], t1[l]);  // 2^200 - 1
  sq_n_lanes<N>(t1, 50);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], t0[l]);  // 2^250 - 1
  sq_n_lanes<N>(t0, 2);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) out[l] = mul(t0[l], z[l]);  // 2^252 - 3
}

// RFC 9496 §4.2 SQRT_RATIO_M1(1, v) on N lanes: r[l] = abs(1/sqrt(v[l])) when v[l] is a
// non-zero square, abs(sqrt(i/v[l])) when it is not, 0 for v[l] = 0; was_square[l] = 1 when
// 1/v[l] is a square, else 0 (0 for v[l] = 0, as in the RFC). r = v^3 · (v^7)^((p-5)/8),
// then v·r^2 (reduced once) is compared with 1, -1 and -sqrt(-1), and r is rotated by
// sqrt(-1) with a masked move.
template <std::size_t N>
CPC_FE_INLINE void sqrt_ratio_m1_n(const Fe* v, Fe* r, std::uint64_t* was_square) {
  Fe v3[N], v7[N];
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    v3[l] = mul(sq(v[l]), v[l]);
    v7[l] = mul(sq(v3[l]), v[l]);
  }
  pow22523_n<N>(v7, r);
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    r[l] = mul(v3[l], r[l]);
    const Fe check = reduce(mul(v[l], sq(r[l])));
    const std::uint64_t correct = ct_equal_reduced(check, kOne);
    const std::uint64_t flipped = ct_equal_reduced(check, kMinusOne);
    const std::uint64_t flipped_i = ct_equal_reduced(check, kMinusSqrtM1);
    cmov(r[l], mul(r[l], kSqrtM1), mask_of(flipped | flipped_i));
    r[l] = ct_abs(r[l]);
    was_square[l] = correct | flipped;
  }
}

}  // namespace cpc::ed25519
