// SPDX-License-Identifier: Apache-2.0
// Transactions: record round trips, signatures, malformed records (kBadInput), and every
// refusal of consensus.md §2.1 with its reason (kRefused), checked both at admission
// (check_tx) and inside a block (execute refuses the block).
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"
#include "cpc/codec/hex.hpp"

using namespace cpc;
using namespace cpc::chain;
using cpc::chain::testing::TestChain;

namespace {

constexpr const char* kCid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

void refused_with(const TestChain& c, const Tx& tx, const std::string& reason) {
  Status st = c.cs->check_tx(tx);
  INFO(st.message());
  CHECK(st.code() == Code::kRefused);
  CHECK(st.message().find(reason) != std::string::npos);
}

Tx register_tx(const TestChain& c, std::size_t user, std::uint64_t off = 0) {
  Tx t = c.tx(user, Op::kDataRegister, off);
  t.cid = kCid;
  t.size = 1234;
  t.meta = {{"sensor", "t1"}};
  return c.signed_tx(user, t);
}

Tx grant_tx(const TestChain& c, std::size_t user, const PubKey& grantee, std::uint64_t off = 0) {
  Tx t = c.tx(user, Op::kAccessGrant, off);
  t.cid = kCid;
  t.grantee = grantee;
  t.threshold = 1;
  t.proxies = {{Hash{1}, "a2ZyYWc="}, {Hash{2}, "a2ZyYWc="}};
  t.expires = c.cs->height() + 100;
  return c.signed_tx(user, t);
}

}  // namespace

TEST_CASE("tx records round trip and verify", "[chain][tx]") {
  TestChain c;
  Tx t = c.tx(0, Op::kTransfer);
  t.to = c.user(1);
  t.amount = 5;
  t = c.signed_tx(0, t);
  CHECK(verify_tx_signature(t));
  std::string rec = tx_record(t);
  CHECK(rec.find(R"("op":"transfer")") != std::string::npos);
  auto back = parse_tx(rec);
  REQUIRE(back);
  CHECK(tx_record(*back) == rec);
  CHECK(tx_id(*back) == tx_id(t));
  Tx g = grant_tx(c, 0, c.user(1));
  auto gb = parse_tx(tx_record(g));
  REQUIRE(gb);
  CHECK(gb->proxies.size() == 2);
  CHECK(verify_tx_signature(*gb));
  // Any change to a signed field breaks the signature.
  Tx m = t;
  m.amount = 6;
  CHECK(verify_tx_signature(m).code() == Code::kRefused);
}

