// SPDX-License-Identifier: Apache-2.0
// DHT lookups over the in-memory network (docs/dht.md §3, §4, §6): 200 nodes that join one
// after the other; lookups must return the true k closest nodes, find_value must find the
// holders, bootstrap must report bad seeds, and with nodes failed lookups must still
// converge on live nodes while the dead ones are dropped from routing tables.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <thread>

#include "cpc/dht/dht.hpp"
#include "cpc/dht/memory_network.hpp"

using namespace cpc;
using namespace cpc::dht;

namespace {

NodeId random_id(std::mt19937_64& rng) {
  NodeId id{};
  for (auto& b : id) b = static_cast<std::uint8_t>(rng());
  return id;
}

struct Swarm {
  explicit Swarm(std::size_t n, std::uint64_t seed = 1) : rng(seed) {
    for (std::size_t i = 0; i < n; ++i) {
      Contact c{random_id(rng), "http://127.0.0.1:" + std::to_string(7400 + i)};
      Config cfg;
      cfg.seed = seed * 1000 + i + 1;
      nodes.push_back(std::make_unique<Dht>(c, net.endpoint(c), cfg));
      net.attach(*nodes.back());
      contacts.push_back(c);
    }
    for (std::size_t i = 1; i < n; ++i) {
      const Contact& seed_contact = contacts[rng() % i];
      REQUIRE(nodes[i]->bootstrap({&seed_contact, 1}));
    }
  }

  // The n live nodes closest to target, by brute force.
  std::vector<Contact> truth(const NodeId& target, std::size_t n) const {
    std::vector<Contact> live;
    for (const auto& c : contacts) {
      if (!net.is_failed(c.id)) live.push_back(c);
    }
    std::sort(live.begin(), live.end(), [&](const Contact& a, const Contact& b) {
      return distance(a.id, target) < distance(b.id, target);
    });
    live.resize(std::min(n, live.size()));
    return live;
  }

  Dht& live_node() {
    for (;;) {
      auto& d = *nodes[rng() % nodes.size()];
      if (!net.is_failed(d.self().id)) return d;
    }
  }

  MemoryNetwork net;
  std::mt19937_64 rng;
  std::vector<Contact> contacts;
  std::vector<std::unique_ptr<Dht>> nodes;
};

}  // namespace

TEST_CASE("dht: lookups over 200 nodes return the true k closest", "[dht]") {
  Swarm s(200);
  for (const auto& d : s.nodes) CHECK(d->table().size() >= 20);
  for (int i = 0; i < 40; ++i) {
    const NodeId target = random_id(s.rng);
    Dht& from = s.live_node();
    LookupStats st;
    const auto got = from.lookup(target, &st);
    CHECK(got == s.truth(target, 20));
    CHECK(st.rounds >= 1);
    CHECK(st.queries >= 20 - 1);  // every one of the k closest but self was asked
    CHECK(st.failures == 0);
    CHECK(st.hops <= st.rounds);
    CHECK(from.replica_set(target) == s.truth(target, 3));
  }
  // A lookup of a node's own id includes it, first.
  const auto own = s.nodes[17]->lookup(s.contacts[17].id);
  REQUIRE_FALSE(own.empty());
  CHECK(own.front() == s.contacts[17]);
}

TEST_CASE("dht: find_value stops at the holders", "[dht]") {
  Swarm s(200, 2);
  for (int i = 0; i < 20; ++i) {
    const NodeId key = random_id(s.rng);
    const auto holders = s.truth(key, 3);
    for (const auto& h : holders) s.net.add_value(h.id, key);
    Dht& from = s.live_node();
    if (std::find(holders.begin(), holders.end(), from.self()) != holders.end()) continue;
    LookupStats st;
    const auto r = from.find_value(key, &st);
    REQUIRE_FALSE(r.holders.empty());
    for (const auto& h : r.holders) {
      CHECK(std::find(holders.begin(), holders.end(), h) != holders.end());
    }
    CHECK(st.hops == st.rounds);
    // A key nobody holds: no holders, and the walk ends as a lookup does.
    const NodeId missing = random_id(s.rng);
    const auto none = from.find_value(missing);
    CHECK(none.holders.empty());
    CHECK(none.closest == s.truth(missing, 20));
  }
}

