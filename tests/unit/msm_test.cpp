// SPDX-License-Identifier: Apache-2.0
// The variable-time multi-scalar multiplication of msm.hpp (used to verify cfrag proofs)
// cross-checked against libsodium's scalarmult and add on thousands of random inputs, with
// the edge cases: zero scalars, L − 1, identity results, and the heap path (> 16 terms);
// and the width-5 NAF against the scalar it encodes.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <vector>

#include "cpc/codec/hex.hpp"
#include "msm.hpp"

namespace ed = cpc::ed25519;
using Bytes32 = std::array<std::uint8_t, 32>;

namespace {

// libsodium's Σ s_i·P_i, with the identity as 32 zero bytes.
Bytes32 sodium_msm(const std::vector<Bytes32>& scalars, const std::vector<Bytes32>& points) {
  Bytes32 acc{}, term{};
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    if (crypto_scalarmult_ristretto255(term.data(), scalars[i].data(), points[i].data()) != 0) {
      term.fill(0);  // the identity (libsodium returns -1 and zeros)
    }
    if (acc == Bytes32{}) {
      acc = term;
    } else if (term != Bytes32{}) {
      Bytes32 sum{};
      REQUIRE(crypto_core_ristretto255_add(sum.data(), acc.data(), term.data()) == 0);
      acc = sum;
    }
  }
  return acc;
}

Bytes32 ours(const std::vector<Bytes32>& scalars, const std::vector<Bytes32>& points) {
  std::vector<ed::MsmTable> tables;
  std::vector<ed::MsmTerm> terms;
  tables.reserve(points.size());
  for (const auto& p : points) {
    ed::Point q;
    REQUIRE(ed::decode_ristretto_checked(p.data(), q));
    tables.push_back(ed::msm_table(q));
  }
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    terms.push_back({scalars[i].data(), &tables[i]});
  }
  return ed::encode_ristretto(ed::msm(terms.data(), terms.size()));
}

Bytes32 scalar_one() {
  Bytes32 s{};
  s[0] = 1;
  return s;
}
Bytes32 scalar_neg(const Bytes32& s) {
  Bytes32 r{};
  crypto_core_ristretto255_scalar_negate(r.data(), s.data());
  return r;
}

// An edge-case or random scalar < L, by kind.
Bytes32 pick_scalar(std::mt19937_64& rng) {
  Bytes32 s{};
  switch (rng() % 8) {
    case 0:
      return s;  // zero
    case 1:
      return scalar_neg(scalar_one());  // L - 1
    case 2:
      s[0] = static_cast<std::uint8_t>(rng() % 32);  // tiny
      return s;
    case 3:
      for (int i = 0; i < 16; ++i)
        s[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(rng());
      return s;  // 128-bit
    case 4:
      s[31] = 0x10;  // 2^252
      return s;
    default:
      crypto_core_ristretto255_scalar_random(s.data());
      return s;
  }
}

}  // namespace

TEST_CASE("msm: width-5 NAF encodes the scalar", "[msm]") {
  std::mt19937_64 rng(11);
  for (int iter = 0; iter < 2000; ++iter) {
    Bytes32 s = pick_scalar(rng);
    if (iter % 3 == 0) {
      for (auto& b : s) b = static_cast<std::uint8_t>(rng());
      s[31] &= 0x7f;  // any 255-bit value
    }
    auto naf = ed::naf5(s.data());
    // Σ naf[i]·2^i as positive minus negative parts, in 64-bit limbs.
    std::uint64_t pos[5] = {}, neg[5] = {};
    int last = -100;
    for (int i = 0; i < 256; ++i) {
      int d = naf[static_cast<std::size_t>(i)];
      if (d == 0) continue;
      REQUIRE((d & 1) != 0);
      REQUIRE(d >= -15);
      REQUIRE(d <= 15);
      REQUIRE(i - last >= 5);
      last = i;
      std::uint64_t* acc = d > 0 ? pos : neg;
      unsigned __int128 add = static_cast<unsigned __int128>(d > 0 ? d : -d) << (i % 64);
      for (int l = i / 64; l < 5 && add != 0; ++l) {
        unsigned __int128 t =
            static_cast<unsigned __int128>(acc[l]) + static_cast<std::uint64_t>(add);
        acc[l] = static_cast<std::uint64_t>(t);
        add = (add >> 64) + (t >> 64);
      }
    }
    std::uint64_t diff[5];
    unsigned __int128 borrow = 0;
    for (int l = 0; l < 5; ++l) {
      unsigned __int128 t = static_cast<unsigned __int128>(pos[l]) - neg[l] - borrow;
      diff[l] = static_cast<std::uint64_t>(t);
      borrow = (t >> 64) != 0 ? 1 : 0;
    }
    std::uint64_t want[4];
    std::memcpy(want, s.data(), 32);
    CAPTURE(cpc::hex::encode(s));
    CHECK(diff[0] == want[0]);
    CHECK(diff[1] == want[1]);
    CHECK(diff[2] == want[2]);
    CHECK(diff[3] == want[3]);
    CHECK(diff[4] == 0);
  }
}

