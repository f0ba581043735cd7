// SPDX-License-Identifier: Apache-2.0
// The field arithmetic of ed25519_field.hpp, one test per operation, against a plain
// big-integer reference written here (schoolbook products, reduction mod p by folding
// 2^255 = 19): conversions, full reduction, add/sub/neg/mul/sq, the two fixed
// exponentiations, the masked selections, SQRT_RATIO_M1 (RFC 9496 §4.2) against Euler's
// criterion, batch inversion, and every constant recomputed from its definition.
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <vector>

#include "ed25519_field.hpp"

namespace ed = cpc::ed25519;
using Fe = ed::Fe;
using Bytes32 = std::array<std::uint8_t, 32>;

namespace {

// ---- The reference: numbers mod p as four little-endian 64-bit words, fully reduced.
using U256 = std::array<std::uint64_t, 4>;
constexpr U256 kP = {0xffffffffffffffedULL, ~0ULL, ~0ULL, 0x7fffffffffffffffULL};

bool geq(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}
U256 sub_raw(const U256& a, const U256& b) {
  U256 r{};
  unsigned __int128 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    unsigned __int128 d = (unsigned __int128)a[i] - b[i] - borrow;
    r[i] = (std::uint64_t)d;
    borrow = (d >> 64) ? 1 : 0;
  }
  return r;
}

// Any number of words mod p: fold everything from bit 255 up as 19 times itself.
U256 ref_mod(std::vector<std::uint64_t> v) {
  v.resize(std::max<std::size_t>(v.size(), 4) + 1, 0);
  for (;;) {
    bool high = (v[3] >> 63) != 0;
    for (std::size_t i = 4; i < v.size(); ++i) high = high || v[i] != 0;
    if (!high) break;
    std::vector<std::uint64_t> hi(v.size(), 0);  // v >> 255
    for (std::size_t i = 3; i < v.size(); ++i) {
      hi[i - 3] = (v[i] >> 63) | (i + 1 < v.size() ? v[i + 1] << 1 : 0);
    }
    std::vector<std::uint64_t> lo(v.begin(), v.begin() + 4);
    lo[3] &= 0x7fffffffffffffffULL;
    lo.resize(v.size(), 0);
    unsigned __int128 c = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      c += (unsigned __int128)lo[i] + (unsigned __int128)hi[i] * 19;
      v[i] = (std::uint64_t)c;
      c >>= 64;
    }
  }
  U256 r = {v[0], v[1], v[2], v[3]};
  while (geq(r, kP)) r = sub_raw(r, kP);
  return r;
}

U256 ref_add(const U256& a, const U256& b) {
  std::vector<std::uint64_t> v(5, 0);
  unsigned __int128 c = 0;
  for (int i = 0; i < 4; ++i) {
    c += (unsigned __int128)a[i] + b[i];
    v[i] = (std::uint64_t)c;
    c >>= 64;
  }
  v[4] = (std::uint64_t)c;
  return ref_mod(v);
}
U256 ref_sub(const U256& a, const U256& b) {
  if (geq(a, b)) return sub_raw(a, b);
  U256 a_plus_p{};  // a + p < 2^256: no carry out
  unsigned __int128 c = 0;
  for (int i = 0; i < 4; ++i) {
    c += (unsigned __int128)a[i] + kP[i];
    a_plus_p[i] = (std::uint64_t)c;
    c >>= 64;
  }
  return sub_raw(a_plus_p, b);
}
U256 ref_mul(const U256& a, const U256& b) {
  std::vector<std::uint64_t> v(8, 0);
  for (int i = 0; i < 4; ++i) {
    unsigned __int128 c = 0;
    for (int j = 0; j < 4; ++j) {
      c += (unsigned __int128)a[i] * b[j] + v[i + j];
      v[i + j] = (std::uint64_t)c;
      c >>= 64;
    }
    v[i + 4] = (std::uint64_t)c;
  }
  return ref_mod(v);
}
// a^e, e as little-endian words (public: square-and-multiply with branches is fine here).
U256 ref_pow(const U256& a, const U256& e) {
  U256 r = {1, 0, 0, 0};
  for (int bit = 255; bit >= 0; --bit) {
    r = ref_mul(r, r);
    if ((e[bit / 64] >> (bit % 64)) & 1) r = ref_mul(r, a);
  }
  return r;
}
const U256 kOneRef = {1, 0, 0, 0};
const U256 kPMinus2 = sub_raw(kP, {2, 0, 0, 0});
const U256 kPMinus1Over2 = {0xfffffffffffffff6ULL, ~0ULL, ~0ULL, 0x3fffffffffffffffULL};
const U256 kPMinus5Over8 = {0xfffffffffffffffdULL, ~0ULL, ~0ULL, 0x0fffffffffffffffULL};