TEST_CASE("dht: bootstrap refuses no seeds and reports dead ones", "[dht]") {
  std::mt19937_64 rng(3);
  MemoryNetwork net;
  const Contact me{random_id(rng), "http://127.0.0.1:7400"};
  Dht d(me, net.endpoint(me), {});
  net.attach(d);
  CHECK(d.bootstrap({}).code() == Code::kBadInput);
  CHECK(d.bootstrap({&me, 1}).code() == Code::kBadInput);
  const Contact ghost{random_id(rng), "http://127.0.0.1:7499"};
  CHECK(d.bootstrap({&ghost, 1}).code() == Code::kIo);
  // Alone, a lookup returns just ourselves.
  CHECK(d.lookup(random_id(rng)) == std::vector<Contact>{me});
}

TEST_CASE("dht: answers observe the sender and never name it", "[dht]") {
  Swarm s(30, 4);
  Dht& d = *s.nodes[0];
  const Contact stranger{random_id(s.rng), "http://127.0.0.1:9000"};
  const auto reply = d.answer_find_node(&stranger, stranger.id);
  CHECK(d.table().contains(stranger.id));
  CHECK(std::find(reply.begin(), reply.end(), stranger) == reply.end());
  CHECK(reply.size() == std::min<std::size_t>(20, d.table().size() - 1));
  const auto v = d.answer_find_value(nullptr, stranger.id, true);
  CHECK(v.has_value);
  CHECK(d.answer_ping(nullptr) == d.self().id);
}

TEST_CASE("dht: with 20% of nodes dead lookups converge and the dead are dropped", "[dht]") {
  Swarm s(200, 5);
  std::vector<Contact> dead;
  for (std::size_t i = 0; i < s.contacts.size(); i += 5) {
    s.net.set_failed(s.contacts[i].id);
    dead.push_back(s.contacts[i]);
  }
  Dht& from = *s.nodes[1];
  std::size_t failures = 0, found = 0;
  for (int i = 0; i < 40; ++i) {
    const NodeId target = random_id(s.rng);
    LookupStats st;
    const auto got = from.lookup(target, &st);
    failures += st.failures;
    // Only live nodes, the 3 closest exactly (the replica set), most of the 20 closest:
    // nodes still name dead contacts they have not tried, which hides the farthest few.
    for (const auto& c : got) CHECK_FALSE(s.net.is_failed(c.id));
    const auto want = s.truth(target, 20);
    CHECK(std::vector<Contact>(got.begin(), got.begin() + 3) ==
          std::vector<Contact>(want.begin(), want.begin() + 3));
    for (const auto& w : want) found += std::find(got.begin(), got.end(), w) != got.end();
  }
  CHECK(failures > 0);
  WARN("found " << found << " of the 800 closest live");
  CHECK(found >= 800 * 90 / 100);
  // Each dead contact was tried at most max_failures times before being dropped, so after
  // enough lookups near them none is left in the querier's table.
  for (const auto& c : dead) {
    for (std::size_t i = 0; i < from.config().max_failures; ++i) (void)from.lookup(c.id);
  }
  for (const auto& c : dead) CHECK_FALSE(from.table().contains(c.id));
  CHECK(from.table().size() >= 20);
  // A revived node is learnt again as soon as it talks to us (into its bucket, or into the
  // replacement cache when the bucket has filled up meanwhile).
  s.net.set_failed(dead[0].id, false);
  (void)s.nodes[0]->lookup(from.self().id);
  const auto cache = from.table().replacement_cache(bucket_index(from.self().id, dead[0].id));
  CHECK((from.table().contains(dead[0].id) ||
         std::find(cache.begin(), cache.end(), dead[0]) != cache.end()));
}

TEST_CASE("dht: lookups run concurrently", "[dht]") {
  Swarm s(100, 6);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(100 + t);
      for (int i = 0; i < 20; ++i) {
        const NodeId target = random_id(rng);
        ok[t] += s.nodes[(t * 7 + i) % 100]->lookup(target) == s.truth(target, 20);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) CHECK(ok[t] == 20);
}
