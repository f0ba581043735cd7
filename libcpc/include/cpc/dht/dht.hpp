// SPDX-License-Identifier: Apache-2.0
// Kademlia (docs/dht.md): node ids and the XOR distance, the routing table of k-buckets with
// replacement caches, and iterative lookups over an abstract Transport. The module only
// answers "who is closest to this key"; storing and replicating values is the node's job
// (docs/dht.md §7). The node implements Transport over HTTP; cpc/dht/memory_network.hpp provides an
// in-memory one for tests and the simulator.
//
// Thread safety: RoutingTable and Dht are safe to call from several threads (one internal
// mutex each, never held while the Transport runs). A Transport must be thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

namespace cpc::dht {

// --- Ids (docs/dht.md §1) ------------------------------------------------------------------

// BLAKE2b-256 of the node's public key; keys of values live in the same space.
using NodeId = std::array<std::uint8_t, 32>;

struct Contact {
  NodeId id{};
  std::string url;  // base URL, e.g. "http://127.0.0.1:7401"
  bool operator==(const Contact&) const = default;
};

// The id of the node whose Ed25519 signing public key is `public_key` (unkeyed BLAKE2b-256).
NodeId node_id(ByteView public_key);
// XOR, compared as a big-endian 256-bit integer (std::array's operator<).
NodeId distance(const NodeId& a, const NodeId& b);
// floor(log2(distance(a, b))), 0..255: the bucket of b in a's table; -1 when a == b.
int bucket_index(const NodeId& a, const NodeId& b);
// 64 lowercase hex digits, and back (kBadInput for anything else).
std::string to_hex(const NodeId& id);
Result<NodeId> parse_node_id(std::string_view hex);

// Hash for unordered containers keyed by NodeId (ids are uniformly random).
struct NodeIdHash {
  std::size_t operator()(const NodeId& id) const;
};

// --- Parameters (docs/dht.md §5) ----------------------------------------------------------

struct Config {
  std::size_t k = 20;             // bucket size, lookup width, contacts per reply
  std::size_t alpha = 3;          // parallel requests per lookup round
  std::size_t replication = 3;    // nodes holding each value (replica_set)
  std::size_t replacements = 20;  // replacement cache per bucket
  std::size_t max_failures = 3;   // consecutive failed requests before a contact is dropped
  std::chrono::seconds refresh_interval{3600};      // bucket idle time before refresh()
  std::chrono::milliseconds request_timeout{2000};  // for the Transport; not used here
  bool refresh_on_join = true;  // bootstrap() refreshes the buckets beyond our neighbour
  std::uint64_t seed = 0;       // random ids of refreshes; 0 = seeded from the OS
};

// --- Messages and transport (docs/dht.md §6) ---------------------------------------------

// A reply to find_value: whether the node holds the value, and its closest contacts.
struct FindValueReply {
  bool has_value = false;
  std::vector<Contact> closer;
};

// How requests reach other nodes (docs/dht.md §6). Each call sends every request in
// parallel and returns exactly one reply per contact, in the order of `to`; a failed,
// refused or timed-out request (config.request_timeout) is a kIo Status, and so is a ping
// answered with another id than the contact's. The transport tells the receiver who sent
// the request (our own Contact, the "from" of the JSON). Thread-safe: lookups on several
// threads share it, and requests from other nodes may reach our Dht (answer_*) while it
// runs, since the Dht holds no lock during a transport call.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::vector<Result<std::vector<Contact>>> find_node(std::span<const Contact> to,
                                                              const NodeId& target) = 0;
  virtual std::vector<Result<FindValueReply>> find_value(std::span<const Contact> to,
                                                         const NodeId& key) = 0;
  virtual std::vector<Status> ping(std::span<const Contact> to) = 0;
};

// --- Routing table (docs/dht.md §2) -------------------------------------------------------

// 256 k-buckets (allocated lazily) around `self`, each in least-recently-seen order, with a
// replacement cache. Never contains self. Thread-safe (internal mutex).
class RoutingTable {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { kAdded, kUpdated, kFull, kIgnored };
  struct Insert {
    Outcome outcome = Outcome::kIgnored;
    std::optional<Contact> lru;  // kFull: the bucket's least recently seen contact, to ping
  };

  explicit RoutingTable(NodeId self, std::size_t k = 20, std::size_t replacements = 20);
  ~RoutingTable();
  RoutingTable(const RoutingTable&) = delete;
  RoutingTable& operator=(const RoutingTable&) = delete;

  const NodeId& self() const { return self_; }

  // The contact was seen alive: a known contact moves to the tail with its failure count
  // reset (kUpdated, URL updated); an unknown one is appended (kAdded) or, bucket full,
  // kept in the replacement cache (kFull, with the LRU to ping). Self or an empty URL:
  // kIgnored.
  Insert insert(const Contact& c);
  // Marks a known contact seen (to the tail, failure count reset) without changing its URL;
  // false when `id` is not in a bucket.
  bool touch(const NodeId& id);
  // A request to `id` failed: counts it; at `max_failures` consecutive failures removes
  // the contact (promoting the newest replacement) and returns true. A contact in a
  // replacement cache is dropped from it at once. Unknown ids: false.
  bool record_failure(const NodeId& id, std::size_t max_failures);
  // Removes `id` from its bucket (promoting the newest replacement) or its cache.
  bool remove(const NodeId& id);

