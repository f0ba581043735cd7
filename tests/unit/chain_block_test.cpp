// SPDX-License-Identifier: Apache-2.0
// Blocks, proofs and verification: genesis records, RFC 6962 Merkle proofs (valid,
// tampered, wrong index), escrow release and refund, inclusion proofs checked offline
// from genesis, and apply_committed / verify_chain refusing a modified transaction, a
// missing signature and a certificate of too few validators.
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"
#include "cpc/chain/merkle.hpp"
#include "cpc/chain/verify.hpp"

using namespace cpc;
using namespace cpc::chain;
using cpc::chain::testing::certify;
using cpc::chain::testing::TestChain;

namespace {

constexpr const char* kCid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

Tx transfer(const TestChain& c, std::size_t from, std::size_t to, std::uint64_t amount,
            std::uint64_t off = 0) {
  Tx t = c.tx(from, Op::kTransfer, off);
  t.to = c.user(to);
  t.amount = amount;
  return c.signed_tx(from, t);
}

// A 4-validator chain with a few blocks of transfers.
TestChain small_chain() {
  TestChain c(4, 3);
  for (int b = 0; b < 3; ++b) {
    std::vector<Tx> txs;
    for (std::uint64_t i = 0; i < 5; ++i) txs.push_back(transfer(c, 0, 1, 1, i));
    if (!c.commit_block(txs)) throw std::runtime_error("commit");
  }
  return c;
}

}  // namespace

TEST_CASE("genesis records round trip and are strict", "[chain][genesis]") {
  TestChain c(2, 2);
  std::string rec = genesis_record(c.genesis);
  auto g = parse_genesis(rec);
  REQUIRE(g);
  CHECK(genesis_record(*g) == rec);
  CHECK(genesis_hash(*g) == c.cs->genesis_hash());
  CHECK(parse_genesis(
            R"({"type":"cpc/genesis","version":1,"chain":"x","time":0,"validators":[],"alloc":[]})")
            .status()
            .code() == Code::kBadInput);
  Genesis dup = c.genesis;
  dup.validators.push_back(dup.validators[0]);
  CHECK(parse_genesis(genesis_record(dup)).status().code() == Code::kBadInput);
  Genesis upper = c.genesis;
  upper.chain = "Bad Chain";
  CHECK(parse_genesis(genesis_record(upper)).status().code() == Code::kBadInput);
  // A store holding one chain refuses another genesis.
  Genesis other = c.genesis;
  other.chain = "other";
  CHECK(ChainState::open(other, c.store).status().code() == Code::kBadInput);
  // And reopening with the same genesis restores the head.
  REQUIRE(c.commit_block({}));
  auto again = ChainState::open(c.genesis, c.store);
  REQUIRE(again);
  CHECK((*again)->height() == 1);
  CHECK((*again)->state_root() == c.cs->state_root());
}

TEST_CASE("Merkle proofs: valid, tampered, wrong index", "[chain][merkle]") {
  for (std::size_t n : {1u, 2u, 3u, 5u, 8u, 13u}) {
    std::vector<Hash> leaves(n);
    for (std::size_t i = 0; i < n; ++i)
      leaves[i] = h32("leaf", {ByteView(reinterpret_cast<std::uint8_t*>(&i), sizeof i)});
    Hash root = merkle_root(leaves);
    for (std::size_t i = 0; i < n; ++i) {
      auto path = merkle_path(leaves, i);
      auto r = merkle_root_from_path(leaves[i], i, n, path);
      REQUIRE(r);
      CHECK(*r == root);
      if (!path.empty()) {
        auto tampered = path;
        tampered[0][5] ^= 1;
        auto t = merkle_root_from_path(leaves[i], i, n, tampered);
        CHECK((!t || *t != root));
      }
      if (n > 1) {
        std::size_t j = (i + 1) % n;
        auto w = merkle_root_from_path(leaves[i], j, n, path);
        CHECK((!w || *w != root));
      }
      CHECK_FALSE(merkle_root_from_path(leaves[i], n, n, path));
    }
  }
  // A leaf is never confused with an inner node (0x00 / 0x01 prefixes).
  std::vector<Hash> two{Hash{1}, Hash{2}};
  CHECK(merkle_root(two) != merkle_root(std::vector<Hash>{merkle_root(two)}));
}