// The value of a field element straight from its limbs (no use of the code under test).
U256 value(const Fe& a) {
  std::vector<std::uint64_t> v(5, 0);
  for (int i = 0; i < 5; ++i) {
    const int bit = 51 * i, w = bit / 64, s = bit % 64;
    unsigned __int128 x = (unsigned __int128)a.v[i] << s;
    for (int k = w; k < 5 && x != 0; ++k) {  // add x at word w, carrying
      unsigned __int128 sum = (unsigned __int128)v[k] + (std::uint64_t)x;
      v[k] = (std::uint64_t)sum;
      x = (x >> 64) + (sum >> 64);
    }
  }
  return ref_mod(v);
}
Bytes32 bytes_of(const U256& a) {
  Bytes32 b{};
  std::memcpy(b.data(), a.data(), 32);  // little-endian hosts, as the code under test
  return b;
}
Fe fe_of(const U256& a) {
  return ed::from_bytes(bytes_of(a).data());
}

// A field element whose limbs are up to `bits` wide (not reduced), or an edge value.
Fe random_fe(std::mt19937_64& rng, int bits = 51) {
  switch (rng() % 8) {
    case 0:
      return ed::kZero;
    case 1:
      return fe_of(sub_raw(kP, kOneRef));  // p - 1
    case 2:
      return Fe{{ed::kMask51 - 18, ed::kMask51, ed::kMask51, ed::kMask51, ed::kMask51}};  // p
    default: {
      Fe a;
      for (auto& x : a.v) x = rng() >> (64 - bits);
      return a;
    }
  }
}

bool reduced(const Fe& a) {
  for (auto x : a.v) {
    if (x > ed::kMask51) return false;
  }
  return value(a) == U256{a.v[0] | (a.v[1] << 51), (a.v[1] >> 13) | (a.v[2] << 38),
                          (a.v[2] >> 26) | (a.v[3] << 25), (a.v[3] >> 39) | (a.v[4] << 12)};
}

}  // namespace

TEST_CASE("ed25519 field: from_bytes, from_u64 and to_bytes against the reference",
          "[ed25519][field]") {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    Bytes32 b;
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    const Fe a = ed::from_bytes(b.data());
    U256 want;
    std::memcpy(want.data(), b.data(), 32);
    want[3] &= 0x7fffffffffffffffULL;  // bit 255 ignored
    want = ref_mod({want.begin(), want.end()});
    CHECK(value(a) == want);
    CHECK(ed::to_bytes(a) == bytes_of(want));
    const std::uint64_t u = rng();
    CHECK(value(ed::from_u64(u)) == U256{u, 0, 0, 0});
  }
  // Non-canonical inputs: p, p + 1 and 2^255 - 1 encode as 0, 1 and 18.
  Bytes32 p = bytes_of(kP);
  CHECK(ed::to_bytes(ed::from_bytes(p.data())) == Bytes32{});
  p[0] = static_cast<std::uint8_t>(p[0] + 1);
  CHECK(ed::to_bytes(ed::from_bytes(p.data())) == bytes_of(kOneRef));
  Bytes32 top;
  top.fill(0xff);
  top[31] = 0x7f;
  CHECK(ed::to_bytes(ed::from_bytes(top.data())) == bytes_of({18, 0, 0, 0}));
}

TEST_CASE("ed25519 field: reduce yields the canonical limbs", "[ed25519][field]") {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 5000; ++i) {
    const Fe a = random_fe(rng, 53);
    const Fe r = ed::reduce(a);
    CHECK(reduced(r));
    CHECK(value(r) == value(a));
  }
}

