// SPDX-License-Identifier: Apache-2.0
// ristretto255 decoding and encoding (RFC 9496 §4.3.1, §4.3.2) on the points of
// ed25519_point.hpp, N encodings at a time. Constant time: every check and every choice is
// a mask (cmov), every loop runs a number of times fixed by N. The lane functions are kept
// out of line so that ed25519_ct_test can find and disassemble them.
#include "ed25519_point.hpp"

namespace cpc::ed25519 {
namespace {

// §4.3.1 for N encodings: out[l] and ok[l] (the verdict) are always written.
template <std::size_t N>
__attribute__((noinline)) void decode_lanes(const std::uint8_t* const* in, Point* out, bool* ok) {
  Fe s[N], u1[N], u2[N], v[N], a[N], r[N];
  std::uint64_t good[N], was_square[N];
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    s[l] = from_bytes(in[l]);  // bit 255 ignored here, refused just below
    // Canonical: s < p (reducing does not change it) and bit 255 clear. Non-negative.
    good[l] = ct_equal_reduced(reduce(s[l]), s[l]) & (1 ^ (in[l][31] >> 7)) & (1 ^ (in[l][0] & 1));
    const Fe ss = sq(s[l]);
    u1[l] = sub(kOne, ss);
    u2[l] = add(kOne, ss);
    const Fe u2_sqr = sq(u2[l]);
    v[l] = sub(neg(mul(kD, sq(u1[l]))), u2_sqr);
    a[l] = mul(v[l], u2_sqr);
  }
  sqrt_ratio_m1_n<N>(a, r, was_square);  // invsqrt = r
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    const Fe den_x = mul(r[l], u2[l]);
    const Fe den_y = mul(mul(r[l], den_x), v[l]);
    const Fe x = ct_abs(mul(add(s[l], s[l]), den_x));
    const Fe y = reduce(mul(u1[l], den_y));
    const Fe xy = mul(x, y);
    good[l] &= was_square[l] & (1 ^ ct_is_negative(xy)) & (1 ^ ct_equal_reduced(y, kZero));
    ok[l] = good[l] == 1;
    out[l] = {x, y, kOne, xy};
  }
}

// §4.3.2 for N points.
template <std::size_t N>
__attribute__((noinline)) void encode_lanes(const Point* p, std::array<std::uint8_t, 32>* out) {
  Fe u1[N], u2[N], v[N], r[N];
  std::uint64_t unused[N];
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    u1[l] = mul(add(p[l].z, p[l].y), sub(p[l].z, p[l].y));
    u2[l] = mul(p[l].x, p[l].y);
    v[l] = mul(u1[l], sq(u2[l]));
  }
  sqrt_ratio_m1_n<N>(v, r, unused);  // invsqrt = r
  CPC_UNROLL_LANES
  for (std::size_t l = 0; l < N; ++l) {
    const Fe den1 = mul(r[l], u1[l]);
    const Fe den2 = mul(r[l], u2[l]);
    const Fe z_inv = mul(mul(den1, den2), p[l].t);
    const std::uint64_t rotate = mask_of(ct_is_negative(mul(p[l].t, z_inv)));
    Fe x = p[l].x, y = p[l].y, den_inv = den2;
    cmov(x, mul(p[l].y, kSqrtM1), rotate);
    cmov(y, mul(p[l].x, kSqrtM1), rotate);
    cmov(den_inv, mul(den1, kInvSqrtAMinusD), rotate);
    cmov(y, neg(y), mask_of(ct_is_negative(mul(x, z_inv))));
    out[l] = to_bytes(ct_abs(mul(den_inv, sub(p[l].z, y))));
  }
}

}  // namespace

bool decode_ristretto_checked(const std::uint8_t* bytes, Point& out) {
  Point p;
  bool ok = false;
  decode_lanes<1>(&bytes, &p, &ok);
  if (ok) out = p;
  return ok;
}

void decode_ristretto_checked_n(const std::uint8_t* const* in, std::size_t n, Point* out,
                                bool* ok) {
  std::size_t i = 0;
  for (; i + kDecodeLanes <= n; i += kDecodeLanes)
    decode_lanes<kDecodeLanes>(in + i, out + i, ok + i);
  for (; i + 2 <= n; i += 2) decode_lanes<2>(in + i, out + i, ok + i);
  for (; i < n; ++i) decode_lanes<1>(in + i, out + i, ok + i);
}

Point decode_ristretto(const std::array<std::uint8_t, 32>& bytes) {
  const std::uint8_t* in = bytes.data();
  Point p;
  bool ok;
  decode_lanes<1>(&in, &p, &ok);
  return p;
}

std::array<std::uint8_t, 32> encode_ristretto(const Point& p) {
  std::array<std::uint8_t, 32> out;
  encode_lanes<1>(&p, &out);
  return out;
}

void encode_ristretto_n(const Point* p, std::size_t n, std::array<std::uint8_t, 32>* out) {
  std::size_t i = 0;
  for (; i + kEncodeLanes <= n; i += kEncodeLanes) encode_lanes<kEncodeLanes>(p + i, out + i);
  for (; i < n; ++i) encode_lanes<1>(p + i, out + i);
}

}  // namespace cpc::ed25519
