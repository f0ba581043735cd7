// SPDX-License-Identifier: Apache-2.0
// Constant-time scalar multiplication on edwards25519 (ct_mul.hpp). Secret data (digits,
// the selected table entry, the accumulator) only ever goes through field arithmetic, masks
// and masked moves (ed25519_field.hpp): every branch and every memory index below depends
// on public loop counters alone.
#include "ct_mul.hpp"

namespace cpc::ed25519 {
namespace {

CPC_FE_INLINE void cmov(Cached& r, const Cached& a, std::uint64_t mask) {
  cmov(r.ypx, a.ypx, mask);
  cmov(r.ymx, a.ymx, mask);
  cmov(r.t2d, a.t2d, mask);
  cmov(r.z2, a.z2, mask);
}

// The entry |b|·P of a table (the identity for b = 0), negated when b < 0. Reads all 8
// entries whatever b is.
CPC_FE_INLINE Cached lookup(const std::array<Cached, 8>& t, std::int8_t b) {
  const auto bi = static_cast<std::int64_t>(b);
  const std::uint64_t negative = static_cast<std::uint64_t>(bi) >> 63;
  const std::int64_t babs = bi - 2 * (static_cast<std::int64_t>(0 - negative) & bi);
  Cached r{kOne, kOne, kZero, {{2, 0, 0, 0, 0}}};  // the identity, cached
  for (std::size_t i = 0; i < 8; ++i) {
    const auto x = static_cast<std::uint64_t>(babs ^ static_cast<std::int64_t>(i + 1));
    cmov(r, t[i], mask_of((x - 1) >> 63));
  }
  cmov(r, negate(r), mask_of(negative));
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

// Σ_k 16^k · Σ_j e(j·kDigits + k)·P_j, Horner from the top digit position: at each position
// but the last, the M additions and then 16·h; the last addition of a position feeds a
// doubling, so it skips T (to_p2). The loops are peeled instead of testing "last?" inside
// them, so the machine code has no forward branch.
template <std::size_t M>
Point ct_mul(const CtDigits& s, const CtBase<M>& base) {
  constexpr std::size_t kDigits = CtBase<M>::kDigits;
  Point h = identity();
  for (std::size_t k = kDigits - 1; k > 0; --k) {
    for (std::size_t j = 0; j + 1 < M; ++j) {
      h = to_point(add_c(h, lookup(base.multiples[j], s.e[j * kDigits + k])));
    }
    h = to_p2(add_c(h, lookup(base.multiples[M - 1], s.e[(M - 1) * kDigits + k])));
    h = to_p2(dbl(h));
    h = to_p2(dbl(h));
    h = to_p2(dbl(h));
    h = to_point(dbl(h));
  }
  for (std::size_t j = 0; j < M; ++j) {
    h = to_point(add_c(h, lookup(base.multiples[j], s.e[j * kDigits])));
  }
  return h;
}

template void ct_base<4>(const Point&, CtBase<4>&);
template void ct_base<64>(const Point&, CtBase<64>&);
template Point ct_mul<4>(const CtDigits&, const CtBase<4>&);
template Point ct_mul<64>(const CtDigits&, const CtBase<64>&);

}  // namespace cpc::ed25519
