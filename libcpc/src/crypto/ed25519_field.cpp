// SPDX-License-Identifier: Apache-2.0
// The out-of-line field operations of ed25519_field.hpp: conversions, full reduction and the
// fixed exponentiations. Every one is constant time (the header's table); ed25519_ct_test
// checks their machine code.
#include "ed25519_field.hpp"

#include <cstring>

namespace cpc::ed25519 {
namespace {

CPC_FE_INLINE Fe sq_times(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = sq(a);
  return a;
}

}  // namespace

Fe from_u64(std::uint64_t x) {
  return carry({{x & kMask51, x >> 51, 0, 0, 0}});
}

Fe from_bytes(const std::uint8_t* in) {
  std::uint64_t w[4];
  std::memcpy(w, in, 32);  // little-endian hosts (x86-64, aarch64)
  return {{w[0] & kMask51, ((w[0] >> 51) | (w[1] << 13)) & kMask51,
           ((w[1] >> 38) | (w[2] << 26)) & kMask51, ((w[2] >> 25) | (w[3] << 39)) & kMask51,
           (w[3] >> 12) & kMask51}};
}

Fe reduce(const Fe& a) {
  Fe t = carry(carry(a));
  // Now t < 2p. q = 1 when t >= p: the carry out of t + 19, by arithmetic (no comparison).
  std::uint64_t q = (t.v[0] + 19) >> 51;
  for (int i = 1; i < 5; ++i) q = (t.v[i] + q) >> 51;
  t.v[0] += 19 * q;  // t + 19q - 2^255·q = t - q·p
  for (int i = 0; i < 4; ++i) {
    t.v[i + 1] += t.v[i] >> 51;
    t.v[i] &= kMask51;
  }
  t.v[4] &= kMask51;
  return t;
}

std::array<std::uint8_t, 32> to_bytes(const Fe& a) {
  const Fe t = reduce(a);
  std::uint64_t w[4] = {t.v[0] | (t.v[1] << 51), (t.v[1] >> 13) | (t.v[2] << 38),
                        (t.v[2] >> 26) | (t.v[3] << 25), (t.v[3] >> 39) | (t.v[4] << 12)};
  std::array<std::uint8_t, 32> out{};
  std::memcpy(out.data(), w, 32);
  return out;
}

// z^(2^255 - 21) by ref10's fe_invert chain; the exponent is public, so the sequence of
// squarings and multiplications is the same for every z.
Fe invert(const Fe& z) {
  const Fe z2 = sq(z);
  const Fe z9 = mul(z, sq_times(z2, 2));
  const Fe z11 = mul(z2, z9);
  Fe t = mul(z9, sq(z11));                   // 2^5 - 1
  const Fe t10 = mul(sq_times(t, 5), t);     // 2^10 - 1
  t = mul(sq_times(t10, 10), t10);           // 2^20 - 1
  t = mul(sq_times(t, 20), t);               // 2^40 - 1
  const Fe t50 = mul(sq_times(t, 10), t10);  // 2^50 - 1
  t = mul(sq_times(t50, 50), t50);           // 2^100 - 1
  t = mul(sq_times(t, 100), t);              // 2^200 - 1
  t = mul(sq_times(t, 50), t50);             // 2^250 - 1
  return mul(sq_times(t, 5), z11);           // 2^255 - 32 + 11
}

Fe pow22523(const Fe& a) {
  Fe r;
  pow22523_n<1>(&a, &r);
  return r;
}

bool is_zero(const Fe& a) {
  return ct_equal_reduced(reduce(a), kZero) == 1;
}

void batch_invert(Fe* zs, std::size_t n, Fe* scratch) {
  if (n == 0) return;
  scratch[0] = zs[0];
  for (std::size_t i = 1; i < n; ++i) scratch[i] = mul(scratch[i - 1], zs[i]);
  Fe inv = invert(scratch[n - 1]);
  for (std::size_t i = n - 1; i > 0; --i) {
    Fe zi = mul(inv, scratch[i - 1]);
    inv = mul(inv, zs[i]);
    zs[i] = zi;
  }
  zs[0] = inv;
}

}  // namespace cpc::ed25519
