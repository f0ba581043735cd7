// SPDX-License-Identifier: Apache-2.0
// Threshold re-encryption (pre.hpp, crypto.md §5): t-of-n round trips, refusals (too few,
// duplicates, mixed grants, wrong capsule/grantee/owner), every modified kfrag and cfrag
// byte rejected, and the record encodings.
#include <sodium.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/capsule.hpp"
#include "cpc/crypto/pre.hpp"

using cpc::capsule::Capsule;
using cpc::capsule::Key;
using cpc::keys::SecretKey;
using cpc::pre::CapsuleFragment;
using cpc::pre::KeyFragment;

namespace {

struct Grant {
  SecretKey owner = SecretKey::generate().value();
  SecretKey grantee = SecretKey::generate().value();
  Key key{};
  Capsule capsule;
  std::vector<KeyFragment> kfrags;
  std::vector<CapsuleFragment> cfrags;

  Grant(unsigned t, unsigned n) {
    capsule = cpc::capsule::encapsulate(owner.public_key().encrypt, key);
    auto k = cpc::pre::generate_kfrags(owner, grantee.public_key().encrypt, t, n);
    REQUIRE(k);
    kfrags = *k;
    for (const auto& kf : kfrags) {
      auto c = cpc::pre::reencapsulate(capsule, kf);
      REQUIRE(c);
      cfrags.push_back(*c);
    }
  }
  cpc::Result<Key> open(const std::vector<CapsuleFragment>& frags) const {
    return cpc::pre::decapsulate_frags(grantee, owner.public_key(), capsule, frags);
  }
};

cpc::group::Point random_point() {
  return cpc::group::Point::base_mul(cpc::group::Scalar::random());
}

}  // namespace

TEST_CASE("t-of-n: any t distinct cfrags open, t-1 do not", "[pre]") {
  std::mt19937 rng(7);
  for (auto [t, n] : {std::pair{1u, 1u}, {2u, 3u}, {3u, 5u}, {5u, 10u}}) {
    CAPTURE(t, n);
    Grant g(t, n);
    REQUIRE(g.kfrags.size() == n);
    auto owner_key = cpc::capsule::decapsulate(g.owner.encrypt_scalar(), g.capsule);
    REQUIRE(owner_key);
    REQUIRE(*owner_key == g.key);
    for (int trial = 0; trial < 4; ++trial) {
      auto frags = g.cfrags;
      std::shuffle(frags.begin(), frags.end(), rng);
      frags.resize(t);
      auto k = g.open(frags);
      REQUIRE(k);
      CHECK(*k == g.key);  // the grantee's key is the owner's
      if (t > 1) {
        frags.pop_back();
        auto short_k = g.open(frags);
        REQUIRE_FALSE(short_k);
        CHECK(short_k.status().code() == cpc::Code::kRefused);
      }
    }
    CHECK(g.open(g.cfrags).value() == g.key);  // all n also work
  }
}

TEST_CASE("copies of one cfrag count once", "[pre]") {
  Grant g(3, 5);
  CHECK_FALSE(g.open({g.cfrags[0], g.cfrags[0], g.cfrags[1]}));
  // A second re-encryption of the same capsule with the same kfrag is the same fragment.
  auto again = cpc::pre::reencapsulate(g.capsule, g.kfrags[0]);
  REQUIRE(again);
  CHECK(cpc::pre::encode_cfrag(*again) != cpc::pre::encode_cfrag(g.cfrags[0]));
  CHECK_FALSE(g.open({g.cfrags[0], *again, g.cfrags[1]}));
  CHECK(g.open({g.cfrags[0], *again, g.cfrags[1], g.cfrags[2]}).value() == g.key);
}