  bool contains(const NodeId& id) const;
  // The contact of `id` in a bucket (not the replacement cache), if any.
  std::optional<Contact> get(const NodeId& id) const;
  // The n contacts closest to target, closest first, optionally without `exclude`.
  std::vector<Contact> closest(const NodeId& target, std::size_t n,
                               const NodeId* exclude = nullptr) const;
  std::size_t size() const;  // contacts in buckets (not in replacement caches)
  std::vector<Contact> all() const;
  // Bucket `index` (bucket_index convention), LRU first; and its replacement cache.
  std::vector<Contact> bucket(int index) const;
  std::vector<Contact> replacement_cache(int index) const;

  // Refresh bookkeeping: a lookup of `target` was made now (its bucket is fresh).
  void note_lookup(const NodeId& target, Clock::time_point now = Clock::now());
  // Indices of the buckets from 255 (farthest) down to our closest neighbour's in which no
  // lookup has been made since `before`.
  std::vector<int> stale_buckets(Clock::time_point before) const;

 private:
  struct Bucket;
  Bucket& bucket_for(const NodeId& id);  // REQUIRES: mu_ held, id != self_
  // The bucket id would be in, or nullptr for self or a bucket not yet made. REQUIRES: mu_.
  Bucket* existing_bucket(const NodeId& id);
  const Bucket* existing_bucket(const NodeId& id) const;
  // Drops a live contact and promotes a replacement into its place. REQUIRES: mu_ held.
  void drop_live(Bucket& b, const NodeId& id);

  const NodeId self_;
  const std::size_t k_;
  const std::size_t replacements_;
  const Clock::time_point created_;
  mutable std::mutex mu_;
  std::vector<Bucket> buckets_;  // by common prefix length with self (0 = farthest)
  std::size_t size_ = 0;
};

// --- The DHT ------------------------------------------------------------------------------

struct LookupStats {
  std::size_t rounds = 0;    // sequential rounds of up to alpha parallel requests
  std::size_t queries = 0;   // requests sent
  std::size_t failures = 0;  // requests that failed
  // The round whose replies first named the final closest contact (0: our table had it);
  // for find_value, the round in which the first holder answered (docs/dht.md §3).
  std::size_t hops = 0;
};

class Dht {
 public:
  // `transport` must outlive the Dht.
  Dht(Contact self, Transport& transport, Config config = {});
  Dht(const Dht&) = delete;
  Dht& operator=(const Dht&) = delete;

  const Contact& self() const { return self_; }
  const Config& config() const { return config_; }
  RoutingTable& table() { return table_; }
  const RoutingTable& table() const { return table_; }

  // Called for every request received and every reply: learns the sender (docs/dht.md §2).
  // Never sends anything; a full bucket queues its LRU contact for the next refresh().
  void observe(const Contact& c);
  // A request to c failed: counts it; drops c after config.max_failures in a row.
  void failed(const Contact& c);

  // Iterative lookup (docs/dht.md §3): the k closest live contacts to target, closest
  // first; includes self when self is among them. Blocks for the rounds it takes.
  std::vector<Contact> lookup(const NodeId& target, LookupStats* stats = nullptr);
  // The same walk for a replica set (docs/dht.md §3 "Narrow lookups"): stops once the
  // `width` closest candidates that have not failed have all answered, instead of the k
  // closest — enough to place `width` replicas, in fewer rounds (a 16-node network: one
  // or two rounds instead of querying all 15 others). Returns what answered, closest first.
  std::vector<Contact> lookup_closest(const NodeId& target, std::size_t width,
                                      LookupStats* stats = nullptr);
  // Iterative find_value: stops after the first round in which some node holds key.
  // Does not consult our own store. `closest`: the k closest answered contacts (and self).
  struct ValueLookup {
    std::vector<Contact> holders;
    std::vector<Contact> closest;
  };
  ValueLookup find_value(const NodeId& key, LookupStats* stats = nullptr);

  // Join: insert the seeds (self is skipped), look up our own id, then (refresh_on_join)
  // refresh the buckets beyond our closest neighbour. Errors: kBadInput for no seeds other
  // than self; kIo when none of them answered.
  Status bootstrap(std::span<const Contact> seeds);
  // Maintenance, once a minute: pings the queued LRU contacts (evicting the dead), then
  // looks up a random id in each bucket idle for config.refresh_interval. Returns the
  // number of refresh lookups made.
  std::size_t refresh();
  // The config.replication nodes that should hold key (may include self), from a lookup.
  std::vector<Contact> replica_set(const NodeId& key);

  // Answers to requests received (docs/dht.md §6); each first observe()s `from` when
  // given. Contacts: the k closest we know to the target, never `from` itself.
  std::vector<Contact> answer_find_node(const Contact* from, const NodeId& target);
  FindValueReply answer_find_value(const Contact* from, const NodeId& key, bool has_value);
  // The id to answer a ping with.
  const NodeId& answer_ping(const Contact* from);

 private:
  friend class LookupWalk;  // lookup.cpp
  NodeId random_id_in_bucket(int index);
  void ping_queued();

  const Contact self_;
  Transport& transport_;
  const Config config_;
  RoutingTable table_;
  std::mutex mu_;  // guards rng_ and ping_queue_
  std::mt19937_64 rng_;
  std::vector<Contact> ping_queue_;
};

}  // namespace cpc::dht
