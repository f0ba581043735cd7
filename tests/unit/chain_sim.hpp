// SPDX-License-Identifier: Apache-2.0
// A deterministic in-process network of consensus engines for the chain tests: a fake
// clock, a seeded scheduler that delays and reorders messages, gossip (every node relays
// each message it sees once, as the node's gossip layer will), silent validators (their
// messages in and out are lost, their clocks keep running), block requests answered from a
// peer's store, and an optional Byzantine validator that signs two different votes and
// two different proposals wherever it votes or proposes. Every commit is checked against
// every other node's commit at that height.
//
// By default the engines make a block after every commit wait (empty_block_interval_ms 0,
// consensus.md §6.3.1), so that the tests of rounds, faults and catch-up run many heights
// without a stream of transactions; chain_idle_test.cpp sets an interval.
#pragma once

#include <catch2/catch.hpp>

#include <queue>
#include <random>
#include <set>

#include "chain_fixture.hpp"
#include "cpc/chain/consensus.hpp"

namespace cpc::chain::testing {

struct Tick {};
using Message = std::variant<Proposal, Vote, Evidence, Timeout, CommittedBlock, Tick>;

struct SimNode {
  const keys::SecretKey* key = nullptr;
  MemoryStateStore store;
  std::unique_ptr<ChainState> cs;
  std::unique_ptr<Mempool> mempool;
  std::unique_ptr<Consensus> engine;
  bool up = true;
  bool byzantine = false;
  std::uint32_t generation = 0;  // bumped by a restart; older timers are lost
  std::set<std::string> seen;
};

class Sim {
 public:
  std::vector<keys::SecretKey> keys;
  Genesis genesis;
  std::vector<std::unique_ptr<SimNode>> nodes;
  std::map<std::uint64_t, Hash> decided;  // height -> block hash, across all nodes
  std::uint64_t now = 1'700'000'000'000;
  std::uint64_t delay_min = 5, delay_max = 80;
  std::size_t commits = 0;
  // Relay every message once, as a gossip network would. Off: each message goes from its
  // sender to the others only, as cpc-node's HTTP gossip does; then only the engine's own
  // rebroadcast and relay (consensus.md §6.3) repair losses.
  bool gossip_relay = true;

  explicit Sim(std::size_t n, std::uint64_t seed = 1, std::vector<keys::SecretKey>* users = nullptr,
               std::uint64_t empty_block_interval_ms = 0)
      : empty_block_interval_ms_(empty_block_interval_ms), rng_(seed) {
    genesis.chain = "cpc-sim";
    genesis.time_ms = now - 1000;
    for (std::size_t i = 0; i < n; ++i) {
      keys.push_back(keys::SecretKey::generate().value());
      genesis.validators.push_back({keys.back().public_key().sign, 1});
    }
    if (users != nullptr) {
      for (const auto& u : *users) genesis.alloc.push_back({u.public_key().sign, 1'000'000});
    }
    ConsensusConfig cfg;
    cfg.empty_block_interval_ms = empty_block_interval_ms_;
    for (std::size_t i = 0; i < n; ++i) {
      auto node = std::make_unique<SimNode>();
      node->key = &keys[i];
      node->cs = ChainState::open(genesis, node->store).value();
      node->mempool = std::make_unique<Mempool>(*node->cs);
      cfg.mempool = node->mempool.get();
      node->engine = std::make_unique<Consensus>(node->key, *node->cs, cfg);
      nodes.push_back(std::move(node));
    }
  }

  void start() {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      handle(i, nodes[i]->engine->start(now));
      push(now + 100, i, Tick{});
    }
  }

  // Runs until `until_ms` of simulated time has passed (or `stop` says so).
  void run_for(std::uint64_t ms, const std::function<bool()>& stop = nullptr) {
    std::uint64_t end = now + ms;
    while (!queue_.empty() && queue_.top().at <= end) {
      Event e = queue_.top();
      queue_.pop();
      now = std::max(now, e.at);
      deliver(e);
      if (stop && stop()) return;
    }
    now = end;
  }

  // A crash and restart of node i: the engine's memory is lost, its store is kept; the
  // new engine starts from the store (its head and write-ahead record, §6.8).
  void restart(std::size_t i) {
    SimNode& n = *nodes[i];
    ++n.generation;
    n.seen.clear();
    n.engine.reset();
    n.cs = ChainState::open(genesis, n.store).value();
    n.mempool = std::make_unique<Mempool>(*n.cs);
    ConsensusConfig cfg;
    cfg.empty_block_interval_ms = empty_block_interval_ms_;
    cfg.mempool = n.mempool.get();
    n.engine = std::make_unique<Consensus>(n.key, *n.cs, cfg);
    handle(i, n.engine->start(now));
    push(now + 100, i, Tick{});
  }

  std::uint64_t min_height() const {
    std::uint64_t h = UINT64_MAX;
    for (const auto& n : nodes) {
      if (n->up) h = std::min(h, n->cs->height());
    }
    return h;
  }