TEST_CASE("msm: agrees with libsodium on random inputs and edge cases", "[msm]") {
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 3000; ++iter) {
    std::size_t n = 1 + rng() % (iter % 50 == 0 ? 20 : 4);  // some beyond the 16 inline NAFs
    std::vector<Bytes32> scalars(n), points(n);
    for (std::size_t i = 0; i < n; ++i) {
      crypto_core_ristretto255_random(points[i].data());
      scalars[i] = pick_scalar(rng);
    }
    if (iter % 7 == 0 && n >= 2) points[1] = points[0];  // a repeated point
    CAPTURE(iter, n);
    REQUIRE(ours(scalars, points) == sodium_msm(scalars, points));
  }
}

TEST_CASE("msm: identity results and ristretto comparisons", "[msm]") {
  for (int iter = 0; iter < 300; ++iter) {
    Bytes32 p{}, s{};
    crypto_core_ristretto255_random(p.data());
    crypto_core_ristretto255_scalar_random(s.data());
    ed::Point q;
    REQUIRE(ed::decode_ristretto_checked(p.data(), q));
    ed::MsmTable t = ed::msm_table(q);
    // s·P + (L − s)·P = identity; z·P − h·P − (z − h)·P = identity, the shape of a proof check.
    Bytes32 ns = scalar_neg(s);
    ed::MsmTerm pair[2] = {{s.data(), &t}, {ns.data(), &t}};
    ed::Point zero = ed::msm(pair, 2);
    CHECK(ed::is_identity(zero));
    CHECK(ed::encode_ristretto(zero) == Bytes32{});
    // (L − 1)·P = −P, and equal elements compare equal without encoding.
    Bytes32 m1 = scalar_neg(scalar_one());
    ed::MsmTerm one_term[1] = {{m1.data(), &t}};
    ed::Point minus_p = ed::msm(one_term, 1);
    CHECK(ed::is_identity(ed::add(minus_p, ed::cache(q))));
    CHECK_FALSE(ed::is_identity(minus_p));
    CHECK_FALSE(ed::same_element(minus_p, q));
    Bytes32 one = scalar_one();
    ed::MsmTerm p_term[1] = {{one.data(), &t}};
    CHECK(ed::same_element(ed::msm(p_term, 1), q));
    // A different representative of the same element (P plus a 4-torsion point, from the
    // 2·P computed two ways) still compares equal.
    Bytes32 two{};
    two[0] = 2;
    ed::MsmTerm two_term[1] = {{two.data(), &t}};
    ed::Point p2 = ed::add(q, ed::cache(q));
    CHECK(ed::same_element(ed::msm(two_term, 1), p2));
    CHECK_FALSE(ed::same_element(p2, q));
  }
  // All-zero scalars: the identity.
  Bytes32 p{}, z{};
  crypto_core_ristretto255_random(p.data());
  ed::Point q;
  REQUIRE(ed::decode_ristretto_checked(p.data(), q));
  ed::MsmTable t = ed::msm_table(q);
  ed::MsmTerm zt[2] = {{z.data(), &t}, {z.data(), &t}};
  CHECK(ed::is_identity(ed::msm(zt, 2)));
  CHECK(ed::is_identity(ed::msm(nullptr, 0)));
}