TEST_CASE("access.grant: optional cid and owner_key", "[chain][tx]") {
  TestChain c;
  const auto owner_key = c.users[0].public_key().encrypt.bytes();
  Tx g = c.tx(0, Op::kAccessGrant);
  g.grantee = c.user(1);
  g.threshold = 1;
  g.proxies = {{Hash{1}, "a2ZyYWc="}};
  g.expires = 100;
  g.owner_key = owner_key;
  g = c.signed_tx(0, g);
  const std::string rec = tx_record(g);
  CHECK(rec.find("\"cid\"") == std::string::npos);
  CHECK(rec.find("\"owner_key\":\"" + hex::encode(owner_key) + "\"") != std::string::npos);
  auto back = parse_tx(rec);
  REQUIRE(back);
  CHECK(back->cid.empty());
  REQUIRE(back->owner_key);
  CHECK(*back->owner_key == owner_key);
  CHECK(tx_record(*back) == rec);
  CHECK(verify_tx_signature(*back));
  // owner_key is signed: another key breaks the signature.
  Tx m = g;
  m.owner_key = c.users[1].public_key().encrypt.bytes();
  CHECK(verify_tx_signature(m).code() == Code::kRefused);

  // Malformed: an empty cid, an owner_key that is not a point or not hex.
  auto bad = [&](json::Value j) {
    auto r = tx_from_json(j);
    INFO(j.dump());
    CHECK(r.status().code() == Code::kBadInput);
  };
  json::Value j = tx_to_json(g);
  j["body"]["cid"] = "";
  bad(j);
  j = tx_to_json(g);
  j["body"]["owner_key"] = std::string(64, 'f');
  bad(j);
  j = tx_to_json(g);
  j["body"]["owner_key"] = "abcd";
  bad(j);
  j = tx_to_json(g);
  j["body"]["owner_key"] = 5;
  bad(j);

  // Without a CID the grant needs no registered data; it is recorded with its owner key,
  // listed for its grantee, and revocation removes it from the list.
  REQUIRE(c.commit_block({g}));
  auto stored = c.cs->grant(tx_id(g));
  REQUIRE(stored);
  CHECK(stored->cid.empty());
  REQUIRE(stored->owner_key);
  CHECK(*stored->owner_key == owner_key);
  Tx g2 = c.tx(0, Op::kAccessGrant);
  g2.cid = kCid;
  g2.grantee = c.user(1);
  g2.threshold = 1;
  g2.proxies = {{Hash{1}, "x"}};
  g2.expires = 100;
  refused_with(c, c.signed_tx(0, g2), "no such data");
  REQUIRE(c.commit_block({register_tx(c, 0)}));
  g2.nonce = c.cs->account(c.user(0)).nonce;
  g2 = c.signed_tx(0, g2);
  REQUIRE(c.commit_block({g2}));
  auto listed = c.cs->grants_to(c.user(1));
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].first < listed[1].first);
  CHECK(c.cs->grants_to(c.user(2)).empty());
  Tx r = c.tx(0, Op::kAccessRevoke);
  r.grant = tx_id(g);
  REQUIRE(c.commit_block({c.signed_tx(0, r)}));
  listed = c.cs->grants_to(c.user(1));
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].first == tx_id(g2));
  CHECK(listed[0].second.cid == kCid);
  CHECK_FALSE(listed[0].second.owner_key);
}

TEST_CASE("malformed transactions are kBadInput", "[chain][tx]") {
  TestChain c;
  Tx t = c.signed_tx(0, [&] {
    Tx x = c.tx(0, Op::kTransfer);
    x.to = c.user(1);
    x.amount = 5;
    return x;
  }());
  auto v = tx_to_json(t);
  auto bad = [&](json::Value j) { CHECK(tx_from_json(j).status().code() == Code::kBadInput); };
  json::Value j = v;
  j["extra"] = 1;
  bad(j);
  j = v;
  j.erase("nonce");
  bad(j);
  j = v;
  j["body"]["amount"] = 0;
  bad(j);
  j = v;
  j["op"] = "mint";
  bad(j);
  j = v;
  j["from"] = "ABCD";
  bad(j);
  j = v;
  j["nonce"] = -1;
  bad(j);
  Tx r = register_tx(c, 0);
  j = tx_to_json(r);
  j["body"]["cid"] = "Qmnotacidv1";
  bad(j);
  Tx g = grant_tx(c, 0, c.user(1));
  j = tx_to_json(g);
  j["body"]["threshold"] = 3;
  bad(j);
  j = tx_to_json(g);
  j["body"]["proxies"][1]["node"] = j["body"]["proxies"][0]["node"];
  bad(j);
  CHECK(parse_tx("{\"type\":\"cpc/tx\"").status().code() == Code::kBadInput);
}

