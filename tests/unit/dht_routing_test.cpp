// SPDX-License-Identifier: Apache-2.0
// DHT ids and the routing table (docs/dht.md §1, §2): the XOR metric and bucket indices,
// insertion in LRU order, the replacement cache, failure counting and eviction, closest()
// against brute force, refresh bookkeeping, and the ping-before-evict pass of Dht::refresh.
#include <sodium.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

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

// An id in bucket `index` of self's table: self's leading bits, bit 255-index flipped.
NodeId id_in_bucket(const NodeId& self, int index, std::mt19937_64& rng) {
  NodeId id = random_id(rng);
  const auto p = static_cast<std::size_t>(255 - index);
  for (std::size_t bit = 0; bit <= p; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    const bool v = ((self[bit / 8] & mask) != 0) != (bit == p);
    id[bit / 8] = static_cast<std::uint8_t>(v ? (id[bit / 8] | mask) : (id[bit / 8] & ~mask));
  }
  return id;
}

Contact contact(const NodeId& id, int n) {
  return {id, "http://127.0.0.1:" + std::to_string(7000 + n)};
}

}  // namespace

TEST_CASE("dht: distance is XOR and bucket_index is floor(log2(distance))", "[dht]") {
  NodeId a{}, b{};
  CHECK(distance(a, a) == NodeId{});
  CHECK(bucket_index(a, a) == -1);
  b[31] = 0x01;
  CHECK(bucket_index(a, b) == 0);
  b[31] = 0x80;
  CHECK(bucket_index(a, b) == 7);
  b = NodeId{};
  b[0] = 0x80;
  CHECK(bucket_index(a, b) == 255);
  b[0] = 0x01;
  CHECK(bucket_index(a, b) == 248);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100; ++i) {
    const NodeId x = random_id(rng), y = random_id(rng);
    CHECK(distance(x, y) == distance(y, x));
    CHECK(distance(distance(x, y), y) == x);
    CHECK(bucket_index(x, y) == bucket_index(y, x));
    const int index = static_cast<int>(rng() % 256);
    CHECK(bucket_index(x, id_in_bucket(x, index, rng)) == index);
  }
}

