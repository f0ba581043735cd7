// SPDX-License-Identifier: Apache-2.0
// The Dht object (docs/dht.md §2–§4, §6): learning and forgetting contacts, joining,
// refreshing buckets and answering requests. The lookups themselves are in lookup.cpp.
//
// Thread safety: mu_ guards the random generator and the queue of LRU contacts to ping;
// it is never held while the transport runs.
#include <algorithm>

#include "cpc/dht/dht.hpp"

namespace cpc::dht {

namespace {

// Bound on the LRU contacts waiting for a ping: a burst of newcomers must not turn the
// next refresh() into a flood.
constexpr std::size_t kMaxQueuedPings = 256;

std::uint64_t initial_seed(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

Dht::Dht(Contact self, Transport& transport, Config config)
    : self_(std::move(self)),
      transport_(transport),
      config_(config),
      table_(self_.id, config.k, config.replacements),
      rng_(initial_seed(config.seed)) {}

void Dht::observe(const Contact& c) {
  auto r = table_.insert(c);
  if (r.outcome != RoutingTable::Outcome::kFull || !r.lru) return;
  std::lock_guard lock(mu_);
  const bool queued = std::any_of(ping_queue_.begin(), ping_queue_.end(),
                                  [&](const Contact& q) { return q.id == r.lru->id; });
  if (!queued && ping_queue_.size() < kMaxQueuedPings) ping_queue_.push_back(*r.lru);
}

void Dht::failed(const Contact& c) {
  // A failure at another URL than the table's says nothing about the contact: a peer that
  // names a known id with a URL of its own must not get that contact dropped
  // (docs/peer-auth.md §5).
  if (auto known = table_.get(c.id); known && known->url != c.url) return;
  table_.record_failure(c.id, config_.max_failures);
}

void Dht::ping_queued() {
  std::vector<Contact> queue;
  {
    std::lock_guard lock(mu_);
    queue.swap(ping_queue_);
  }
  if (queue.empty()) return;
  auto replies = transport_.ping(queue);
  for (std::size_t i = 0; i < queue.size(); ++i) {
    // Paper §2.2: an LRU contact that answers stays (moved to the tail) and the newcomer
    // waits in the replacement cache; one that does not is evicted for the newcomer.
    if (i < replies.size() && replies[i].is_ok()) {
      table_.insert(queue[i]);
    } else {
      table_.remove(queue[i].id);
    }
  }
}

NodeId Dht::random_id_in_bucket(int index) {
  NodeId id{};
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < id.size(); i += 8) {
      const std::uint64_t r = rng_();
      for (std::size_t b = 0; b < 8; ++b) id[i + b] = static_cast<std::uint8_t>(r >> (8 * b));
    }
  }
  // Keep self's first p bits, flip bit p, keep the random rest: distance in [2^i, 2^(i+1)).
  const auto p = static_cast<std::size_t>(255 - index);
  const std::size_t byte = p / 8;
  const auto bit = static_cast<std::uint8_t>(0x80u >> (p % 8));
  for (std::size_t i = 0; i < byte; ++i) id[i] = self_.id[i];
  const auto high = static_cast<std::uint8_t>(~((bit << 1) - 1));  // bits before p
  const auto low = static_cast<std::uint8_t>(bit - 1);             // bits after p
  id[byte] = static_cast<std::uint8_t>((self_.id[byte] & high) | ((self_.id[byte] ^ bit) & bit) |
                                       (id[byte] & low));
  return id;
}

Status Dht::bootstrap(std::span<const Contact> seeds) {
  std::size_t tried = 0;
  for (const auto& s : seeds) {
    if (s.id == self_.id || s.url.empty()) continue;
    table_.insert(s);
    ++tried;
  }
  if (tried == 0) return Status::bad_input("no bootstrap contact other than this node");
  const auto started = RoutingTable::Clock::now();
  LookupStats st;
  lookup(self_.id, &st);
  if (st.queries == st.failures) {
    return Status::io("no bootstrap node answered (" + std::to_string(tried) + " tried)");
  }
  if (config_.refresh_on_join) {
    // Paper §2.3: refresh every bucket farther than our closest neighbour.
    for (int index : table_.stale_buckets(started)) lookup(random_id_in_bucket(index));
  }
  return Status::ok();
}

std::size_t Dht::refresh() {
  ping_queued();
  const auto stale = table_.stale_buckets(RoutingTable::Clock::now() - config_.refresh_interval);
  for (int index : stale) lookup(random_id_in_bucket(index));
  return stale.size();
}

std::vector<Contact> Dht::replica_set(const NodeId& key) {
  auto closest = lookup(key);
  if (closest.size() > config_.replication) closest.resize(config_.replication);
  return closest;
}

std::vector<Contact> Dht::answer_find_node(const Contact* from, const NodeId& target) {
  if (from != nullptr) observe(*from);
  return table_.closest(target, config_.k, from != nullptr ? &from->id : nullptr);
}

FindValueReply Dht::answer_find_value(const Contact* from, const NodeId& key, bool has_value) {
  return {has_value, answer_find_node(from, key)};
}

const NodeId& Dht::answer_ping(const Contact* from) {
  if (from != nullptr) observe(*from);
  return self_.id;
}

}  // namespace cpc::dht