TEST_CASE("escrowed purchase: released on grant, refunded after the deadline", "[chain][escrow]") {
  TestChain c(1, 3, 1000);
  Tx reg = c.tx(0, Op::kDataRegister);
  reg.cid = kCid;
  reg.size = 10;
  Tx offer = c.tx(0, Op::kDataOffer, 1);
  offer.cid = kCid;
  offer.price = 100;
  REQUIRE(c.commit_block({c.signed_tx(0, reg), c.signed_tx(0, offer)}));
  auto buy = [&](std::size_t who, std::uint64_t deadline) {
    Tx b = c.tx(who, Op::kDataBuy);
    b.cid = kCid;
    b.price = 100;
    b.deadline = deadline;
    return c.signed_tx(who, b);
  };
  SECTION("release") {
    Tx b = buy(1, c.cs->height() + 10);
    REQUIRE(c.commit_block({b}));
    CHECK(c.cs->account(c.user(1)).balance == 900);
    REQUIRE(c.cs->escrow(tx_id(b)));
    Tx g = c.tx(0, Op::kAccessGrant);
    g.cid = kCid;
    g.grantee = c.user(1);
    g.threshold = 1;
    g.proxies = {{Hash{9}, "kfrag"}};
    g.expires = 1000;
    REQUIRE(c.commit_block({c.signed_tx(0, g)}));
    CHECK(c.cs->account(c.user(0)).balance == 1100);
    CHECK_FALSE(c.cs->escrow(tx_id(b)));
    // Nothing is refunded later.
    for (int i = 0; i < 12; ++i) REQUIRE(c.commit_block({}));
    CHECK(c.cs->account(c.user(1)).balance == 900);
  }
  SECTION("a grant without CID releases no escrow") {
    Tx b = buy(1, c.cs->height() + 10);
    REQUIRE(c.commit_block({b}));
    Tx g = c.tx(0, Op::kAccessGrant);
    g.grantee = c.user(1);
    g.threshold = 1;
    g.proxies = {{Hash{9}, "kfrag"}};
    g.expires = 1000;
    REQUIRE(c.commit_block({c.signed_tx(0, g)}));
    CHECK(c.cs->account(c.user(0)).balance == 1000);
    CHECK(c.cs->escrow(tx_id(b)));
  }
  SECTION("refund") {
    Tx b = buy(2, c.cs->height() + 3);
    REQUIRE(c.commit_block({b}));
    std::uint64_t deadline = b.deadline;
    CHECK(c.cs->account(c.user(2)).balance == 900);
    while (c.cs->height() < deadline) REQUIRE(c.commit_block({}));
    CHECK(c.cs->account(c.user(2)).balance == 900);  // still in escrow at the deadline
    REQUIRE(c.commit_block({}));                     // block deadline + 1 refunds
    CHECK(c.cs->account(c.user(2)).balance == 1000);
    CHECK(c.cs->account(c.user(0)).balance == 1000);
    CHECK_FALSE(c.cs->escrow(tx_id(b)));
  }
}