 private:
  struct Event {
    std::uint64_t at;
    std::uint64_t seq;
    std::size_t node;
    Message what;
    std::uint32_t generation;
    bool operator<(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void push(std::uint64_t at, std::size_t node, Message m) {
    queue_.push(Event{at, seq_++, node, std::move(m), nodes[node]->generation});
  }

  std::uint64_t delay() {
    return std::uniform_int_distribution<std::uint64_t>(delay_min, delay_max)(rng_);
  }

  void send_all(std::size_t from, const Message& m) {
    if (!nodes[from]->up) return;
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      if (j != from) push(now + delay(), j, m);
    }
  }

  static std::string key_of(const Message& m) {
    if (const auto* p = std::get_if<Proposal>(&m)) return "p" + vote_record(p->vote);
    if (const auto* v = std::get_if<Vote>(&m)) return "v" + vote_record(*v);
    if (const auto* e = std::get_if<Evidence>(&m)) return "e" + evidence_record(*e);
    return {};
  }

  void deliver(const Event& e) {
    SimNode& n = *nodes[e.node];
    const bool timer =
        std::holds_alternative<Tick>(e.what) || std::holds_alternative<Timeout>(e.what);
    if (timer && e.generation != n.generation) return;  // set by the engine before a restart
    if (std::holds_alternative<Tick>(e.what)) {
      handle(e.node, n.engine->on_tick(now));
      push(now + 100, e.node, Tick{});
      return;
    }
    if (const auto* t = std::get_if<Timeout>(&e.what)) {
      handle(e.node, n.engine->on_timeout(*t, now));
      return;
    }
    if (!n.up) return;  // a silent node hears nothing
    if (const auto* cb = std::get_if<CommittedBlock>(&e.what)) {
      handle(e.node, n.engine->on_committed_block(*cb, now));
      return;
    }
    std::string k = key_of(e.what);
    if (!n.seen.insert(k).second) return;
    if (gossip_relay) send_all(e.node, e.what);  // gossip: relay once
    if (const auto* p = std::get_if<Proposal>(&e.what))
      handle(e.node, n.engine->on_proposal(*p, now));
    if (const auto* v = std::get_if<Vote>(&e.what)) handle(e.node, n.engine->on_vote(*v, now));
    if (const auto* x = std::get_if<Evidence>(&e.what))
      handle(e.node, n.engine->on_evidence(*x, now));
  }

  // The Byzantine validator sends a conflicting twin of each message to half the network.
  void equivocate(std::size_t from, const Message& m) {
    SimNode& n = *nodes[from];
    Message twin = m;
    if (auto* v = std::get_if<Vote>(&twin)) {
      v->block = v->block ? std::nullopt : std::optional<Hash>(Hash{0xbb});
      sign_vote(*v, *n.key);
    } else if (auto* p = std::get_if<Proposal>(&twin)) {
      p->block.header.time_ms += 1;
      p->vote.block = block_hash(p->block.header);
      sign_vote(p->vote, *n.key);
    }
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      if (j != from) push(now + delay(), j, j % 2 == 0 ? m : twin);
    }
  }

  void handle(std::size_t i, const std::vector<Action>& actions) {
    SimNode& n = *nodes[i];
    for (const auto& a : actions) {
      if (const auto* p = std::get_if<BroadcastProposal>(&a)) {
        n.byzantine&& n.up ? equivocate(i, p->proposal) : send_all(i, p->proposal);
      } else if (const auto* v = std::get_if<BroadcastVote>(&a)) {
        n.byzantine&& n.up ? equivocate(i, v->vote) : send_all(i, v->vote);
      } else if (const auto* x = std::get_if<BroadcastEvidence>(&a)) {
        send_all(i, x->evidence);
      } else if (const auto* t = std::get_if<ScheduleTimeout>(&a)) {
        push(std::max(now, t->timeout.at_ms), i, t->timeout);
      } else if (const auto* c = std::get_if<Committed>(&a)) {
        const auto& h = c->block.block.header;
        Hash id = block_hash(h);
        auto [it, fresh] = decided.emplace(h.height, id);
        // Safety: no two validators ever commit different blocks at one height.
        REQUIRE(it->second == id);
        (void)fresh;
        ++commits;
      } else if (const auto* r = std::get_if<RequestBlocks>(&a)) {
        answer(i, r->from_height);
      } else if (const auto* halt = std::get_if<Halt>(&a)) {
        FAIL("engine halted: " << halt->status.message());
      }
    }
  }

  void answer(std::size_t i, std::uint64_t from) {
    if (!nodes[i]->up) return;
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      if (j == i || !nodes[j]->up || nodes[j]->cs->height() < from) continue;
      std::uint64_t at = now + delay();
      for (std::uint64_t h = from; h <= nodes[j]->cs->height() && h < from + 16; ++h) {
        push(at++, i, *nodes[j]->cs->block_at(h));
      }
      return;
    }
  }

  std::uint64_t empty_block_interval_ms_;
  std::mt19937_64 rng_;
  std::priority_queue<Event> queue_;
  std::uint64_t seq_ = 0;
};

}  // namespace cpc::chain::testing
