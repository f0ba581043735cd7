// SPDX-License-Identifier: Apache-2.0
// Known-answer tests from files under tests/vectors: RFC 8032 Ed25519, and the Wycheproof
// Ed25519 and XChaCha20-Poly1305 suites (each test declares its expected result).
#include <sodium.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/keys.hpp"

using nlohmann::json;

namespace {

json load(const std::string& name) {
  std::ifstream in(std::string(CPC_VECTORS_DIR) + "/" + name);
  REQUIRE(in.good());
  return json::parse(in);
}

cpc::Bytes unhex(const std::string& s) {
  return cpc::hex::decode(s).value();
}

}  // namespace

TEST_CASE("RFC 8032 Ed25519 vectors", "[vectors][ed25519]") {
  json v = load("rfc8032_ed25519.json");
  for (const auto& t : v["tests"]) {
    INFO(t["name"].get<std::string>());
    cpc::Bytes seed = unhex(t["secret"]);
    // Through cpc's own key type: the public half must match the RFC's.
    auto sk = cpc::keys::SecretKey::from_secrets(seed, cpc::group::Scalar::from_u64(7).bytes());
    REQUIRE(sk);
    CHECK(cpc::hex::encode(sk->public_key().sign) == t["public"].get<std::string>());
    cpc::Bytes msg = unhex(t["message"]);
    std::uint8_t sig[64];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), sk->ed25519_secret());
    CHECK(cpc::hex::encode(cpc::ByteView(sig, 64)) == t["signature"].get<std::string>());
    CHECK(crypto_sign_verify_detached(sig, msg.data(), msg.size(), sk->public_key().sign.data()) ==
          0);
  }
}

TEST_CASE("Wycheproof Ed25519", "[vectors][ed25519]") {
  json v = load("wycheproof_ed25519_test.json");
  int run = 0;
  for (const auto& g : v["testGroups"]) {
    cpc::Bytes pk = unhex(g["publicKey"]["pk"]);
    for (const auto& t : g["tests"]) {
      INFO("tcId " << t["tcId"].get<int>() << " " << t["comment"].get<std::string>());
      cpc::Bytes msg = unhex(t["msg"]);
      auto sig = cpc::hex::decode(t["sig"].get<std::string>());
      bool ok = sig && sig->size() == 64 && pk.size() == 32 &&
                crypto_sign_verify_detached(sig->data(), msg.data(), msg.size(), pk.data()) == 0;
      std::string expect = t["result"];
      if (expect == "valid") CHECK(ok);
      if (expect == "invalid") CHECK_FALSE(ok);
      ++run;
    }
  }
  CHECK(run == v["numberOfTests"].get<int>());
}

TEST_CASE("Wycheproof XChaCha20-Poly1305", "[vectors][xchacha20poly1305]") {
  json v = load("wycheproof_xchacha20_poly1305_test.json");
  int run = 0;
  for (const auto& g : v["testGroups"]) {
    for (const auto& t : g["tests"]) {
      INFO("tcId " << t["tcId"].get<int>() << " " << t["comment"].get<std::string>());
      cpc::Bytes key = unhex(t["key"]), iv = unhex(t["iv"]), aad = unhex(t["aad"]);
      cpc::Bytes msg = unhex(t["msg"]), ct = unhex(t["ct"]), tag = unhex(t["tag"]);
      std::string expect = t["result"];
      ++run;
      bool shape_ok = key.size() == crypto_aead_xchacha20poly1305_ietf_KEYBYTES &&
                      iv.size() == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES &&
                      tag.size() == crypto_aead_xchacha20poly1305_ietf_ABYTES;
      if (!shape_ok) {
        CHECK(expect == "invalid");  // libsodium's API cannot even express these
        continue;
      }
      cpc::Bytes sealed = ct;
      sealed.insert(sealed.end(), tag.begin(), tag.end());
      cpc::Bytes out(ct.size());
      bool opened = crypto_aead_xchacha20poly1305_ietf_decrypt(
                        out.data(), nullptr, nullptr, sealed.data(), sealed.size(), aad.data(),
                        aad.size(), iv.data(), key.data()) == 0;
      if (expect == "valid") {
        REQUIRE(opened);
        CHECK(out == msg);
        cpc::Bytes again(msg.size() + tag.size());
        crypto_aead_xchacha20poly1305_ietf_encrypt(again.data(), nullptr, msg.data(), msg.size(),
                                                   aad.data(), aad.size(), nullptr, iv.data(),
                                                   key.data());
        CHECK(again == sealed);
      } else if (expect == "invalid") {
        CHECK_FALSE(opened);
      }
    }
  }
  CHECK(run == v["numberOfTests"].get<int>());
}