TEST_CASE("bad transactions are refused with their reason", "[chain][tx]") {
  TestChain c(1, 3, 1000);
  SECTION("bad signature") {
    Tx t = c.tx(0, Op::kTransfer);
    t.to = c.user(1);
    t.amount = 5;
    t = c.signed_tx(0, t);
    t.sig[0] ^= 1;
    refused_with(c, t, "signature does not verify");
  }
  SECTION("wrong chain id") {
    Tx t = c.tx(0, Op::kTransfer);
    t.chain = "other-chain";
    t.to = c.user(1);
    t.amount = 5;
    refused_with(c, c.signed_tx(0, t), "wrong chain id");
  }
  SECTION("replayed and out-of-order nonces") {
    Tx t = c.tx(0, Op::kTransfer);
    t.to = c.user(1);
    t.amount = 5;
    t = c.signed_tx(0, t);
    REQUIRE(c.commit_block({t}));
    refused_with(c, t, "already used (replay)");
    Tx gap = c.tx(0, Op::kTransfer, 1);
    gap.to = c.user(1);
    gap.amount = 1;
    refused_with(c, c.signed_tx(0, gap), "out of order; expected 1");
  }
  SECTION("overspending") {
    Tx t = c.tx(0, Op::kTransfer);
    t.to = c.user(1);
    t.amount = 1001;
    refused_with(c, c.signed_tx(0, t), "insufficient balance");
  }
  SECTION("registering a CID twice") {
    REQUIRE(c.commit_block({register_tx(c, 0)}));
    refused_with(c, register_tx(c, 1), "CID already registered");
  }
  SECTION("granting data one does not own") {
    REQUIRE(c.commit_block({register_tx(c, 0)}));
    refused_with(c, grant_tx(c, 1, c.user(2)), "not the owner");
    Tx t = c.tx(1, Op::kAccessGrant);
    t.cid = "bafkreiaaaaaaaaaaaaaaaaaaaaaa";
    t.grantee = c.user(2);
    t.threshold = 1;
    t.proxies = {{Hash{1}, "x"}};
    t.expires = 50;
    refused_with(c, c.signed_tx(1, t), "no such data");
  }
  SECTION("revoking someone else's grant, and an unknown grant") {
    Tx g = grant_tx(c, 0, c.user(1), 1);
    REQUIRE(c.commit_block({register_tx(c, 0), g}));
    Tx r = c.tx(1, Op::kAccessRevoke);
    r.grant = tx_id(g);
    refused_with(c, c.signed_tx(1, r), "not the owner of the grant");
    Tx u = c.tx(0, Op::kAccessRevoke);
    u.grant = Hash{7};
    refused_with(c, c.signed_tx(0, u), "no such grant");
    CHECK(c.cs->grant_live(tx_id(g)));
    Tx ok = c.tx(0, Op::kAccessRevoke);
    ok.grant = tx_id(g);
    REQUIRE(c.commit_block({c.signed_tx(0, ok)}));
    CHECK_FALSE(c.cs->grant_live(tx_id(g)));
  }
  SECTION("buying one's own data, data not for sale, wrong price") {
    Tx offer = c.tx(0, Op::kDataOffer, 1);
    offer.cid = kCid;
    offer.price = 100;
    Tx buy = c.tx(1, Op::kDataBuy);
    buy.cid = kCid;
    buy.price = 100;
    buy.deadline = 10;
    refused_with(c, c.signed_tx(1, buy), "data not for sale");
    REQUIRE(c.commit_block({register_tx(c, 0)}));
    refused_with(c, c.signed_tx(1, buy), "data not for sale");
    offer.nonce = c.cs->account(c.user(0)).nonce;
    REQUIRE(c.commit_block({c.signed_tx(0, offer)}));
    Tx own = c.tx(0, Op::kDataBuy);
    own.cid = kCid;
    own.price = 100;
    own.deadline = 10;
    refused_with(c, c.signed_tx(0, own), "cannot buy one's own data");
    buy.price = 99;
    refused_with(c, c.signed_tx(1, buy), "price differs from the offer");
  }
}

TEST_CASE("a block containing a refused transaction is refused", "[chain][tx]") {
  TestChain c;
  Tx good = c.tx(0, Op::kTransfer);
  good.to = c.user(1);
  good.amount = 5;
  good = c.signed_tx(0, good);
  Tx over = c.tx(1, Op::kTransfer);
  over.to = c.user(0);
  over.amount = 5000;
  over = c.signed_tx(1, over);
  std::vector<Hash> skipped;
  auto b = c.cs->build_block(c.vals[0].public_key().sign, 0, c.cs->head_time() + 1,
                             std::vector<Tx>{good, over}, {}, std::nullopt, {}, &skipped);
  REQUIRE(b);
  CHECK(b->txs.size() == 1);
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0] == tx_id(over));
  b->txs.push_back(over);
  seal_body_roots(*b);
  auto ex = c.cs->execute(*b);
  REQUIRE_FALSE(ex);
  CHECK(ex.status().code() == Code::kRefused);
  CHECK(ex.status().message().find("tx 1") != std::string::npos);
  CHECK(ex.status().message().find("insufficient balance") != std::string::npos);
}
