// SPDX-License-Identifier: Apache-2.0
// The constant-time scalar multiplication and encoding of ct_mul.hpp (the proxy's products,
// crypto.md §5.2) against libsodium's crypto_scalarmult_ristretto255 on thousands of random
// inputs with the edge cases (zero, L − 1, L, tiny, 2^252, all-8 and all-(−8) digit patterns,
// any 255-bit value), the RFC 9496 multiples of the generator, and the identity; the capsule
// check of capsule_check.hpp against its libsodium form on valid and tampered capsules; and
// the proxy's cfrags against libsodium's products.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "capsule_check.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/crypto/pre.hpp"
#include "ct_mul.hpp"

namespace ed = cpc::ed25519;
using Bytes32 = std::array<std::uint8_t, 32>;

namespace {

Bytes32 sodium_mul(const Bytes32& s, const Bytes32& p) {
  Bytes32 out{};
  if (crypto_scalarmult_ristretto255(out.data(), s.data(), p.data()) != 0) out.fill(0);
  return out;
}

ed::Point decoded(const Bytes32& p) {
  ed::Point q;
  REQUIRE(ed::decode_ristretto_checked(p.data(), q));
  return q;
}

Bytes32 encoded(const ed::Point& p) {
  Bytes32 out{};
  ed::encode_ristretto_n(&p, 1, &out);
  return out;
}

// A scalar < 2^255 (what ct_digits accepts, and what libsodium multiplies by), by kind.
Bytes32 pick_scalar(std::mt19937_64& rng) {
  Bytes32 s{};
  switch (rng() % 10) {
    case 0:
      return s;  // zero
    case 1:
      s[0] = 1;
      crypto_core_ristretto255_scalar_negate(s.data(), s.data());  // L − 1
      return s;
    case 2:  // L: the identity
      s[0] = 1;
      crypto_core_ristretto255_scalar_negate(s.data(), s.data());
      s[0] = static_cast<std::uint8_t>(s[0] + 1);
      return s;
    case 3:
      s[0] = static_cast<std::uint8_t>(rng() % 32);  // tiny
      return s;
    case 4:
      s[31] = 0x10;  // 2^252
      return s;
    case 5:  // every radix-16 digit 8 (the largest digit, carried everywhere)
      s.fill(0x88);
      s[31] = 0x08;
      return s;
    case 6:  // every digit 15: recoded as −1 with carries
      s.fill(0xff);
      s[31] = 0x7f;
      return s;
    case 7:  // any 255-bit value
      for (auto& b : s) b = static_cast<std::uint8_t>(rng());
      s[31] &= 0x7f;
      return s;
    default:
      crypto_core_ristretto255_scalar_random(s.data());
      return s;
  }
}

Bytes32 random_point() {
  Bytes32 p{};
  crypto_core_ristretto255_random(p.data());
  return p;
}

}  // namespace

TEST_CASE("ct_mul: radix-16 digits encode the scalar", "[ct_mul]") {
  std::mt19937_64 rng(3);
  for (int iter = 0; iter < 2000; ++iter) {
    const Bytes32 s = pick_scalar(rng);
    const auto d = ed::ct_digits(s.data());
    for (int i = 63; i >= 0; --i) {
      const int e = d.e[static_cast<std::size_t>(i)];
      REQUIRE(e >= -8);
      REQUIRE(e <= 8);
    }
    // Σ e[i]·16^i by Horner, in 320-bit two's complement.
    std::uint64_t limbs[5] = {0, 0, 0, 0, 0};
    for (int i = 63; i >= 0; --i) {
      // limbs = limbs·16 + e
      std::uint64_t carry = 0;
      for (auto& l : limbs) {
        const std::uint64_t next = l >> 60;
        l = (l << 4) | carry;
        carry = next;
      }
      const auto e = static_cast<std::int64_t>(d.e[static_cast<std::size_t>(i)]);
      unsigned __int128 add = static_cast<std::uint64_t>(e);
      std::uint64_t ext = e < 0 ? ~std::uint64_t{0} : 0;
      unsigned __int128 c = 0;
      for (int l = 0; l < 5; ++l) {
        const unsigned __int128 t =
            static_cast<unsigned __int128>(limbs[l]) + (l == 0 ? add : ext) + c;
        limbs[l] = static_cast<std::uint64_t>(t);
        c = t >> 64;
      }
    }
    std::uint64_t want[4];
    std::memcpy(want, s.data(), 32);
    CAPTURE(cpc::hex::encode(s));
    CHECK(limbs[0] == want[0]);
    CHECK(limbs[1] == want[1]);
    CHECK(limbs[2] == want[2]);
    CHECK(limbs[3] == want[3]);
    CHECK(limbs[4] == 0);
  }
}

