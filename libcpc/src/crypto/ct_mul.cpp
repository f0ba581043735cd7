// SPDX-License-Identifier: Apache-2.0
// Constant-time scalar multiplication and encoding on edwards25519 (ct_mul.hpp). Secret data
// (digits, the selected table entry, the accumulator, the output before encoding) only ever
// goes through field arithmetic, masks and masked moves: every branch and every memory index
// below depends on public loop counters alone.
#include "ct_mul.hpp"

#include "ed25519_point.hpp"

namespace cpc::he::field {
namespace {

// All-ones when bit == 1, zero when bit == 0; the empty asm hides the value from the
// optimiser so that it cannot turn a masked move back into a branch.
CPC_FE_INLINE std::uint64_t mask_of(std::uint64_t bit) {
  std::uint64_t m = 0 - bit;
  __asm__("" : "+r"(m));
  return m;
}

CPC_FE_INLINE void cmov(Fe& r, const Fe& a, std::uint64_t mask) {
  for (int i = 0; i < 5; ++i) r.v[i] ^= (r.v[i] ^ a.v[i]) & mask;
}
CPC_FE_INLINE void cmov(Cached& r, const Cached& a, std::uint64_t mask) {
  cmov(r.ypx, a.ypx, mask);
  cmov(r.ymx, a.ymx, mask);
  cmov(r.t2d, a.t2d, mask);
  cmov(r.z2, a.z2, mask);
}

CPC_FE_INLINE Fe neg(const Fe& a) {
  return sub(Fe{{0, 0, 0, 0, 0}}, a);
}

// 1 when a == b (as field elements), else 0; constant time.
std::uint64_t ct_equal(const Fe& a, const Fe& b) {
  const auto x = to_bytes(a), y = to_bytes(b);
  std::uint64_t acc = 0;
  for (std::size_t i = 0; i < 32; ++i) acc |= static_cast<std::uint64_t>(x[i] ^ y[i]);
  return (acc - 1) >> 63;
}
std::uint64_t ct_negative(const Fe& a) {
  return to_bytes(a)[0] & 1;
}
Fe ct_abs(const Fe& a) {
  Fe r = a;
  cmov(r, neg(a), mask_of(ct_negative(a)));
  return r;
}

// z^((p-5)/8) = z^(2^252 - 3) on N lanes at once (ref10's pow22523 chain: 250 squarings,
// 11 multiplications), interleaved so that the lanes' dependent chains overlap.
template <std::size_t N>
void pow22523_n(const Fe* z, Fe* out) {
  Fe t0[N], t1[N], t2[N];
  auto sq_n = [](Fe* x, int n) {
    for (int k = 0; k < n; ++k) {
      for (std::size_t l = 0; l < N; ++l) x[l] = sq(x[l]);
    }
  };
  for (std::size_t l = 0; l < N; ++l) {
    t0[l] = sq(z[l]);
    t1[l] = mul(z[l], sq(sq(t0[l])));  // z^9
    t0[l] = mul(t0[l], t1[l]);         // z^11
    t0[l] = mul(t1[l], sq(t0[l]));     // 2^5 - 1
    t1[l] = t0[l];
  }
  sq_n(t1, 5);
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], t0[l]), t1[l] = t0[l];  // 2^10 - 1
  sq_n(t1, 10);
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t1[l], t0[l]), t2[l] = t1[l];  // 2^20 - 1
  sq_n(t2, 20);
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t2[l], t1[l]);  // 2^40 - 1
  sq_n(t1, 10);
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], t0[l]), t1[l] = t0[l];  // 2^50 - 1
  sq_n(t1, 50);
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t1[l], t0[l]), t2[l] = t1[l];  // 2^100 - 1
  sq_n(t2, 100);
  for (std::size_t l = 0; l < N; ++l) t1[l] = mul(t2[l], t1[l]);  // 2^200 - 1
  sq_n(t1, 50);
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], t0[l]);  // 2^250 - 1
  sq_n(t0, 2);
  for (std::size_t l = 0; l < N; ++l) out[l] = mul(t0[l], z[l]);  // 2^252 - 3
}

// sqrt(-1) = 2^((p-1)/4) (2 is not a square mod p), its negation and -1.
struct Constants {
  Fe sqrt_m1, minus_one, minus_sqrt_m1;
  Constants() {
    const Fe two = from_u64(2);
    Fe p;
    pow22523_n<1>(&two, &p);
    sqrt_m1 = mul(sq(p), two);
    minus_one = neg(from_u64(1));
    minus_sqrt_m1 = neg(sqrt_m1);
  }
};
const Constants& constants() {
  static const Constants c;
  return c;
}

// RFC 9496 §4.2 SQRT_RATIO_M1(1, v) on N lanes: abs(1/sqrt(v)) when v is a square (0 for
// v = 0), with masked selections only.
template <std::size_t N>
void inv_sqrt_n(const Fe* v, Fe* out, const Constants& k) {
  Fe v3[N], v7[N], r[N];
  for (std::size_t l = 0; l < N; ++l) {
    v3[l] = mul(sq(v[l]), v[l]);
    v7[l] = mul(sq(v3[l]), v[l]);
  }
  pow22523_n<N>(v7, r);
  for (std::size_t l = 0; l < N; ++l) {
    r[l] = mul(v3[l], r[l]);
    const Fe check = mul(v[l], sq(r[l]));
    const std::uint64_t flip = ct_equal(check, k.minus_one) | ct_equal(check, k.minus_sqrt_m1);
    cmov(r[l], mul(r[l], k.sqrt_m1), mask_of(flip));
    out[l] = ct_abs(r[l]);
  }
}

