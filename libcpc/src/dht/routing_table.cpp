// SPDX-License-Identifier: Apache-2.0
// The routing table of docs/dht.md §2: k-buckets in least-recently-seen order with
// replacement caches, failure counts and refresh times.
//
// Buckets are stored by the length of the prefix a contact shares with self (0 = the far
// half, bucket_index 255) and allocated only down to the deepest one used, so a table in a
// network of N nodes holds about log2(N) buckets instead of 256. All members are guarded
// by mu_.
#include <algorithm>

#include "cpc/dht/dht.hpp"
#include "distance_key.hpp"

namespace cpc::dht {

namespace {

// Common prefix length of self and id, the storage index of id's bucket (0..255).
std::size_t prefix_length(const NodeId& self, const NodeId& id) {
  return static_cast<std::size_t>(255 - bucket_index(self, id));
}

}  // namespace

struct RoutingTable::Bucket {
  struct Entry {
    Contact contact;
    std::size_t failures = 0;
  };
  std::vector<Entry> live;     // least recently seen first
  std::vector<Contact> cache;  // replacement cache, most recently seen last
  Clock::time_point last_lookup;

  auto find(const NodeId& id) {
    return std::find_if(live.begin(), live.end(),
                        [&](const Entry& e) { return same_id(e.contact.id, id); });
  }
  auto find_cached(const NodeId& id) {
    return std::find_if(cache.begin(), cache.end(),
                        [&](const Contact& c) { return same_id(c.id, id); });
  }
  // Moves the newest replacement into the bucket, if any.
  bool promote() {
    if (cache.empty()) return false;
    live.push_back({std::move(cache.back()), 0});
    cache.pop_back();
    return true;
  }
};

RoutingTable::RoutingTable(NodeId self, std::size_t k, std::size_t replacements)
    : self_(self), k_(k), replacements_(replacements), created_(Clock::now()) {}

RoutingTable::~RoutingTable() = default;

RoutingTable::Bucket& RoutingTable::bucket_for(const NodeId& id) {
  const std::size_t p = prefix_length(self_, id);
  while (buckets_.size() <= p) {
    buckets_.emplace_back();
    buckets_.back().last_lookup = created_;
  }
  return buckets_[p];
}

RoutingTable::Insert RoutingTable::insert(const Contact& c) {
  if (c.id == self_ || c.url.empty()) return {};
  std::lock_guard lock(mu_);
  Bucket& b = bucket_for(c.id);
  if (auto it = b.find(c.id); it != b.live.end()) {
    Bucket::Entry e{c, 0};
    b.live.erase(it);
    b.live.push_back(std::move(e));
    return {Outcome::kUpdated, std::nullopt};
  }
  if (auto it = b.find_cached(c.id); it != b.cache.end()) b.cache.erase(it);
  if (b.live.size() < k_) {
    b.live.push_back({c, 0});
    ++size_;
    return {Outcome::kAdded, std::nullopt};
  }
  if (replacements_ > 0) {
    if (b.cache.size() >= replacements_) b.cache.erase(b.cache.begin());
    b.cache.push_back(c);
  }
  return {Outcome::kFull, b.live.front().contact};
}

RoutingTable::Bucket* RoutingTable::existing_bucket(const NodeId& id) {
  if (id == self_) return nullptr;
  const std::size_t p = prefix_length(self_, id);
  return p < buckets_.size() ? &buckets_[p] : nullptr;
}

const RoutingTable::Bucket* RoutingTable::existing_bucket(const NodeId& id) const {
  return const_cast<RoutingTable*>(this)->existing_bucket(id);
}

void RoutingTable::drop_live(Bucket& b, const NodeId& id) {
  b.live.erase(b.find(id));
  if (!b.promote()) --size_;
}

bool RoutingTable::touch(const NodeId& id) {
  std::lock_guard lock(mu_);
  Bucket* bp = existing_bucket(id);
  if (bp == nullptr) return false;
  Bucket& b = *bp;
  auto it = b.find(id);
  if (it == b.live.end()) return false;
  it->failures = 0;
  std::rotate(it, it + 1, b.live.end());
  return true;
}

bool RoutingTable::record_failure(const NodeId& id, std::size_t max_failures) {
  std::lock_guard lock(mu_);
  Bucket* bp = existing_bucket(id);
  if (bp == nullptr) return false;
  Bucket& b = *bp;
  if (auto it = b.find_cached(id); it != b.cache.end()) {
    b.cache.erase(it);
    return false;
  }
  auto it = b.find(id);
  if (it == b.live.end()) return false;
  if (++it->failures < max_failures) return false;
  drop_live(b, id);
  return true;
}

bool RoutingTable::remove(const NodeId& id) {
  std::lock_guard lock(mu_);
  Bucket* bp = existing_bucket(id);
  if (bp == nullptr) return false;
  Bucket& b = *bp;
  if (auto it = b.find_cached(id); it != b.cache.end()) {
    b.cache.erase(it);
    return true;
  }
  if (b.find(id) == b.live.end()) return false;
  drop_live(b, id);
  return true;
}

std::optional<Contact> RoutingTable::get(const NodeId& id) const {
  std::lock_guard lock(mu_);
  const Bucket* b = existing_bucket(id);
  if (b == nullptr) return std::nullopt;
  for (const auto& e : b->live) {
    if (same_id(e.contact.id, id)) return e.contact;
  }
  return std::nullopt;
}

bool RoutingTable::contains(const NodeId& id) const {
  std::lock_guard lock(mu_);
  const Bucket* b = existing_bucket(id);
  if (b == nullptr) return false;
  const auto& live = b->live;
  return std::any_of(live.begin(), live.end(),
                     [&](const auto& e) { return same_id(e.contact.id, id); });
}

std::vector<Contact> RoutingTable::closest(const NodeId& target, std::size_t n,
                                           const NodeId* exclude) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<DistanceKey, const Contact*>> found;
  // Equal distances to target are equal ids: compare keys rather than ids.
  const bool has_skip = exclude != nullptr;
  const DistanceKey skip = has_skip ? distance_key(*exclude, target) : DistanceKey{};
  auto take = [&](const Bucket& b) {
    for (const auto& e : b.live) {
      const DistanceKey d = distance_key(e.contact.id, target);
      if (!has_skip || !(d == skip)) found.emplace_back(d, &e.contact);
    }
  };
  // Buckets fall into groups ordered by distance to target, each group entirely closer
  // than the next (docs/dht.md §2): with j the prefix target shares with self, bucket j,
  // then every bucket deeper than j, then buckets j-1, j-2, …, 0. When target is self,
  // deeper buckets are closer. Whole groups are taken until there are n contacts.
  const int index = bucket_index(self_, target);
  const std::size_t depth = buckets_.size();
  if (index < 0) {
    for (std::size_t p = depth; p-- > 0 && found.size() < n;) take(buckets_[p]);
  } else {
    const auto j = static_cast<std::size_t>(255 - index);
    if (j < depth) take(buckets_[j]);
    if (found.size() < n) {
      for (std::size_t p = j + 1; p < depth; ++p) take(buckets_[p]);
    }
    for (std::size_t p = std::min(j, depth); p-- > 0 && found.size() < n;) take(buckets_[p]);
  }
  const std::size_t m = std::min(n, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(m), found.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Contact> out;
  out.reserve(m);
  for (std::size_t i = 0; i < m; ++i) out.push_back(*found[i].second);
  return out;
}

std::size_t RoutingTable::size() const {
  std::lock_guard lock(mu_);
  return size_;
}

std::vector<Contact> RoutingTable::all() const {
  std::lock_guard lock(mu_);
  std::vector<Contact> out;
  out.reserve(size_);
  for (const auto& b : buckets_) {
    for (const auto& e : b.live) out.push_back(e.contact);
  }
  return out;
}

std::vector<Contact> RoutingTable::bucket(int index) const {
  std::lock_guard lock(mu_);
  std::vector<Contact> out;
  const auto p = static_cast<std::size_t>(255 - index);
  if (index < 0 || index > 255 || p >= buckets_.size()) return out;
  for (const auto& e : buckets_[p].live) out.push_back(e.contact);
  return out;
}

std::vector<Contact> RoutingTable::replacement_cache(int index) const {
  std::lock_guard lock(mu_);
  const auto p = static_cast<std::size_t>(255 - index);
  if (index < 0 || index > 255 || p >= buckets_.size()) return {};
  return buckets_[p].cache;
}

void RoutingTable::note_lookup(const NodeId& target, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (buckets_.empty()) return;
  // A lookup of our own id explores the deepest bucket; beyond it there is nothing yet.
  const int index = bucket_index(self_, target);
  const std::size_t p = index < 0 ? buckets_.size() - 1 : static_cast<std::size_t>(255 - index);
  if (p < buckets_.size()) buckets_[p].last_lookup = now;
}

std::vector<int> RoutingTable::stale_buckets(Clock::time_point before) const {
  std::lock_guard lock(mu_);
  std::size_t depth = buckets_.size();
  while (depth > 0 && buckets_[depth - 1].live.empty()) --depth;
  std::vector<int> out;
  for (std::size_t p = 0; p < depth; ++p) {
    if (buckets_[p].last_lookup < before) out.push_back(255 - static_cast<int>(p));
  }
  return out;
}

}  // namespace cpc::dht