TEST_CASE("ct_mul: agrees with libsodium's scalarmult on random inputs and edge cases",
          "[ct_mul]") {
  std::mt19937_64 rng(17);
  auto big = std::make_unique<ed::CtBase<64>>();
  for (int iter = 0; iter < 3000; ++iter) {
    const Bytes32 p = random_point();
    const ed::Point q = decoded(p);
    ed::CtBase<4> base;
    ed::ct_base(q, base);
    // Two scalars per base, as the proxy uses each table (rk and τ).
    for (int k = 0; k < 2; ++k) {
      const Bytes32 s = pick_scalar(rng);
      CAPTURE(iter, cpc::hex::encode(s), cpc::hex::encode(p));
      const auto d = ed::ct_digits(s.data());
      CHECK(encoded(ed::ct_mul(d, base)) == sodium_mul(s, p));
      if (iter % 10 == 0) {
        ed::ct_base(q, *big);
        CHECK(encoded(ed::ct_mul(d, *big)) == sodium_mul(s, p));
      }
    }
  }
}

TEST_CASE("ct_mul: several encodings at once agree with one at a time and with libsodium",
          "[ct_mul]") {
  std::mt19937_64 rng(23);
  for (int iter = 0; iter < 200; ++iter) {
    const std::size_t n = 1 + rng() % 12;
    std::vector<ed::Point> pts(n);
    std::vector<Bytes32> want(n), got(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Bytes32 p = random_point();
      Bytes32 s = pick_scalar(rng);
      ed::CtBase<4> base;
      ed::ct_base(decoded(p), base);
      pts[i] = ed::ct_mul(ed::ct_digits(s.data()), base);
      want[i] = sodium_mul(s, p);
    }
    ed::encode_ristretto_n(pts.data(), n, got.data());
    CHECK(got == want);
    for (std::size_t i = 0; i < n; ++i) CHECK(encoded(pts[i]) == want[i]);
  }
}

