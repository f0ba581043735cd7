// SPDX-License-Identifier: Apache-2.0
// node.register (docs/consensus.md §2, §5.1; docs/peer-auth.md §6): the record round trips
// and is refused when malformed (a URL that is not one, a key that is not a point); applied,
// it writes n/<node id> with the sender's key; a later registration replaces URL and key,
// an identical one and a replayed one are refused, a tampered one does not verify; the
// registration's inclusion proof verifies and the chain replays from genesis.
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"
#include "cpc/chain/verify.hpp"
#include "cpc/codec/hex.hpp"

using namespace cpc;
using namespace cpc::chain;
using cpc::chain::testing::TestChain;

namespace {

Tx node_register(const TestChain& c, std::size_t user, const std::string& url,
                 std::uint64_t off = 0) {
  Tx t = c.tx(user, Op::kNodeRegister, off);
  t.url = url;
  t.encrypt = c.users[user].public_key().encrypt.bytes();
  return c.signed_tx(user, t);
}

}  // namespace

TEST_CASE("node.register records round trip; malformed ones are kBadInput",
          "[chain][tx][node_record]") {
  TestChain c;
  Tx t = node_register(c, 0, "http://127.0.0.1:7400");
  const std::string rec = tx_record(t);
  CHECK(rec.find(R"("op":"node.register")") != std::string::npos);
  CHECK(rec.find(R"("url":"http://127.0.0.1:7400")") != std::string::npos);
  auto back = parse_tx(rec);
  REQUIRE(back);
  CHECK(tx_record(*back) == rec);
  CHECK(back->encrypt == t.encrypt);
  CHECK(verify_tx_signature(*back));

  auto bad = [&](const json::Value& j) {
    auto r = tx_from_json(j);
    INFO(j.dump());
    CHECK(r.status().code() == Code::kBadInput);
  };
  const json::Value v = tx_to_json(t);
  for (const char* url : {"ftp://127.0.0.1:1", "http://", "http://a b", "127.0.0.1:7400",
                          "http://a\"b", "http://a\\b"}) {
    json::Value j = v;
    j["body"]["url"] = url;
    bad(j);
  }
  json::Value j = v;
  j["body"]["url"] = "http://" + std::string(250, 'a');  // 257 bytes
  bad(j);
  j = v;
  j["body"]["encrypt"] = std::string(64, 'f');  // not a canonical ristretto255 encoding
  bad(j);
  j = v;
  j["body"].erase("encrypt");
  bad(j);
  j = v;
  j["body"]["cid"] = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
  bad(j);
  CHECK(valid_node_url("https://node.example:443"));
  CHECK(valid_node_url("http://" + std::string(249, 'a')));  // 256 bytes
  CHECK_FALSE(valid_node_url("http://" + std::string(250, 'a')));
}

TEST_CASE("node.register writes the record; a later one replaces it", "[chain][tx][node_record]") {
  TestChain c;
  const Hash id = node_id_of(c.user(0));
  CHECK_FALSE(c.cs->node(id));
  Tx first = node_register(c, 0, "http://127.0.0.1:7400");
  REQUIRE(c.commit_block({first}));
  auto rec = c.cs->node(id);
  REQUIRE(rec);
  CHECK(rec->sign == c.user(0));
  CHECK(rec->encrypt == c.users[0].public_key().encrypt.bytes());
  CHECK(rec->url == "http://127.0.0.1:7400");
  CHECK(rec->height == 1);
  CHECK(rec->tx == tx_id(first));
  CHECK_FALSE(c.cs->node(node_id_of(c.user(1))));  // only the sender's record

  // The same URL and key again: refused (it would only make a block).
  Tx same = node_register(c, 0, "http://127.0.0.1:7400");
  Status st = c.cs->check_tx(same);
  CHECK(st.code() == Code::kRefused);
  CHECK(st.message().find("already registered with this URL and key") != std::string::npos);

  // A new URL (the next nonce) replaces the record.
  Tx moved = node_register(c, 0, "http://127.0.0.1:7401");
  REQUIRE(c.commit_block({moved}));
  rec = c.cs->node(id);
  REQUIRE(rec);
  CHECK(rec->url == "http://127.0.0.1:7401");
  CHECK(rec->height == 2);
  CHECK(rec->tx == tx_id(moved));

  // The first registration replayed: its nonce is used; the record stays.
  st = c.cs->check_tx(first);
  CHECK(st.code() == Code::kRefused);
  CHECK(st.message().find("already used (replay)") != std::string::npos);

  // Two in one block apply in nonce order: the later one is the record.
  Tx a = node_register(c, 1, "http://10.0.0.1:1");
  Tx b = node_register(c, 1, "http://10.0.0.1:2", 1);
  REQUIRE(c.commit_block({a, b}));
  rec = c.cs->node(node_id_of(c.user(1)));
  REQUIRE(rec);
  CHECK(rec->url == "http://10.0.0.1:2");
  CHECK(rec->tx == tx_id(b));

  // The registration's proof verifies from the genesis alone, and the chain replays.
  auto proof = prove_tx(*c.cs, rec->tx);
  REQUIRE(proof);
  CHECK(verify_proof(*proof, c.genesis));
  CHECK(proof->tx.op == Op::kNodeRegister);
  CHECK(verify_chain(c.genesis, c.blocks));
}

TEST_CASE("node.register with a bad signature is refused, in a block too",
          "[chain][tx][node_record]") {
  TestChain c;
  Tx t = node_register(c, 0, "http://127.0.0.1:7400");
  t.url = "http://127.0.0.1:9999";  // changed after signing
  Status st = c.cs->check_tx(t);
  CHECK(st.code() == Code::kRefused);
  CHECK(st.message().find("signature does not verify") != std::string::npos);
  // Another key cannot register this node: the record is always the sender's own.
  Tx other = c.tx(1, Op::kNodeRegister);
  other.url = "http://127.0.0.1:7400";
  other.encrypt = c.users[0].public_key().encrypt.bytes();
  other = c.signed_tx(1, other);
  other.from = c.user(0);  // claims user 0's key, signed by user 1
  CHECK(c.cs->check_tx(other).code() == Code::kRefused);
  std::vector<Hash> skipped;
  REQUIRE(c.commit_block({t, other}, {}, &skipped));
  CHECK(skipped.size() == 2);
  CHECK_FALSE(c.cs->node(node_id_of(c.user(0))));
}