TEST_CASE("ed25519 field: add, sub, neg, mul and sq against the reference", "[ed25519][field]") {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    // Operands as the code produces them: carried (mul, sub) or the sum of two carried.
    const Fe a = ed::carry(random_fe(rng, 52)), b = ed::carry(random_fe(rng, 52));
    const Fe s = ed::add(a, b);
    REQUIRE(value(s) == ref_add(value(a), value(b)));
    CHECK(value(ed::sub(a, b)) == ref_sub(value(a), value(b)));
    CHECK(value(ed::sub(s, b)) == value(a));
    CHECK(value(ed::neg(a)) == ref_sub({0, 0, 0, 0}, value(a)));
    CHECK(value(ed::mul(a, b)) == ref_mul(value(a), value(b)));
    CHECK(value(ed::mul(s, s)) == ref_mul(value(s), value(s)));
    CHECK(value(ed::sq(a)) == ref_mul(value(a), value(a)));
    CHECK(value(ed::sq(s)) == ref_mul(value(s), value(s)));
    // Limbs up to 2^53, the documented bound of mul and sq.
    const Fe w = random_fe(rng, 53), z = random_fe(rng, 53);
    CHECK(value(ed::mul(w, z)) == ref_mul(value(w), value(z)));
    CHECK(value(ed::sq(w)) == ref_mul(value(w), value(w)));
  }
}

TEST_CASE("ed25519 field: invert and pow22523 against the reference exponentiation",
          "[ed25519][field]") {
  std::mt19937_64 rng(4);
  CHECK(value(ed::invert(ed::kZero)) == U256{});
  for (int i = 0; i < 300; ++i) {
    const Fe a = ed::carry(random_fe(rng, 52));
    const Fe inv = ed::invert(a);
    CHECK(value(inv) == ref_pow(value(a), kPMinus2));
    if (value(a) != U256{}) CHECK(value(ed::mul(a, inv)) == kOneRef);
    CHECK(value(ed::pow22523(a)) == ref_pow(value(a), kPMinus5Over8));
  }
  // pow22523_n: four lanes at once give the single results.
  Fe in[4], out[4];
  for (auto& x : in) x = ed::carry(random_fe(rng, 52));
  ed::pow22523_n<4>(in, out);
  for (int l = 0; l < 4; ++l) CHECK(value(out[l]) == value(ed::pow22523(in[l])));
}

TEST_CASE("ed25519 field: constants are what their definitions say", "[ed25519][field]") {
  const Fe d = ed::mul(ed::neg(ed::from_u64(121665)), ed::invert(ed::from_u64(121666)));
  CHECK(value(ed::kD) == value(d));
  CHECK(value(ed::kD2) == value(ed::add(d, d)));
  CHECK(value(ed::sq(ed::kSqrtM1)) == value(ed::kMinusOne));
  CHECK(value(ed::kMinusOne) == sub_raw(kP, kOneRef));
  CHECK(value(ed::kMinusSqrtM1) == value(ed::neg(ed::kSqrtM1)));
  // sqrt(-1) = 2^((p-1)/4), the root RFC 9496 §4.1 names.
  const U256 p_minus_1_over_4 = {0xfffffffffffffffbULL, ~0ULL, ~0ULL, 0x1fffffffffffffffULL};
  CHECK(value(ed::kSqrtM1) == ref_pow({2, 0, 0, 0}, p_minus_1_over_4));
  // INVSQRT_A_MINUS_D: non-negative, and its square times (a - d) is 1.
  const Fe a_minus_d = ed::sub(ed::kMinusOne, ed::kD);
  CHECK(value(ed::mul(ed::sq(ed::kInvSqrtAMinusD), a_minus_d)) == kOneRef);
  CHECK((ed::to_bytes(ed::kInvSqrtAMinusD)[0] & 1) == 0);
  for (const Fe& c : {ed::kZero, ed::kOne, ed::kMinusOne, ed::kD, ed::kD2, ed::kSqrtM1,
                      ed::kMinusSqrtM1, ed::kInvSqrtAMinusD}) {
    CHECK(reduced(c));
  }
}