// INVSQRT_A_MINUS_D = abs(1/sqrt(a - d)), a = -1, d = -121665/121666 (RFC 9496 §4.3.2).
const Fe& invsqrt_a_minus_d() {
  static const Fe c = [] {
    const Constants& k = constants();
    const Fe d = mul(neg(from_u64(121665)), invert(from_u64(121666)));
    const Fe a_minus_d = sub(k.minus_one, d);
    Fe r;
    inv_sqrt_n<1>(&a_minus_d, &r, k);
    return r;
  }();
  return c;
}

template <std::size_t N>
void encode_lanes(const Point* p, std::array<std::uint8_t, 32>* out) {
  const Constants& k = constants();
  const Fe& inv_amd = invsqrt_a_minus_d();
  Fe u1[N], u2[N], v[N], r[N];
  for (std::size_t l = 0; l < N; ++l) {
    u1[l] = mul(add(p[l].z, p[l].y), sub(p[l].z, p[l].y));
    u2[l] = mul(p[l].x, p[l].y);
    v[l] = mul(u1[l], sq(u2[l]));
  }
  inv_sqrt_n<N>(v, r, k);
  for (std::size_t l = 0; l < N; ++l) {
    const Fe den1 = mul(r[l], u1[l]);
    const Fe den2 = mul(r[l], u2[l]);
    const Fe z_inv = mul(mul(den1, den2), p[l].t);
    const std::uint64_t rotate = mask_of(ct_negative(mul(p[l].t, z_inv)));
    Fe x = p[l].x, y = p[l].y, den_inv = den2;
    cmov(x, mul(p[l].y, k.sqrt_m1), rotate);
    cmov(y, mul(p[l].x, k.sqrt_m1), rotate);
    cmov(den_inv, mul(den1, inv_amd), rotate);
    cmov(y, neg(y), mask_of(ct_negative(mul(x, z_inv))));
    out[l] = to_bytes(ct_abs(mul(den_inv, sub(p[l].z, y))));
  }
}

// The entry |b|·P of a table (the identity for b = 0), negated when b < 0. Reads all 8
// entries whatever b is.
Cached lookup(const std::array<Cached, 8>& t, std::int8_t b) {
  const auto bi = static_cast<std::int64_t>(b);
  const std::uint64_t negative = static_cast<std::uint64_t>(bi) >> 63;
  const std::int64_t babs = bi - 2 * (static_cast<std::int64_t>(0 - negative) & bi);
  Cached r{{{1, 0, 0, 0, 0}}, {{1, 0, 0, 0, 0}}, {{0, 0, 0, 0, 0}}, {{2, 0, 0, 0, 0}}};
  for (std::size_t i = 0; i < 8; ++i) {
    const auto x = static_cast<std::uint64_t>(babs ^ static_cast<std::int64_t>(i + 1));
    cmov(r, t[i], mask_of((x - 1) >> 63));
  }
  Cached minus{r.ymx, r.ypx, neg(r.t2d), r.z2};
  cmov(r, minus, mask_of(negative));
  return r;
}

}  // namespace

CtDigits ct_digits(const std::uint8_t* s) {
  CtDigits d;
  for (std::size_t i = 0; i < 32; ++i) {
    d.e[2 * i] = static_cast<std::int8_t>(s[i] & 15);
    d.e[2 * i + 1] = static_cast<std::int8_t>((s[i] >> 4) & 15);
  }
  int carry = 0;
  for (std::size_t i = 0; i < 63; ++i) {
    int e = d.e[i] + carry;
    carry = (e + 8) >> 4;  // arithmetic shift: 0 or 1 here
    d.e[i] = static_cast<std::int8_t>(e - carry * 16);
  }
  d.e[63] = static_cast<std::int8_t>(d.e[63] + carry);
  return d;
}

template <std::size_t M>
void ct_base(const Point& p, CtBase<M>& out) {
  Point q = p;
  for (std::size_t j = 0; j < M; ++j) {
    out.powers[j] = q;
    auto& m = out.multiples[j];
    m[0] = cache(q);
    Point acc = q;
    for (std::size_t i = 1; i < 8; ++i) {
      acc = to_point(add_c(acc, m[0]));
      m[i] = cache(acc);
    }
    if (j + 1 == M) break;
    for (std::size_t i = 0; i + 1 < 4 * CtBase<M>::kDigits; ++i) q = to_p2(dbl(q));
    q = to_point(dbl(q));
  }
}

template <std::size_t M>
Point ct_mul(const CtDigits& s, const CtBase<M>& base) {
  constexpr std::size_t kDigits = CtBase<M>::kDigits;
  Point h = identity();
  for (std::size_t k = kDigits; k-- > 0;) {
    if (k + 1 != kDigits) {  // h = 16·h
      h = to_p2(dbl(h));
      h = to_p2(dbl(h));
      h = to_p2(dbl(h));
      h = to_point(dbl(h));
    }
    for (std::size_t j = 0; j < M; ++j) {
      const Completed c = add_c(h, lookup(base.multiples[j], s.e[j * kDigits + k]));
      h = (j + 1 < M || k == 0) ? to_point(c) : to_p2(c);
    }
  }
  return h;
}

template void ct_base<4>(const Point&, CtBase<4>&);
template void ct_base<64>(const Point&, CtBase<64>&);
template Point ct_mul<4>(const CtDigits&, const CtBase<4>&);
template Point ct_mul<64>(const CtDigits&, const CtBase<64>&);

void ct_encode_n(const Point* p, std::size_t n, std::array<std::uint8_t, 32>* out) {
  std::size_t i = 0;
  for (; i + kEncodeLanes <= n; i += kEncodeLanes) encode_lanes<kEncodeLanes>(p + i, out + i);
  for (; i < n; ++i) encode_lanes<1>(p + i, out + i);
}

}  // namespace cpc::he::field