TEST_CASE("ct_mul: the identity encodes as zeros; RFC 9496 multiples of the generator",
          "[ct_mul][vectors]") {
  CHECK(encoded(ed::identity()) == Bytes32{});
  std::ifstream in(std::string(CPC_VECTORS_DIR) + "/rfc9496_ristretto255.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto v = nlohmann::json::parse(ss.str());
  Bytes32 one{}, g{};
  one[0] = 1;
  REQUIRE(crypto_scalarmult_ristretto255_base(g.data(), one.data()) == 0);
  ed::CtBase<4> base;
  ed::ct_base(decoded(g), base);
  auto big = std::make_unique<ed::CtBase<64>>();
  ed::ct_base(decoded(g), *big);
  int count = 0;
  for (const auto& t : v["tests"]) {
    if (t["section"] != "A.1") continue;
    ++count;
    Bytes32 s{};
    s[0] = static_cast<std::uint8_t>(t["k"].get<std::uint64_t>());
    const auto d = ed::ct_digits(s.data());
    CAPTURE(t["k"].get<std::uint64_t>());
    CHECK(cpc::hex::encode(encoded(ed::ct_mul(d, base))) == t["point"]);
    CHECK(cpc::hex::encode(encoded(ed::ct_mul(d, *big))) == t["point"]);
  }
  CHECK(count == 16);
}

TEST_CASE("capsule check: the MSM forms agree with libsodium's s·G == V + h·E", "[ct_mul]") {
  using cpc::capsule::Capsule;
  auto owner = cpc::keys::SecretKey::generate().value();
  std::mt19937_64 rng(29);
  for (int iter = 0; iter < 1000; ++iter) {
    cpc::capsule::Key key{};
    Capsule c = cpc::capsule::encapsulate(owner.public_key().encrypt, key);
    switch (iter % 4) {
      case 0:
        break;  // valid
      case 1:
        c.s = c.s + cpc::group::Scalar::from_u64(1 + rng() % 1000);  // wrong s
        break;
      case 2:
        std::swap(c.e, c.v);  // E and V swapped
        break;
      default:
        c.v = cpc::group::Point::base_mul(cpc::group::Scalar::random());  // another V
        break;
    }
    // libsodium's form, as Capsule::verify computed it before.
    bool want = false;
    if (!c.s.is_zero()) {
      auto he = c.e.mul(c.challenge());
      auto rhs = he ? c.v.add(*he) : he;
      want = rhs && cpc::group::Point::base_mul(c.s) == *rhs;
    }
    CHECK(want == (iter % 4 == 0));
    ed::Point e, v;
    REQUIRE(cpc::capsule::internal::decode_points(c, e, v));
    ed::CtBase<4> pieces;
    ed::ct_base(e, pieces);
    CHECK(cpc::capsule::internal::check(c, e, v) == want);
    CHECK(cpc::capsule::internal::check(c, pieces, v) == want);
    CHECK(c.verify() == want);
  }
  cpc::capsule::Key key{};
  Capsule c = cpc::capsule::encapsulate(owner.public_key().encrypt, key);
  c.s = cpc::group::Scalar();
  CHECK_FALSE(c.verify());
}

TEST_CASE("reencapsulate: the cfrag's points are libsodium's products", "[ct_mul][pre]") {
  using cpc::group::Point;
  auto owner = cpc::keys::SecretKey::generate().value();
  auto grantee = cpc::keys::SecretKey::generate().value();
  auto kfrags = cpc::pre::generate_kfrags(owner, grantee.public_key().encrypt, 2, 3).value();
  std::vector<cpc::capsule::Capsule> caps;
  for (int i = 0; i < 200; ++i) {
    cpc::capsule::Key key{};
    caps.push_back(cpc::capsule::encapsulate(owner.public_key().encrypt, key));
  }
  for (const auto& k : kfrags) {
    auto cfrags = cpc::pre::reencapsulate(caps, k).value();
    REQUIRE(cfrags.size() == caps.size());
    for (std::size_t i = 0; i < caps.size(); ++i) {
      const auto& c = caps[i];
      const auto& f = cfrags[i];
      CHECK(f.e1 == c.e.mul(k.rk).value());
      CHECK(f.v1 == c.v.mul(k.rk).value());
      // τ is gone, but z = τ + h·rk fixes it: E2 = z·E − h·E1, and so on.
      const auto h = cpc::group::hash_to_scalar(
          "cpc/cfrag-proof/v1",
          {cpc::group::view(c.e.bytes()), cpc::group::view(f.e1.bytes()),
           cpc::group::view(f.e2.bytes()), cpc::group::view(c.v.bytes()),
           cpc::group::view(f.v1.bytes()), cpc::group::view(f.v2.bytes()),
           cpc::group::view(cpc::pre::generator_u().bytes()),
           cpc::group::view(f.commitment.bytes()), cpc::group::view(f.u2.bytes())});
      CHECK(f.e2 == c.e.mul(f.z).value().sub(f.e1.mul(h).value()).value());
      CHECK(f.v2 == c.v.mul(f.z).value().sub(f.v1.mul(h).value()).value());
      CHECK(f.u2 ==
            cpc::pre::generator_u().mul(f.z).value().sub(f.commitment.mul(h).value()).value());
      for (const auto* p : {&f.e1, &f.v1, &f.e2, &f.v2, &f.u2}) {
        CHECK(Point::decode(cpc::group::view(p->bytes())));  // canonical, not the identity
      }
      if (i < 8) {
        CHECK(cpc::pre::verify_cfrag(f, c, owner.public_key(), grantee.public_key().encrypt));
      }
    }
  }
}
