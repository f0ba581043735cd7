// SPDX-License-Identifier: Apache-2.0
// Idle heights (consensus.md §6.3.1) in the simulated network of chain_sim.hpp: an idle
// chain makes block 1 and then only the heartbeat's empty blocks, without rounds or votes;
// a transaction makes a block promptly, also when only one validator that is not the
// proposer holds it; a restart keeps the heartbeat's phase; a validator that missed blocks
// catches up while the others wait.
#include <catch2/catch.hpp>

#include "chain_sim.hpp"

using namespace cpc;
using namespace cpc::chain;
using cpc::chain::testing::Sim;

namespace {

constexpr std::uint64_t kBeat = 20'000;  // the heartbeat of these tests

Tx transfer(const Sim& sim, const keys::SecretKey& from, const keys::SecretKey& to,
            std::uint64_t nonce) {
  Tx t;
  t.chain = sim.genesis.chain;
  t.nonce = nonce;
  t.op = Op::kTransfer;
  t.to = to.public_key().sign;
  t.amount = 1;
  sign_tx(t, from);
  return t;
}

std::uint64_t max_height(const Sim& sim) {
  std::uint64_t h = 0;
  for (const auto& n : sim.nodes) h = std::max(h, n->cs->height());
  return h;
}

// How long (simulated ms) until every node that is up has committed `tx`; 0 if not within
// `limit`.
std::uint64_t time_to_commit(Sim& sim, const Tx& tx, std::uint64_t limit) {
  const std::uint64_t t0 = sim.now;
  auto all = [&] {
    for (const auto& n : sim.nodes) {
      if (n->up && !n->cs->locate_tx(tx_id(tx))) return false;
    }
    return true;
  };
  sim.run_for(limit, all);
  return all() ? std::max<std::uint64_t>(sim.now - t0, 1) : 0;
}

}  // namespace

