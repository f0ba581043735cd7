// SPDX-License-Identifier: Apache-2.0
// Field and point arithmetic for the discrete-logarithm search (he_field.hpp,
// crypto.md §5.6): canonical encoding, inversion, RFC 9496 decoding, the point key.
#include "ed25519_field.hpp"

#include <cstring>

namespace cpc::he::field {
namespace {

// Exponents, little-endian: p - 2 and (p - 1) / 4.
constexpr std::array<std::uint8_t, 32> le_exponent(std::uint8_t low, std::uint8_t high) {
  std::array<std::uint8_t, 32> e{};
  for (auto& b : e) b = 0xff;
  e[0] = low;
  e[31] = high;
  return e;
}
constexpr auto kPMinus2 = le_exponent(0xeb, 0x7f);       // 2^255 - 21
constexpr auto kPMinus1Over4 = le_exponent(0xfb, 0x1f);  // 2^253 - 5

Fe pow(const Fe& a, const std::array<std::uint8_t, 32>& e) {
  Fe r = from_u64(1);
  for (int bit = 255; bit >= 0; --bit) {
    r = sq(r);
    if ((e[bit / 8] >> (bit % 8)) & 1) r = mul(r, a);
  }
  return r;
}

// a^(2^252 - 3) by the addition chain of ref10's pow22523: 250 squarings, 11 multiplications.
Fe sq_times(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = sq(a);
  return a;
}
Fe pow22523(const Fe& z) {
  Fe t0 = sq(z);
  Fe t1 = mul(z, sq_times(t0, 2));  // z^9
  t0 = mul(t0, t1);                 // z^11
  t0 = mul(t1, sq(t0));             // z^(2^5 - 1)
  t0 = mul(sq_times(t0, 5), t0);    // 2^10 - 1
  t1 = mul(sq_times(t0, 10), t0);   // 2^20 - 1
  t1 = mul(sq_times(t1, 20), t1);   // 2^40 - 1
  t0 = mul(sq_times(t1, 10), t0);   // 2^50 - 1
  t1 = mul(sq_times(t0, 50), t0);   // 2^100 - 1
  t1 = mul(sq_times(t1, 100), t1);  // 2^200 - 1
  t0 = mul(sq_times(t1, 50), t0);   // 2^250 - 1
  return mul(sq_times(t0, 2), z);   // 2^252 - 3
}

Fe neg(const Fe& a) {
  return sub(from_u64(0), a);
}
bool equal(const Fe& a, const Fe& b) {
  return to_bytes(a) == to_bytes(b);
}
bool is_negative(const Fe& a) {
  return to_bytes(a)[0] & 1;
}
Fe abs(const Fe& a) {
  return is_negative(a) ? neg(a) : a;
}

// d = -121665/121666, 2d and sqrt(-1) = 2^((p-1)/4) (2 is not a square mod p).
struct Constants {
  Fe d, d2, sqrt_m1;
  Constants() {
    d = mul(neg(from_u64(121665)), invert(from_u64(121666)));
    d2 = add(d, d);
    sqrt_m1 = pow(from_u64(2), kPMinus1Over4);
  }
};
const Constants& constants() {
  static const Constants c;
  return c;
}

// RFC 9496 §4.2 SQRT_RATIO_M1(u, v): r = abs(sqrt(u/v)) and whether u/v was a square.
Fe sqrt_ratio_m1(const Fe& u, const Fe& v, bool* was_square = nullptr) {
  const Fe& i = constants().sqrt_m1;
  Fe v3 = mul(sq(v), v);
  Fe v7 = mul(sq(v3), v);
  Fe r = mul(mul(u, v3), pow22523(mul(u, v7)));
  Fe check = mul(v, sq(r));
  bool correct = equal(check, u);
  bool flipped = equal(check, neg(u));
  bool flipped_i = equal(check, neg(mul(u, i)));
  if (flipped || flipped_i) r = mul(r, i);
  if (was_square != nullptr) *was_square = correct || flipped;
  return abs(r);
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

std::array<std::uint8_t, 32> to_bytes(const Fe& a) {
  Fe t = carry(carry(a));
  // q = 1 when t >= p: the carry out of t + 19.
  std::uint64_t q = (t.v[0] + 19) >> 51;
  for (int i = 1; i < 5; ++i) q = (t.v[i] + q) >> 51;
  t.v[0] += 19 * q;
  for (int i = 0; i < 4; ++i) {
    t.v[i + 1] += t.v[i] >> 51;
    t.v[i] &= kMask51;
  }
  t.v[4] &= kMask51;
  std::uint64_t w[4] = {t.v[0] | (t.v[1] << 51), (t.v[1] >> 13) | (t.v[2] << 38),
                        (t.v[2] >> 26) | (t.v[3] << 25), (t.v[3] >> 39) | (t.v[4] << 12)};
  std::array<std::uint8_t, 32> out{};
  std::memcpy(out.data(), w, 32);
  return out;
}

Fe invert(const Fe& a) {
  return pow(a, kPMinus2);
}

bool is_zero(const Fe& a) {
  auto b = to_bytes(a);
  std::uint8_t acc = 0;
  for (auto x : b) acc |= x;
  return acc == 0;
}

Point identity() {
  return {from_u64(0), from_u64(1), from_u64(1), from_u64(0)};
}

Cached cache(const Point& p) {
  return {add(p.y, p.x), sub(p.y, p.x), mul(p.t, constants().d2), add(p.z, p.z)};
}

Cached negate(const Cached& c) {
  return {c.ymx, c.ypx, neg(c.t2d), c.z2};
}

// add-2008-hwcd-3 for a = -1 (complete on edwards25519).
Point add(const Point& p, const Cached& q) {
  Fe a = mul(sub(p.y, p.x), q.ymx);
  Fe b = mul(add(p.y, p.x), q.ypx);
  Fe c = mul(p.t, q.t2d);
  Fe d = mul(p.z, q.z2);
  Fe e = sub(b, a), f = sub(d, c), g = add(d, c), h = add(b, a);
  return {mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

Point decode_ristretto(const std::array<std::uint8_t, 32>& bytes) {
  // RFC 9496 §4.3.1, without the validity checks (the input is libsodium's own output).
  const Fe one = from_u64(1);
  Fe s = from_bytes(bytes.data());
  Fe ss = sq(s);
  Fe u1 = sub(one, ss);
  Fe u2 = add(one, ss);
  Fe u2_sqr = sq(u2);
  Fe v = sub(neg(mul(constants().d, sq(u1))), u2_sqr);
  Fe invsqrt = sqrt_ratio_m1(one, mul(v, u2_sqr));
  Fe den_x = mul(invsqrt, u2);
  Fe den_y = mul(mul(invsqrt, den_x), v);
  Fe x = abs(mul(add(s, s), den_x));
  Fe y = mul(u1, den_y);
  return {x, y, one, mul(x, y)};
}

namespace {

// RFC 9496 §4.3.1 with every check, for N independent encodings at once: every step is
// written as a loop over the lanes, so the N chains of ~265 dependent multiplications of the
// inverse square root are interleaved and keep the multiplier busy (one chain is bound by
// the latency of each multiplication, not by throughput). Same results as N single decodes.
template <std::size_t N>
void decode_checked_lanes(const std::uint8_t* const* in, Point* out, bool* ok) {
  const Fe one = from_u64(1);
  const Fe& d = constants().d;
  const Fe& i_sqrt = constants().sqrt_m1;
  Fe s[N], u1[N], u2[N], v[N], a[N], v3[N], t[N];
  for (std::size_t l = 0; l < N; ++l) {
    s[l] = from_bytes(in[l]);
    ok[l] = std::memcmp(to_bytes(s[l]).data(), in[l], 32) == 0 && !(in[l][0] & 1);
    Fe ss = sq(s[l]);
    u1[l] = sub(one, ss);
    u2[l] = add(one, ss);
    Fe u2_sqr = sq(u2[l]);
    v[l] = sub(neg(mul(d, sq(u1[l]))), u2_sqr);
    // SQRT_RATIO_M1(1, a), a = v·u2^2: r = a^3 · (a^7)^((p-5)/8).
    a[l] = mul(v[l], u2_sqr);
    v3[l] = mul(sq(a[l]), a[l]);
    t[l] = mul(sq(v3[l]), a[l]);  // a^7
  }
  // pow22523 on every lane: 250 squarings, 11 multiplications.
  Fe t0[N], t1[N], z[N];
  auto sq_n = [](Fe* x, int n) {
    for (int k = 0; k < n; ++k) {
      for (std::size_t l = 0; l < N; ++l) x[l] = sq(x[l]);
    }
  };
  auto mul_into = [](Fe* x, const Fe* y) {
    for (std::size_t l = 0; l < N; ++l) x[l] = mul(x[l], y[l]);
  };
  for (std::size_t l = 0; l < N; ++l) {
    z[l] = t[l];
    t0[l] = sq(z[l]);
    t1[l] = sq(sq(t0[l]));
  }
  mul_into(t1, z);                                                    // z^9
  mul_into(t0, t1);                                                   // z^11
  for (std::size_t l = 0; l < N; ++l) t0[l] = mul(t1[l], sq(t0[l]));  // 2^5 - 1
  Fe t2[N], t3[N];
  for (std::size_t l = 0; l < N; ++l) t2[l] = t0[l];
  sq_n(t2, 5);
  mul_into(t0, t2);  // 2^10 - 1
  for (std::size_t l = 0; l < N; ++l) t1[l] = t0[l];
  sq_n(t1, 10);
  mul_into(t1, t0);  // 2^20 - 1
  for (std::size_t l = 0; l < N; ++l) t2[l] = t1[l];
  sq_n(t2, 20);
  mul_into(t1, t2);  // 2^40 - 1
  sq_n(t1, 10);
  mul_into(t0, t1);  // 2^50 - 1
  for (std::size_t l = 0; l < N; ++l) t1[l] = t0[l];
  sq_n(t1, 50);
  mul_into(t1, t0);  // 2^100 - 1
  for (std::size_t l = 0; l < N; ++l) t3[l] = t1[l];
  sq_n(t3, 100);
  mul_into(t1, t3);  // 2^200 - 1
  sq_n(t1, 50);
  mul_into(t0, t1);  // 2^250 - 1
  sq_n(t0, 2);
  mul_into(t0, z);  // 2^252 - 3
  for (std::size_t l = 0; l < N; ++l) {
    Fe r = mul(v3[l], t0[l]);
    // check = a·r^2, compared (encoded once) with 1, -1 and -sqrt(-1).
    static const std::array<std::uint8_t, 32> kOne = to_bytes(from_u64(1)),
                                              kMinusOne = to_bytes(neg(from_u64(1))),
                                              kMinusI = to_bytes(neg(constants().sqrt_m1));
    const auto check = to_bytes(mul(a[l], sq(r)));
    bool correct = check == kOne;
    bool flipped = check == kMinusOne;
    bool flipped_i = check == kMinusI;
    if (flipped || flipped_i) r = mul(r, i_sqrt);
    Fe invsqrt = abs(r);
    Fe den_x = mul(invsqrt, u2[l]);
    Fe den_y = mul(mul(invsqrt, den_x), v[l]);
    Fe x = abs(mul(add(s[l], s[l]), den_x));
    Fe y = mul(u1[l], den_y);
    Fe xy = mul(x, y);
    ok[l] = ok[l] && (correct || flipped) && !is_negative(xy) && !is_zero(y);
    if (ok[l]) out[l] = {x, y, one, xy};
  }
}

}  // namespace

bool decode_ristretto_checked(const std::uint8_t* bytes, Point& out) {
  bool ok = false;
  decode_checked_lanes<1>(&bytes, &out, &ok);
  return ok;
}

void decode_ristretto_checked_n(const std::uint8_t* const* in, std::size_t n, Point* out,
                                bool* ok) {
  std::size_t i = 0;
  for (; i + kDecodeLanes <= n; i += kDecodeLanes) {
    decode_checked_lanes<kDecodeLanes>(in + i, out + i, ok + i);
  }
  for (; i + 2 <= n; i += 2) decode_checked_lanes<2>(in + i, out + i, ok + i);
  for (; i < n; ++i) decode_checked_lanes<1>(in + i, out + i, ok + i);
}

std::array<std::uint8_t, 32> encode_ristretto(const Point& p) {
  // RFC 9496 §4.3.2. INVSQRT_A_MINUS_D = abs(1/sqrt(a - d)), a = -1.
  static const Fe kInvsqrtAMinusD =
      sqrt_ratio_m1(from_u64(1), sub(neg(from_u64(1)), constants().d));
  const Fe& i = constants().sqrt_m1;
  Fe u1 = mul(add(p.z, p.y), sub(p.z, p.y));
  Fe u2 = mul(p.x, p.y);
  Fe invsqrt = sqrt_ratio_m1(from_u64(1), mul(u1, sq(u2)));
  Fe den1 = mul(invsqrt, u1);
  Fe den2 = mul(invsqrt, u2);
  Fe z_inv = mul(mul(den1, den2), p.t);
  bool rotate = is_negative(mul(p.t, z_inv));
  Fe x = rotate ? mul(p.y, i) : p.x;
  Fe y = rotate ? mul(p.x, i) : p.y;
  Fe den_inv = rotate ? mul(den1, kInvsqrtAMinusD) : den2;
  if (is_negative(mul(x, z_inv))) y = neg(y);
  return to_bytes(abs(mul(den_inv, sub(p.z, y))));
}

std::uint64_t key64(const Point& p, const Fe& z_inverse) {
  auto b = to_bytes(sq(mul(p.t, z_inverse)));
  std::uint64_t k;
  std::memcpy(&k, b.data(), 8);
  return k;
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

}  // namespace cpc::he::field
