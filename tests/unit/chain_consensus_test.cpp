// SPDX-License-Identifier: Apache-2.0
// The consensus engine in a simulated network (chain_sim.hpp): a single validator commits
// alone; 4 validators commit with delays and reordering, with one silent, stall with two
// silent and resume when one returns; a Byzantine validator that equivocates cannot make
// honest nodes fork and its evidence is committed in a later block. The simulator checks
// at every commit that no two nodes commit different blocks at one height.
#include <catch2/catch.hpp>

#include "chain_sim.hpp"

using namespace cpc;
using namespace cpc::chain;
using cpc::chain::testing::Sim;

TEST_CASE("a single validator commits alone through the same engine", "[chain][consensus]") {
  std::vector<keys::SecretKey> users;
  users.push_back(keys::SecretKey::generate().value());
  users.push_back(keys::SecretKey::generate().value());
  Sim sim(1, 7, &users);
  Tx t;
  t.chain = sim.genesis.chain;
  t.nonce = 0;
  t.op = Op::kTransfer;
  t.to = users[1].public_key().sign;
  t.amount = 10;
  sign_tx(t, users[0]);
  REQUIRE(sim.nodes[0]->mempool->add(t));
  sim.start();
  sim.run_for(10'000);
  CHECK(sim.nodes[0]->cs->height() >= 10);
  CHECK(sim.nodes[0]->cs->account(users[1].public_key().sign).balance == 1'000'010);
  CHECK(sim.nodes[0]->mempool->size() == 0);
  CHECK(sim.nodes[0]->cs->locate_tx(tx_id(t)).has_value());
}

TEST_CASE("4 validators commit under delays and reordering", "[chain][consensus]") {
  std::vector<keys::SecretKey> users;
  users.push_back(keys::SecretKey::generate().value());
  users.push_back(keys::SecretKey::generate().value());
  Sim sim(4, 42, &users);
  sim.delay_max = 300;  // reordering: a later message often overtakes an earlier one
  for (std::uint64_t i = 0; i < 20; ++i) {
    Tx t;
    t.chain = sim.genesis.chain;
    t.nonce = i;
    t.op = Op::kTransfer;
    t.to = users[1].public_key().sign;
    t.amount = 1;
    sign_tx(t, users[0]);
    for (auto& n : sim.nodes) REQUIRE(n->mempool->add(t));
  }
  sim.start();
  sim.run_for(30'000);
  CHECK(sim.min_height() >= 10);
  for (auto& n : sim.nodes) {
    CHECK(n->cs->account(users[1].public_key().sign).balance == 1'000'020);
    CHECK(n->engine->dropped_messages() == 0);
  }
  // Every validator proposed at least once (weighted round robin).
  for (const auto& r : sim.nodes[0]->cs->reputation()) CHECK(r.proposed > 0);
}

TEST_CASE("with 1 of 4 silent the others keep committing", "[chain][consensus]") {
  Sim sim(4, 3);
  sim.nodes[3]->up = false;
  sim.start();
  sim.run_for(30'000);
  CHECK(sim.min_height() >= 8);
  // The silent validator misses votes: its score falls below the others'.
  const auto& reps = sim.nodes[0]->cs->reputation();
  auto silent = *sim.nodes[0]->cs->validators().index_of(sim.keys[3].public_key().sign);
  for (std::size_t i = 0; i < reps.size(); ++i) {
    if (i != silent) CHECK(reps[i].score > reps[silent].score);
  }
  CHECK(reps[silent].missed > 0);
}

TEST_CASE("with 2 of 4 silent the chain stops, and resumes when one returns",
          "[chain][consensus]") {
  Sim sim(4, 5);
  sim.start();
  sim.run_for(5'000);
  REQUIRE(sim.min_height() >= 2);
  sim.nodes[2]->up = false;
  sim.nodes[3]->up = false;
  sim.run_for(3'000);  // let in-flight messages settle
  std::uint64_t stalled = sim.nodes[0]->cs->height();
  sim.run_for(30'000);
  CHECK(sim.nodes[0]->cs->height() <= stalled + 1);
  CHECK(sim.nodes[1]->cs->height() <= stalled + 1);
  // No quorum of prevotes, so no timeoutPrevote either (Algorithm 1, line 34): the live
  // validators wait in prevote, rebroadcasting, until a third one returns.
  CHECK(sim.nodes[0]->engine->step() != Step::kPrecommit);
  sim.nodes[2]->up = true;
  sim.run_for(60'000);
  CHECK(sim.nodes[0]->cs->height() >= stalled + 5);
  CHECK(sim.nodes[2]->cs->height() >= stalled + 5);
}

// The cluster case of consensus.md §6.3 and §6.8: two of four validators go down at a
// random moment of a height, one of them crashes and restarts (memory lost, store kept),
// and messages are not relayed by the network — as with cpc-node's HTTP gossip. The chain
// must resume with three validators, and the restarted one must never sign a vote that
// conflicts with one it signed before the crash (no evidence, no slashing).
TEST_CASE("a validator restarted during an outage resumes the chain without equivocating",
          "[chain][consensus]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    Sim sim(4, 100 + seed);
    sim.gossip_relay = false;
    sim.delay_max = 400;
    sim.start();
    sim.run_for(4'000 + seed * 37);  // down at a different moment of a height each time
    sim.nodes[2]->up = false;
    sim.nodes[3]->up = false;
    sim.run_for(6'000);
    const std::uint64_t stalled = sim.nodes[0]->cs->height();
    sim.restart(2);
    sim.nodes[2]->up = true;
    sim.run_for(60'000);
    CHECK(sim.nodes[0]->cs->height() >= stalled + 3);
    CHECK(sim.nodes[1]->cs->height() >= stalled + 3);
    CHECK(sim.nodes[2]->cs->height() >= stalled + 3);
    const ChainState& cs = *sim.nodes[0]->cs;
    for (std::uint64_t h = 1; h <= cs.height(); ++h) CHECK(cs.block_at(h)->block.evidence.empty());
    for (const auto& r : cs.reputation()) CHECK(r.slashed == 0);
    for (auto& n : sim.nodes) CHECK(n->engine->pending_evidence().empty());
  }
}

TEST_CASE("a lagging validator catches up through committed blocks", "[chain][consensus]") {
  Sim sim(4, 11);
  sim.nodes[3]->up = false;
  sim.start();
  sim.run_for(20'000);
  std::uint64_t h = sim.nodes[0]->cs->height();
  REQUIRE(sim.nodes[3]->cs->height() < h);
  sim.nodes[3]->up = true;
  sim.run_for(20'000);
  CHECK(sim.nodes[3]->cs->height() + 2 >= sim.nodes[0]->cs->height());
  CHECK(sim.nodes[3]->cs->height() > h);
}

TEST_CASE("an equivocating validator cannot fork honest nodes, and evidence is committed",
          "[chain][consensus]") {
  Sim sim(4, 9);
  sim.nodes[1]->byzantine = true;
  sim.start();
  sim.run_for(40'000);
  CHECK(sim.min_height() >= 5);
  PubKey byz = sim.keys[1].public_key().sign;
  // The evidence is in a committed block, and the offender's reputation is slashed.
  bool found = false;
  const ChainState& cs = *sim.nodes[0]->cs;
  for (std::uint64_t h = 1; h <= cs.height(); ++h) {
    auto cb = cs.block_at(h);
    REQUIRE(cb);
    for (const auto& e : cb->block.evidence) {
      CHECK(e.a.validator == byz);
      found = true;
    }
  }
  CHECK(found);
  auto i = *cs.validators().index_of(byz);
  CHECK(cs.reputation()[i].slashed > 0);
  for (std::size_t j = 0; j < cs.reputation().size(); ++j) {
    if (j != i) CHECK(cs.reputation()[j].score > cs.reputation()[i].score);
  }
}