TEST_CASE("an idle single validator makes block 1, then only heartbeats, and a tx commits at once",
          "[chain][consensus][idle]") {
  std::vector<keys::SecretKey> users;
  users.push_back(keys::SecretKey::generate().value());
  users.push_back(keys::SecretKey::generate().value());
  Sim sim(1, 3, &users, kBeat);
  sim.start();
  sim.run_for(2'000);
  REQUIRE(sim.nodes[0]->cs->height() == 1);  // block 1 at once
  const std::uint64_t t1 = sim.nodes[0]->cs->head_time();
  // Idle: nothing until the heartbeat, and no rounds while waiting.
  sim.run_for(t1 + kBeat - 500 - sim.now);
  CHECK(sim.nodes[0]->cs->height() == 1);
  CHECK(sim.nodes[0]->engine->round() == 0);
  CHECK(sim.nodes[0]->engine->step() == Step::kCommitWait);
  // The heartbeat: one empty block, kBeat after block 1.
  sim.run_for(1'500);
  REQUIRE(sim.nodes[0]->cs->height() == 2);
  const auto hb = sim.nodes[0]->cs->block_at(2).value();
  CHECK(hb.block.txs.empty());
  CHECK(hb.block.header.time_ms >= t1 + kBeat);
  CHECK(hb.block.header.time_ms <= t1 + kBeat + 200);
  // A transaction: committed within a few hundred ms, not at the next heartbeat.
  sim.run_for(3'000);
  Tx t = transfer(sim, users[0], users[1], 0);
  REQUIRE(sim.nodes[0]->mempool->add(t));
  const std::uint64_t took = time_to_commit(sim, t, 5'000);
  CHECK(took > 0);
  CHECK(took <= 500);
  CHECK(sim.nodes[0]->cs->height() == 3);
  // A restart keeps the heartbeat's phase: no extra block, the next one kBeat after the last.
  const std::uint64_t t3 = sim.nodes[0]->cs->head_time();
  sim.run_for(2'000);
  sim.restart(0);
  sim.run_for(t3 + kBeat - 500 - sim.now);
  CHECK(sim.nodes[0]->cs->height() == 3);
  sim.run_for(1'500);
  CHECK(sim.nodes[0]->cs->height() == 4);
}

TEST_CASE("4 idle validators wait without votes, and a tx at any one validator commits promptly",
          "[chain][consensus][idle]") {
  std::vector<keys::SecretKey> users;
  users.push_back(keys::SecretKey::generate().value());
  users.push_back(keys::SecretKey::generate().value());
  Sim sim(4, 21, &users, kBeat);
  sim.delay_max = 150;
  sim.start();
  sim.run_for(3'000);
  REQUIRE(sim.min_height() == 1);
  sim.run_for(kBeat / 2);
  CHECK(max_height(sim) == 1);
  for (const auto& n : sim.nodes) {
    CHECK(n->engine->round() == 0);
    CHECK(n->engine->step() == Step::kCommitWait);
  }

  // A transaction relayed to every mempool, as the node's gossip does: a block at once.
  std::uint64_t nonce = 0;
  Tx t = transfer(sim, users[0], users[1], nonce++);
  for (auto& n : sim.nodes) REQUIRE(n->mempool->add(t));
  std::uint64_t took = time_to_commit(sim, t, 10'000);
  CHECK(took > 0);
  CHECK(took <= 1'500);

  // Held by one validator only, not the proposer of the next height (the relay to the
  // others was lost): its round starts the others (rule 5), whose proposers make empty
  // blocks until the holder's turn to propose comes (2 to 7 heights over 20 seeds).
  sim.run_for(2'000);
  const PubKey proposer = sim.nodes[0]->cs->proposer(0);
  std::size_t holder = 0;
  while (sim.keys[holder].public_key().sign == proposer) ++holder;
  t = transfer(sim, users[0], users[1], nonce++);
  REQUIRE(sim.nodes[holder]->mempool->add(t));
  took = time_to_commit(sim, t, 20'000);
  CHECK(took > 0);
  CHECK(took <= 15'000);
  for (const auto& n : sim.nodes)
    CHECK(n->cs->account(users[1].public_key().sign).balance == 1'000'002);

  // Then idle again: the rest of the cluster's mempools still hold nothing, the heartbeat
  // comes once per kBeat, at every node alike.
  sim.run_for(3'000);
  const std::uint64_t head_time = sim.nodes[0]->cs->head_time();
  const std::uint64_t settled = max_height(sim);
  CHECK(sim.min_height() == settled);
  sim.run_for(head_time + kBeat - 500 - sim.now);
  CHECK(max_height(sim) == settled);
  sim.run_for(3'000);
  CHECK(sim.min_height() == settled + 1);
  CHECK(max_height(sim) == settled + 1);
}

TEST_CASE("a validator that missed blocks catches up while the others wait idle",
          "[chain][consensus][idle]") {
  std::vector<keys::SecretKey> users;
  users.push_back(keys::SecretKey::generate().value());
  users.push_back(keys::SecretKey::generate().value());
  Sim sim(4, 5, &users, kBeat);
  sim.nodes[3]->up = false;
  sim.start();
  sim.run_for(3'000);
  for (std::uint64_t i = 0; i < 3; ++i) {
    Tx t = transfer(sim, users[0], users[1], i);
    for (std::size_t j = 0; j < 3; ++j) REQUIRE(sim.nodes[j]->mempool->add(t));
    REQUIRE(time_to_commit(sim, t, 10'000) > 0);
  }
  const std::uint64_t h = sim.nodes[0]->cs->height();
  REQUIRE(h >= 4);
  REQUIRE(sim.nodes[3]->cs->height() < h);
  sim.nodes[3]->up = true;
  // Well before the heartbeat: the idle validators' rebroadcast brings it up to date.
  sim.run_for(kBeat / 4);
  CHECK(sim.nodes[3]->cs->height() == h);
  CHECK(max_height(sim) == h);
}

TEST_CASE("with 1 of 4 silent and idle heights, transactions and heartbeats still commit",
          "[chain][consensus][idle]") {
  std::vector<keys::SecretKey> users;
  users.push_back(keys::SecretKey::generate().value());
  users.push_back(keys::SecretKey::generate().value());
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    Sim sim(4, seed, &users, kBeat);
    sim.nodes[seed % 4]->up = false;  // a different validator silent each time
    sim.start();
    sim.run_for(3'000);
    for (std::uint64_t i = 0; i < 4; ++i) {
      Tx t = transfer(sim, users[0], users[1], i);
      for (auto& n : sim.nodes) {
        if (n->up) REQUIRE(n->mempool->add(t));
      }
      // The silent validator's turns to propose time out: a round or two more.
      const std::uint64_t took = time_to_commit(sim, t, 20'000);
      CHECK(took > 0);
      CHECK(took <= 6'000);
    }
    const std::uint64_t h = sim.min_height();
    sim.run_for(2 * kBeat + 3'000);  // idle: two heartbeats, no more
    CHECK(sim.min_height() >= h + 1);
    CHECK(max_height(sim) <= h + 3);
  }
}