TEST_CASE("cfrags for another capsule, grantee, owner or grant are refused", "[pre]") {
  Grant g(2, 3);
  const auto& owner = g.owner.public_key();
  const auto& b = g.grantee.public_key().encrypt;
  REQUIRE(cpc::pre::verify_cfrag(g.cfrags[0], g.capsule, owner, b));

  Key other_key{};
  Capsule other = cpc::capsule::encapsulate(owner.encrypt, other_key);
  auto wrong_capsule = cpc::pre::reencapsulate(other, g.kfrags[0]).value();
  CHECK(cpc::pre::verify_cfrag(wrong_capsule, g.capsule, owner, b).code() == cpc::Code::kRefused);
  CHECK_FALSE(g.open({wrong_capsule, g.cfrags[1]}));

  SecretKey stranger = SecretKey::generate().value();
  CHECK_FALSE(cpc::pre::verify_cfrag(g.cfrags[0], g.capsule, owner, stranger.public_key().encrypt));
  CHECK_FALSE(cpc::pre::verify_cfrag(g.cfrags[0], g.capsule, stranger.public_key(), b));
  CHECK_FALSE(cpc::pre::decapsulate_frags(stranger, owner, g.capsule, g.cfrags));
  CHECK_FALSE(cpc::pre::decapsulate_frags(g.grantee, stranger.public_key(), g.capsule, g.cfrags));

  // Another grant of the same owner to the same grantee: fragments do not mix.
  auto other_grant = cpc::pre::generate_kfrags(g.owner, b, 2, 3).value();
  auto mixed = cpc::pre::reencapsulate(g.capsule, other_grant[0]).value();
  CHECK(cpc::pre::verify_cfrag(mixed, g.capsule, owner, b));
  CHECK_FALSE(g.open({g.cfrags[0], mixed}));

  // The proxy refuses a capsule that fails its check.
  Capsule forged = g.capsule;
  forged.s = forged.s + cpc::group::Scalar::from_u64(1);
  CHECK(cpc::pre::reencapsulate(forged, g.kfrags[0]).status().code() == cpc::Code::kRefused);
}

TEST_CASE("kfrag parameters and verification", "[pre]") {
  SecretKey owner = SecretKey::generate().value();
  SecretKey grantee = SecretKey::generate().value();
  const auto& b = grantee.public_key().encrypt;
  CHECK_FALSE(cpc::pre::generate_kfrags(owner, b, 0, 1));
  CHECK_FALSE(cpc::pre::generate_kfrags(owner, b, 3, 2));
  CHECK_FALSE(cpc::pre::generate_kfrags(owner, b, 1, 257));
  auto ks = cpc::pre::generate_kfrags(owner, b, 2, 2).value();
  CHECK(cpc::pre::verify_kfrag(ks[0], owner.public_key(), b));
  CHECK_FALSE(cpc::pre::verify_kfrag(ks[0], SecretKey::generate().value().public_key(), b));
  CHECK_FALSE(cpc::pre::verify_kfrag(ks[0], owner.public_key(), random_point()));

  // Each field replaced by another valid value: verification and the proxy refuse.
  std::vector<KeyFragment> bad(8, ks[0]);
  bad[0].id[3] ^= 1;
  bad[1].owner.sign = SecretKey::generate().value().public_key().sign;
  bad[2].owner.encrypt = random_point();
  bad[3].grantee = random_point();
  bad[4].threshold = 1;
  bad[5].precursor = random_point();
  bad[6].commitment = random_point();
  bad[7].rk = cpc::group::Scalar::random();
  Key key{};
  Capsule c = cpc::capsule::encapsulate(owner.public_key().encrypt, key);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    CAPTURE(i);
    CHECK_FALSE(cpc::pre::verify_kfrag(bad[i], owner.public_key(), b));
    CHECK(cpc::pre::reencapsulate(c, bad[i]).status().code() == cpc::Code::kRefused);
  }
  KeyFragment bad_sig = ks[0];
  bad_sig.sig[10] ^= 0x20;
  CHECK_FALSE(cpc::pre::verify_kfrag(bad_sig, owner.public_key(), b));
}

