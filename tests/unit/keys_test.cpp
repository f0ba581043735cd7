// SPDX-License-Identifier: Apache-2.0
// Identities and key records: round trips, passphrase protection, corruption detection.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cpc/crypto/keys.hpp"

using namespace cpc;

namespace {
SecretBytes pass(std::string_view s) {
  SecretBytes b = SecretBytes::allocate(s.size()).value();
  std::copy(s.begin(), s.end(), b.data());
  return b;
}
keys::PassphraseSource give(std::string_view s) {
  return [s] { return Result<SecretBytes>(pass(s)); };
}
}  // namespace

TEST_CASE("secret key record round trip", "[keys]") {
  auto sk = keys::SecretKey::generate().value();
  std::string rec = keys::secret_key_record(sk, nullptr).value();
  auto back = keys::parse_secret_key(rec, nullptr);
  REQUIRE(back);
  CHECK(back->public_key().id() == sk.public_key().id());
  CHECK(back->public_key().encrypt == sk.public_key().encrypt);
  CHECK(back->encrypt_scalar() == sk.encrypt_scalar());
  auto pk = keys::parse_public_key(rec);
  REQUIRE(pk);
  CHECK(pk->id() == sk.public_key().id());
  auto pub = keys::parse_public_key(keys::public_key_record(sk.public_key()));
  REQUIRE(pub);
  CHECK(pub->sign == sk.public_key().sign);
  CHECK(sk.public_key().id().size() == 16);
}

TEST_CASE("passphrase-protected secret keys", "[keys]") {
  auto sk = keys::SecretKey::generate().value();
  SecretBytes p = pass("correct horse");
  keys::KdfParams fast{1, 8 << 20};
  std::string rec = keys::secret_key_record(sk, &p, fast).value();
  CHECK(keys::is_protected(rec));
  CHECK(rec.find("\"seed\"") == std::string::npos);
  auto ok = keys::parse_secret_key(rec, give("correct horse"));
  REQUIRE(ok);
  CHECK(ok->encrypt_scalar() == sk.encrypt_scalar());
  auto wrong = keys::parse_secret_key(rec, give("battery staple"));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.status().code() == Code::kRefused);
  auto none = keys::parse_secret_key(rec, nullptr);
  CHECK(none.status().code() == Code::kBadInput);
  // The public half is readable without the passphrase.
  CHECK(keys::parse_public_key(rec));
}

TEST_CASE("corrupt key records are refused", "[keys]") {
  auto sk = keys::SecretKey::generate().value();
  auto other = keys::SecretKey::generate().value();
  std::string rec = keys::secret_key_record(sk, nullptr).value();
  std::string other_pub = keys::public_key_record(other.public_key());
  // Swap in another identity's public keys: the secret no longer matches.
  auto j = nlohmann::json::parse(rec);
  auto o = nlohmann::json::parse(other_pub);
  j["sign"] = o["sign"];
  j["encrypt"] = o["encrypt"];
  j["id"] = o["id"];
  auto r = keys::parse_secret_key(j.dump(), nullptr);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kBadInput);
  // Bad id, bad hex, non-canonical scalar, identity point.
  auto j2 = nlohmann::json::parse(rec);
  j2["id"] = "0000000000000000";
  CHECK_FALSE(keys::parse_secret_key(j2.dump(), nullptr));
  auto j3 = nlohmann::json::parse(rec);
  j3["scalar"] = std::string(64, 'f');
  CHECK_FALSE(keys::parse_secret_key(j3.dump(), nullptr));
  auto j4 = nlohmann::json::parse(other_pub);
  j4["encrypt"] = std::string(64, '0');
  j4.erase("id");
  CHECK_FALSE(keys::parse_public_key(j4.dump()));
  CHECK_FALSE(keys::parse_public_key("not json"));
  CHECK_FALSE(keys::parse_public_key(R"({"type":"cpc/signed"})"));
}