TEST_CASE("dht: node ids are BLAKE2b-256 of the public key; hex is strict", "[dht]") {
  // BLAKE2b-256 of the empty string (RFC 7693 parameters, unkeyed).
  CHECK(to_hex(node_id({})) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  std::mt19937_64 rng(1);
  const NodeId id = random_id(rng);
  auto back = parse_node_id(to_hex(id));
  REQUIRE(back);
  CHECK(*back == id);
  std::string upper = to_hex(id);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  CHECK(parse_node_id(upper).status().code() == Code::kBadInput);
  CHECK(parse_node_id(to_hex(id).substr(2)).status().code() == Code::kBadInput);
}

TEST_CASE("dht: a bucket keeps LRU order and fills a bounded replacement cache", "[dht]") {
  std::mt19937_64 rng(2);
  const NodeId self = random_id(rng);
  RoutingTable t(self, 4, 2);
  CHECK(t.insert({self, "http://me"}).outcome == RoutingTable::Outcome::kIgnored);
  CHECK(t.insert({random_id(rng), ""}).outcome == RoutingTable::Outcome::kIgnored);
  std::vector<Contact> c;
  for (int i = 0; i < 7; ++i) c.push_back(contact(id_in_bucket(self, 250, rng), i));
  for (int i = 0; i < 4; ++i) CHECK(t.insert(c[i]).outcome == RoutingTable::Outcome::kAdded);
  CHECK(t.size() == 4);
  // Seeing c[0] again moves it to the tail, with its new URL.
  Contact moved = c[0];
  moved.url = "http://127.0.0.1:9999";
  CHECK(t.insert(moved).outcome == RoutingTable::Outcome::kUpdated);
  CHECK(t.bucket(250) == std::vector<Contact>{c[1], c[2], c[3], moved});
  CHECK(t.touch(c[2].id));
  CHECK_FALSE(t.touch(c[5].id));
  CHECK(t.bucket(250) == std::vector<Contact>{c[1], c[3], moved, c[2]});
  // Full: newcomers wait in the cache (the oldest falls out) and the LRU is named.
  for (int i = 4; i < 7; ++i) {
    auto r = t.insert(c[i]);
    CHECK(r.outcome == RoutingTable::Outcome::kFull);
    REQUIRE(r.lru);
    CHECK(*r.lru == c[1]);
  }
  CHECK(t.replacement_cache(250) == std::vector<Contact>{c[5], c[6]});
  CHECK_FALSE(t.contains(c[6].id));
  CHECK(t.size() == 4);
  // Other buckets are independent.
  CHECK(t.insert(contact(id_in_bucket(self, 255, rng), 50)).outcome ==
        RoutingTable::Outcome::kAdded);
  CHECK(t.size() == 5);
  CHECK(t.all().size() == 5);
}

TEST_CASE("dht: consecutive failures evict and promote the newest replacement", "[dht]") {
  std::mt19937_64 rng(3);
  const NodeId self = random_id(rng);
  RoutingTable t(self, 2, 2);
  const Contact a = contact(id_in_bucket(self, 200, rng), 1);
  const Contact b = contact(id_in_bucket(self, 200, rng), 2);
  const Contact r1 = contact(id_in_bucket(self, 200, rng), 3);
  const Contact r2 = contact(id_in_bucket(self, 200, rng), 4);
  for (const auto& x : {a, b, r1, r2}) (void)t.insert(x);
  CHECK_FALSE(t.record_failure(a.id, 3));
  CHECK_FALSE(t.record_failure(a.id, 3));
  // An answer in between resets the count.
  (void)t.insert(a);
  CHECK_FALSE(t.record_failure(a.id, 3));
  CHECK_FALSE(t.record_failure(a.id, 3));
  CHECK(t.record_failure(a.id, 3));
  CHECK_FALSE(t.contains(a.id));
  CHECK(t.bucket(200) == std::vector<Contact>{b, r2});
  CHECK(t.replacement_cache(200) == std::vector<Contact>{r1});
  // A failure of a cached contact drops it; an empty cache leaves the bucket short.
  CHECK_FALSE(t.record_failure(r1.id, 3));
  CHECK(t.replacement_cache(200).empty());
  CHECK(t.remove(b.id));
  CHECK(t.size() == 1);
  CHECK_FALSE(t.record_failure(random_id(rng), 1));
  CHECK_FALSE(t.remove(random_id(rng)));
}

TEST_CASE("dht: closest() matches brute force", "[dht]") {
  std::mt19937_64 rng(4);
  const NodeId self = random_id(rng);
  RoutingTable t(self, 20, 0);
  for (int i = 0; i < 3000; ++i) (void)t.insert(contact(random_id(rng), i));
  const auto all = t.all();
  REQUIRE(all.size() == t.size());
  REQUIRE(all.size() > 150);
  std::vector<NodeId> targets{self};
  for (int i = 0; i < 60; ++i) targets.push_back(random_id(rng));
  for (int i = 0; i < 20; ++i) targets.push_back(id_in_bucket(self, 255 - i % 8, rng));
  for (const auto& target : targets) {
    for (std::size_t n : {1u, 3u, 20u, 500u}) {
      auto want = all;
      std::sort(want.begin(), want.end(), [&](const Contact& x, const Contact& y) {
        return distance(x.id, target) < distance(y.id, target);
      });
      want.resize(std::min(n, want.size()));
      CHECK(t.closest(target, n) == want);
    }
  }
  const auto near = t.closest(targets[1], 5);
  const auto without = t.closest(targets[1], 5, &near[0].id);
  CHECK(without.front() == near[1]);
}

TEST_CASE("dht: stale buckets run from the far half to the closest neighbour", "[dht]") {
  std::mt19937_64 rng(5);
  const NodeId self = random_id(rng);
  RoutingTable t(self, 20, 0);
  CHECK(t.stale_buckets(RoutingTable::Clock::now()).empty());
  (void)t.insert(contact(id_in_bucket(self, 255, rng), 1));
  (void)t.insert(contact(id_in_bucket(self, 252, rng), 2));
  const auto later = RoutingTable::Clock::now() + std::chrono::hours(1);
  CHECK(t.stale_buckets(later) == std::vector<int>{255, 254, 253, 252});
  t.note_lookup(id_in_bucket(self, 254, rng), later);
  t.note_lookup(self, later);  // our own id: the deepest bucket
  CHECK(t.stale_buckets(later) == std::vector<int>{255, 253});
}

TEST_CASE("dht: refresh pings a full bucket's LRU before evicting it", "[dht]") {
  std::mt19937_64 rng(6);
  MemoryNetwork net;
  Config cfg;
  cfg.k = 2;
  cfg.refresh_interval = std::chrono::hours(24);
  const Contact me = contact(random_id(rng), 0);
  Dht d(me, net.endpoint(me), cfg);
  std::vector<std::unique_ptr<Dht>> peers;
  std::vector<Contact> c;
  for (int i = 1; i <= 4; ++i) {
    c.push_back(contact(id_in_bucket(me.id, 255, rng), i));
    peers.push_back(std::make_unique<Dht>(c.back(), net.endpoint(c.back()), cfg));
    net.attach(*peers.back());
  }
  d.observe(c[0]);
  d.observe(c[1]);
  d.observe(c[2]);  // full: c[2] waits, c[0] (alive) is queued for a ping
  CHECK(d.refresh() == 0);
  CHECK(d.table().bucket(255) == std::vector<Contact>{c[1], c[0]});
  CHECK(d.table().replacement_cache(255) == std::vector<Contact>{c[2]});
  net.set_failed(c[1].id);
  d.observe(c[3]);  // c[1] is now the LRU, and dead: evicted for the newest newcomer
  CHECK(d.refresh() == 0);
  CHECK(d.table().bucket(255) == std::vector<Contact>{c[0], c[3]});
  CHECK(d.table().replacement_cache(255) == std::vector<Contact>{c[2]});
}