TEST_CASE("every flipped kfrag bit is rejected before use", "[pre]") {
  Grant g(2, 2);
  auto enc = cpc::pre::encode_kfrag(g.kfrags[0]);
  for (std::size_t i = 0; i < enc.size(); ++i) {
    auto m = enc;
    m[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    auto k = cpc::pre::decode_kfrag(m);
    if (!k) continue;  // malformed: never used
    CAPTURE(i);
    CHECK_FALSE(cpc::pre::verify_kfrag(*k, g.owner.public_key(), g.grantee.public_key().encrypt));
    CHECK_FALSE(cpc::pre::reencapsulate(g.capsule, *k));
  }
}

TEST_CASE("every flipped cfrag bit fails verification and decryption", "[pre]") {
  Grant g(2, 2);
  auto enc = cpc::pre::encode_cfrag(g.cfrags[0]);
  int decoded = 0;
  for (std::size_t i = 0; i < enc.size(); ++i) {
    auto m = enc;
    m[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    auto f = cpc::pre::decode_cfrag(m);
    if (!f) continue;
    ++decoded;
    CAPTURE(i);
    CHECK_FALSE(cpc::pre::verify_cfrag(*f, g.capsule, g.owner.public_key(),
                                       g.grantee.public_key().encrypt));
    CHECK_FALSE(g.open({*f, g.cfrags[1]}));
  }
  CHECK(decoded > 100);  // id, threshold, z, sig and some point bits decode
}

TEST_CASE("kfrag and cfrag records round-trip and are strict", "[pre][records]") {
  Grant g(2, 3);
  std::string kr = cpc::pre::kfrag_record(g.kfrags[1]);
  CHECK(kr.rfind(R"({"type":"cpc/kfrag","id":")", 0) == 0);
  auto k = cpc::pre::parse_kfrag_record(kr);
  REQUIRE(k);
  CHECK(cpc::pre::encode_kfrag(*k) == cpc::pre::encode_kfrag(g.kfrags[1]));
  std::string cr = cpc::pre::cfrag_record(g.cfrags[2]);
  auto c = cpc::pre::parse_cfrag_record(cr);
  REQUIRE(c);
  CHECK(cpc::pre::encode_cfrag(*c) == cpc::pre::encode_cfrag(g.cfrags[2]));
  CHECK(cr.find('\n') == std::string::npos);

  auto upper = cr;
  auto pos = upper.find("\"e1\":\"") + 6;
  std::transform(upper.begin() + pos, upper.begin() + pos + 64, upper.begin() + pos, ::toupper);
  CHECK_FALSE(cpc::pre::parse_cfrag_record(upper));
  CHECK_FALSE(cpc::pre::parse_cfrag_record(cr.substr(0, cr.size() - 1) + ",\"x\":1}"));
  CHECK_FALSE(cpc::pre::parse_cfrag_record(kr));
  CHECK_FALSE(cpc::pre::parse_kfrag_record(cr));
  auto th = kr;
  th.replace(th.find("\"threshold\":2"), 13, "\"threshold\":\"2\"");
  CHECK(cpc::pre::parse_kfrag_record(th).status().code() == cpc::Code::kBadInput);
  auto zero = kr;
  zero.replace(zero.find("\"threshold\":2"), 13, "\"threshold\":0");
  CHECK_FALSE(cpc::pre::parse_kfrag_record(zero));
  CHECK_FALSE(cpc::pre::parse_kfrag_record("not json"));
  // The identity is never a valid point.
  auto ident = cr;
  ident.replace(ident.find("\"v1\":\"") + 6, 64, std::string(64, '0'));
  CHECK_FALSE(cpc::pre::parse_cfrag_record(ident));
}

TEST_CASE("the second generator U is pinned", "[pre]") {
  // crypto.md §5: U = from_hash(H("cpc/pre-u/v1";)); a change here breaks every kfrag.
  auto u = cpc::pre::generator_u();
  auto again = cpc::group::Point::from_hash(cpc::group::hash_wide("cpc/pre-u/v1", {}));
  CHECK(u == again);
  CHECK(cpc::hex::encode(u.bytes()) ==
        "f68bac631d6c881b535620a41cd6e89b07a59c71d1a78a0b8e9aa98248840504");
  CHECK_FALSE(u == cpc::group::Point::base_mul(cpc::group::Scalar::from_u64(1)));
}

// A cheating proxy that gets exactly one of the three Chaum–Pedersen equations wrong (a
// different nonce for one base) with a correct challenge: verify_cfrag checks the three at
// once with random weights (crypto.md §5.2), and must still refuse every such cfrag.
TEST_CASE("a proof with one false equation is refused", "[pre]") {
  using cpc::group::Scalar;
  using cpc::group::view;
  Grant g(2, 3);
  const KeyFragment& k = g.kfrags[0];
  const auto& u = cpc::pre::generator_u();
  for (int which = 0; which < 4; ++which) {
    for (int trial = 0; trial < 10; ++trial) {
      CAPTURE(which, trial);
      CapsuleFragment f = g.cfrags[0];
      Scalar tau = Scalar::random(), other = Scalar::random();
      f.e2 = g.capsule.e.mul(which == 0 ? other : tau).value();
      f.v2 = g.capsule.v.mul(which == 1 ? other : tau).value();
      f.u2 = u.mul(which == 2 ? other : tau).value();
      Scalar h = cpc::group::hash_to_scalar(
          "cpc/cfrag-proof/v1", {view(g.capsule.e.bytes()), view(f.e1.bytes()), view(f.e2.bytes()),
                                 view(g.capsule.v.bytes()), view(f.v1.bytes()), view(f.v2.bytes()),
                                 view(u.bytes()), view(f.commitment.bytes()), view(f.u2.bytes())});
      f.z = tau + h * k.rk;
      auto s = cpc::pre::verify_cfrag(f, g.capsule, g.owner.public_key(),
                                      g.grantee.public_key().encrypt);
      if (which == 3) {  // the honest proof, recomputed the same way, verifies
        CHECK(s);
        CHECK(g.open({f, g.cfrags[1]}).value() == g.key);
      } else {
        CHECK_FALSE(s);
        CHECK_FALSE(g.open({f, g.cfrags[1]}));
        CHECK_FALSE(g.open({g.cfrags[1], f}));
      }
    }
  }
}