TEST_CASE("inclusion proofs verify offline against genesis", "[chain][proof]") {
  TestChain c = small_chain();
  const CommittedBlock& cb = c.blocks[1];
  Hash id = tx_id(cb.block.txs[3]);
  auto p = prove_tx(*c.cs, id);
  REQUIRE(p);
  CHECK(verify_proof(*p, c.genesis));
  auto back = parse_proof(proof_record(*p));
  REQUIRE(back);
  CHECK(verify_proof(*back, c.genesis));

  TxProof bad = *p;
  bad.tx.amount += 1;  // another transaction
  CHECK(verify_proof(bad, c.genesis).code() == Code::kRefused);
  bad = *p;
  bad.index = 2;  // wrong index
  CHECK(verify_proof(bad, c.genesis).code() == Code::kRefused);
  bad = *p;
  bad.path[0][0] ^= 1;
  CHECK(verify_proof(bad, c.genesis).code() == Code::kRefused);
  bad = *p;
  bad.header.time_ms += 1;  // the certificate is for another header
  CHECK(verify_proof(bad, c.genesis).code() == Code::kRefused);
  bad = *p;
  bad.commit.precommits.resize(2);  // 2 of 4: below the quorum of 3
  CHECK(verify_proof(bad, c.genesis).code() == Code::kRefused);
  Genesis other = c.genesis;
  other.validators[0].key = keys::SecretKey::generate().value().public_key().sign;
  CHECK(verify_proof(*p, other).code() == Code::kRefused);
  CHECK(prove_tx(*c.cs, Hash{3}).status().code() == Code::kRefused);
}

TEST_CASE("verify_chain and apply_committed refuse tampered blocks", "[chain][verify]") {
  TestChain c = small_chain();
  CHECK(verify_chain(c.genesis, c.blocks));
  // An independent replay reaches the same state root.
  auto v = ChainVerifier::create(c.genesis);
  REQUIRE(v);
  for (const auto& cb : c.blocks) REQUIRE((*v)->add(cb));
  CHECK((*v)->state().state_root() == c.cs->state_root());

  auto refused = [&](std::vector<CommittedBlock> blocks, const std::string& reason) {
    Status st = verify_chain(c.genesis, blocks);
    INFO(st.message());
    CHECK(st.code() == Code::kRefused);
    CHECK(st.message().find(reason) != std::string::npos);
  };
  SECTION("a modified transaction") {
    auto blocks = c.blocks;
    blocks[1].block.txs[0].amount = 2;
    refused(blocks, "transaction root does not match");
    seal_body_roots(blocks[1].block);  // re-rooting changes the hash: the certificate fails
    refused(blocks, "certificate is for another block");
  }
  SECTION("a transaction with a missing signature, re-certified by the validators") {
    // Even a quorum of validators cannot commit a transaction its sender did not sign.
    TestChain d(4, 2);
    Tx t = d.tx(0, Op::kTransfer);
    t.to = d.user(1);
    t.amount = 1;  // never signed
    auto b = d.cs->build_block(d.proposer_key(0).public_key().sign, 0, d.cs->head_time() + 1,
                               std::vector<Tx>{}, {}, std::nullopt);
    REQUIRE(b);
    b->txs.push_back(t);
    seal_body_roots(*b);
    CommittedBlock cb{*b, certify(*b, 0, d.all_vals())};
    Status st = d.cs->apply_committed(cb);
    CHECK(st.code() == Code::kRefused);
    CHECK(st.message().find("signature does not verify") != std::string::npos);
    CHECK(d.cs->height() == 0);
  }
  SECTION("a certificate of too few validators") {
    auto blocks = c.blocks;
    blocks[2].commit.precommits.resize(2);
    refused(blocks, "< quorum");
  }
  SECTION("a certificate with a bad signature") {
    auto blocks = c.blocks;
    blocks[0].commit.precommits[1].sig[7] ^= 1;
    refused(blocks, "signature does not verify");
  }
  SECTION("a missing block breaks the hash link") {
    auto blocks = c.blocks;
    blocks.erase(blocks.begin() + 1);
    refused(blocks, "height");
  }
}

TEST_CASE("a failed store commit leaves the state unchanged", "[chain][state]") {
  TestChain c(1, 2);
  Hash root = c.cs->state_root();
  c.store.fail_next_commit = true;
  Status st = c.commit_block({transfer(c, 0, 1, 5)});
  CHECK(st.code() == Code::kIo);
  CHECK(c.cs->height() == 0);
  CHECK(c.cs->state_root() == root);
  CHECK(c.cs->account(c.user(0)).balance == 1000);
  REQUIRE(c.commit_block({transfer(c, 0, 1, 5)}));
  CHECK(c.cs->account(c.user(1)).balance == 1005);
}
