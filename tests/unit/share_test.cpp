// SPDX-License-Identifier: Apache-2.0
// The wire records of sharing (cpc/wire/share.hpp): re-encryption requests (signature, strict
// parsing), responses, proxy and grant lists, and kfrags sealed to a proxy's node key.
#include <catch2/catch.hpp>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "share_fixture.hpp"

using namespace cpc;
using cpc::testing::kNow;
using cpc::testing::ShareFixture;

namespace {
constexpr const char* kCid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
}

TEST_CASE("share: requests round trip, verify, and parse strictly", "[share]") {
  auto sk = keys::SecretKey::generate().value();
  auto r = share::make_request(chain::Hash{1}, kCid, sk, kNow);
  CHECK(share::verify_request(r));
  const std::string rec = share::request_record(r);
  CHECK(rec.size() < share::kMaxRequestBytes);
  auto back = share::parse_request(rec);
  REQUIRE(back);
  CHECK(share::request_record(*back) == rec);
  CHECK(share::verify_request(*back));
  // Two requests never share a nonce.
  CHECK(share::make_request(chain::Hash{1}, kCid, sk, kNow).nonce != r.nonce);
  // Every signed member counts.
  auto m = r;
  m.time_ms += 1;
  CHECK_FALSE(share::verify_request(m));
  m = r;
  m.cid = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
  CHECK_FALSE(share::verify_request(m));
  m = r;
  m.grant[0] ^= 1;
  CHECK_FALSE(share::verify_request(m));

  auto v = *json::parse(rec);
  auto bad = [](const json::Value& j) {
    INFO(j.dump());
    CHECK(share::parse_request(json::canonicalize(j)).status().code() == Code::kBadInput);
  };
  for (const char* member : {"type", "grant", "cid", "requester", "time", "nonce", "sig"}) {
    json::Value j = v;
    j.erase(member);
    bad(j);
  }
  json::Value j = v;
  j["extra"] = true;
  bad(j);
  j = v;
  j["nonce"] = "00";
  bad(j);
  j = v;
  j["time"] = 1.5;
  bad(j);
  j = v;
  j["time"] = "1";
  bad(j);
  j = v;
  j["cid"] = "BAFKREIGH2AKISCAILDCQABSYG3DFR6CHU3FGPREGIYMSCK7E7AQA4S52ZY";
  bad(j);
  CHECK(share::parse_request("[]").status().code() == Code::kBadInput);
  CHECK(share::parse_request(std::string(5000, ' ')).status().code() == Code::kBadInput);
}

TEST_CASE("share: responses carry cfrag records", "[share]") {
  ShareFixture f(1, 1);
  capsule::Key k{};
  auto c = capsule::encapsulate(f.owner.public_key().encrypt, k);
  auto cf = pre::reencapsulate(c, f.kfrags[0]);
  REQUIRE(cf);
  const std::string rec = share::response_record({*cf, *cf});
  auto back = share::parse_response(rec);
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK(pre::cfrag_record((*back)[1]) == pre::cfrag_record(*cf));
  CHECK_FALSE(share::parse_response(R"({"type":"cpc/reencrypt-response","cfrags":[]})"));
  CHECK_FALSE(share::parse_response(R"({"type":"cpc/reencrypt-response","cfrags":["x"]})"));
  CHECK_FALSE(share::parse_response(R"({"type":"cpc/other","cfrags":[]})"));
}

TEST_CASE("share: a kfrag sealed to a proxy opens only with its node key", "[share]") {
  ShareFixture f(2, 3);
  const std::string& sealed = f.grant.proxies[1].kfrag;
  CHECK(sealed.size() <= chain::kMaxKfragChars);
  auto k = share::open_kfrag(sealed, f.proxies[1]);
  REQUIRE(k);
  CHECK(pre::kfrag_record(*k) == pre::kfrag_record(f.kfrags[1]));
  auto wrong = share::open_kfrag(sealed, f.proxies[0]);
  CHECK(wrong.status().code() == Code::kRefused);
  CHECK(share::open_kfrag("%%%", f.proxies[1]).status().code() == Code::kBadInput);
  // A modified ciphertext does not authenticate.
  auto bytes = base64::decode(sealed);
  REQUIRE(bytes);
  (*bytes)[bytes->size() - 10] ^= 1;
  CHECK_FALSE(share::open_kfrag(base64::encode(*bytes), f.proxies[1]));
  // Only the canonical record opens (a reordered or re-spaced one is malformed).
  auto rec = *json::parse(pre::kfrag_record(f.kfrags[1]));
  std::string spaced = rec.dump(1);
  seal::Sealer s(f.proxies[1].public_key(), 65536);
  std::string stream = s.header().record() + "\n";
  s.seal_chunk(as_bytes(spaced), true, stream);
  CHECK(share::open_kfrag(base64::encode(as_bytes(stream)), f.proxies[1]).status().code() ==
        Code::kBadInput);
}

TEST_CASE("share: proxy lists are checked, grant lists round trip", "[share]") {
  ShareFixture f(1, 2);
  std::vector<share::ProxyEntry> list;
  for (std::size_t i = 0; i < 2; ++i) {
    list.push_back(
        {f.node_id(i), "http://127.0.0.1:" + std::to_string(7400 + i), f.proxies[i].public_key()});
  }
  auto back = share::parse_proxies(share::proxies_record(list));
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK(back->at(1).url == "http://127.0.0.1:7401");
  CHECK(back->at(1).key.encrypt == f.proxies[1].public_key().encrypt);
  auto twice = list;
  twice[1] = twice[0];
  CHECK(share::parse_proxies(share::proxies_record(twice)).status().message().find("twice") !=
        std::string::npos);
  auto liar = list;
  liar[1].id = f.node_id(0);
  liar[1].key = f.proxies[1].public_key();
  CHECK_FALSE(share::parse_proxies(share::proxies_record(liar)));

  share::GrantEntry g;
  g.id = chain::Hash{9};
  g.owner = f.owner.public_key().sign;
  g.owner_key = f.owner.public_key().encrypt.bytes();
  g.grantee = f.grantee.public_key().sign;
  g.threshold = 1;
  g.expires = 100;
  g.height = 3;
  g.proxies = {{f.node_id(0), "http://127.0.0.1:7400"}, {f.node_id(1), ""}};
  const std::string rec = share::grants_record(g.grantee, kCid, 7, {g});
  CHECK(rec.find("\"url\":null") != std::string::npos);
  auto gs = share::parse_grants(rec);
  REQUIRE(gs);
  REQUIRE(gs->size() == 1);
  CHECK(gs->at(0).id == g.id);
  CHECK(gs->at(0).cid.empty());
  CHECK(gs->at(0).owner_key == g.owner_key);
  CHECK(gs->at(0).proxies.at(1).url.empty());
  CHECK(share::grants_record(g.grantee, kCid, 7, *gs) == rec);
}