TEST_CASE("ed25519 field: cmov, ct_equal, ct_is_negative, ct_abs and is_zero", "[ed25519][field]") {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const Fe a = ed::carry(random_fe(rng, 52)), b = ed::carry(random_fe(rng, 52));
    Fe r = a;
    ed::cmov(r, b, ed::mask_of(0));
    CHECK(std::memcmp(&r, &a, sizeof r) == 0);
    ed::cmov(r, b, ed::mask_of(1));
    CHECK(std::memcmp(&r, &b, sizeof r) == 0);
    const bool same = value(a) == value(b);
    CHECK(ed::ct_equal(a, b) == (same ? 1u : 0u));
    CHECK(ed::ct_equal(a, ed::add(a, ed::kZero)) == 1);
    // The same element with other limbs (a + p) is still equal.
    const Fe a_plus_p =
        ed::add(a, Fe{{ed::kMask51 - 18, ed::kMask51, ed::kMask51, ed::kMask51, ed::kMask51}});
    CHECK(ed::ct_equal(a, a_plus_p) == 1);
    const std::uint64_t negative = value(a)[0] & 1;
    CHECK(ed::ct_is_negative(a) == negative);
    const U256 abs = negative ? ref_sub({0, 0, 0, 0}, value(a)) : value(a);
    CHECK(value(ed::ct_abs(a)) == abs);
    CHECK((ed::to_bytes(ed::ct_abs(a))[0] & 1) == 0);
    CHECK(ed::is_zero(a) == (value(a) == U256{}));
  }
  CHECK(ed::is_zero(Fe{{ed::kMask51 - 18, ed::kMask51, ed::kMask51, ed::kMask51, ed::kMask51}}));
  CHECK_FALSE(ed::is_zero(ed::kOne));
}

TEST_CASE("ed25519 field: sqrt_ratio_m1_n against Euler's criterion (RFC 9496 §4.2)",
          "[ed25519][field]") {
  std::mt19937_64 rng(6);
  constexpr std::size_t kN = 3;
  for (int i = 0; i < 200; ++i) {
    Fe v[kN], r[kN];
    std::uint64_t sq[kN];
    for (auto& x : v) x = ed::carry(random_fe(rng, 52));
    ed::sqrt_ratio_m1_n<kN>(v, r, sq);
    for (std::size_t l = 0; l < kN; ++l) {
      Fe r1;
      std::uint64_t sq1;
      ed::sqrt_ratio_m1_n<1>(&v[l], &r1, &sq1);
      CHECK(value(r1) == value(r[l]));
      CHECK(sq1 == sq[l]);
      CHECK((value(r[l])[0] & 1) == 0);  // non-negative
      const U256 vv = value(v[l]);
      if (vv == U256{}) {
        CHECK(value(r[l]) == U256{});
        CHECK(sq[l] == 0);  // u/v undefined for v = 0: (FALSE, 0)
        continue;
      }
      const bool square = ref_pow(vv, kPMinus1Over2) == kOneRef;
      CHECK(sq[l] == (square ? 1u : 0u));
      // v·r^2 = 1 when 1/v is a square, sqrt(-1) when it is not.
      const U256 check = ref_mul(vv, ref_mul(value(r[l]), value(r[l])));
      CHECK(check == (square ? kOneRef : value(ed::kSqrtM1)));
    }
  }
  Fe zero = ed::kZero, r;
  std::uint64_t sq;
  ed::sqrt_ratio_m1_n<1>(&zero, &r, &sq);
  CHECK(value(r) == U256{});
  CHECK(sq == 0);
}

TEST_CASE("ed25519 field: batch_invert agrees with invert", "[ed25519][field]") {
  std::mt19937_64 rng(7);
  for (std::size_t n : {0, 1, 2, 7, 64}) {
    std::vector<Fe> zs(n), scratch(n), want(n);
    for (std::size_t i = 0; i < n; ++i) {
      zs[i] = ed::carry(random_fe(rng, 52));
      if (value(zs[i]) == U256{}) zs[i] = ed::kOne;  // one zero would zero the batch
      want[i] = ed::invert(zs[i]);
    }
    ed::batch_invert(zs.data(), n, scratch.data());
    for (std::size_t i = 0; i < n; ++i) CHECK(value(zs[i]) == value(want[i]));
  }
}
