// SPDX-License-Identifier: Apache-2.0
// The iterative lookups of docs/dht.md §3: a shortlist ordered by distance to the target,
// rounds of up to alpha parallel requests to the closest contacts not yet asked, until the
// k closest that have not failed have all answered (find_value: until a holder answers).
//
// A walk lives on the calling thread's stack; it touches the Dht only through observe(),
// failed(), the routing table and the transport, all thread-safe, so lookups may run
// concurrently.
#include <algorithm>

#include "cpc/dht/dht.hpp"
#include "distance_key.hpp"

namespace cpc::dht {

class LookupWalk {
 public:
  LookupWalk(Dht& dht, const NodeId& target, bool want_value, std::size_t width = 0)
      : dht_(dht),
        target_(target),
        want_value_(want_value),
        width_(width == 0 ? dht.config_.k : std::min(width, dht.config_.k)) {
    dht_.table_.note_lookup(target);
    for (const auto& c : dht_.table_.closest(target, dht_.config_.k)) add(c, 0);
  }

  void run(LookupStats* stats) {
    LookupStats st;
    for (;;) {
      std::vector<std::size_t> batch = next_batch();
      if (batch.empty()) break;
      ++st.rounds;
      st.queries += batch.size();
      st.failures +=
          want_value_ ? ask_find_value(batch, st.rounds) : ask_find_node(batch, st.rounds);
      if (!holders_.empty()) {
        st.hops = st.rounds;
        break;
      }
    }
    if (holders_.empty()) {
      auto it = std::find_if(list_.begin(), list_.end(),
                             [](const Candidate& c) { return c.state == State::kAnswered; });
      st.hops = it == list_.end() ? 0 : it->round;
    }
    if (stats != nullptr) *stats = st;
  }

  // The k closest contacts that answered, with self merged in when it belongs.
  std::vector<Contact> closest() const {
    const std::size_t k = dht_.config_.k;
    const DistanceKey self_distance = distance_key(dht_.self_.id, target_);
    std::vector<Contact> out;
    bool self_added = false;
    for (const auto& c : list_) {
      if (out.size() == k) break;
      if (c.state != State::kAnswered) continue;
      if (!self_added && self_distance < c.dist) {
        out.push_back(dht_.self_);
        self_added = true;
        if (out.size() == k) break;
      }
      out.push_back(c.contact);
    }
    if (!self_added && out.size() < k) out.push_back(dht_.self_);
    return out;
  }

  std::vector<Contact> holders() && { return std::move(holders_); }

 private:
  enum class State { kFresh, kAnswered, kFailed };
  struct Candidate {
    DistanceKey dist;
    Contact contact;
    State state = State::kFresh;
    std::size_t round = 0;  // the round whose replies first named this contact
  };

  void add(const Contact& c, std::size_t round) {
    if (c.id == dht_.self_.id || c.url.empty()) return;
    // Distinct ids are at distinct distances from the target, so the ordered list is its
    // own index: an equal distance is the same contact, seen before.
    const DistanceKey d = distance_key(c.id, target_);
    auto pos =
        std::lower_bound(list_.begin(), list_.end(), d,
                         [](const Candidate& x, const DistanceKey& key) { return x.dist < key; });
    if (pos != list_.end() && pos->dist == d) return;
    list_.insert(pos, Candidate{d, c, State::kFresh, round});
  }

  // Up to alpha fresh contacts among the width_ (k unless narrowed) closest that have not
  // failed; empty when those have all answered.
  std::vector<std::size_t> next_batch() const {
    std::vector<std::size_t> batch;
    std::size_t considered = 0;
    for (std::size_t i = 0; i < list_.size() && considered < width_; ++i) {
      if (list_[i].state == State::kFailed) continue;
      ++considered;
      if (list_[i].state == State::kFresh) {
        batch.push_back(i);
        if (batch.size() == dht_.config_.alpha) break;
      }
    }
    return batch;
  }

  std::vector<Contact> contacts_of(const std::vector<std::size_t>& batch) const {
    std::vector<Contact> to;
    to.reserve(batch.size());
    for (std::size_t i : batch) to.push_back(list_[i].contact);
    return to;
  }

  // Marks the outcome of one request; returns whether it failed. The batch's indices stay
  // valid until every outcome is marked, because new contacts are added only afterwards.
  bool mark(std::size_t i, bool ok) {
    list_[i].state = ok ? State::kAnswered : State::kFailed;
    if (ok) {
      dht_.observe(list_[i].contact);
    } else {
      dht_.failed(list_[i].contact);
    }
    return !ok;
  }

  std::size_t ask_find_node(const std::vector<std::size_t>& batch, std::size_t round) {
    const auto to = contacts_of(batch);
    auto replies = dht_.transport_.find_node(to, target_);
    std::size_t failures = 0;
    std::vector<Contact> learnt;
    for (std::size_t n = 0; n < batch.size(); ++n) {
      const bool ok = n < replies.size() && replies[n].is_ok();
      failures += mark(batch[n], ok);
      if (ok) learnt.insert(learnt.end(), replies[n]->begin(), replies[n]->end());
    }
    for (const auto& c : learnt) add(c, round);
    return failures;
  }

  std::size_t ask_find_value(const std::vector<std::size_t>& batch, std::size_t round) {
    const auto to = contacts_of(batch);
    auto replies = dht_.transport_.find_value(to, target_);
    std::size_t failures = 0;
    std::vector<Contact> learnt;
    for (std::size_t n = 0; n < batch.size(); ++n) {
      const bool ok = n < replies.size() && replies[n].is_ok();
      failures += mark(batch[n], ok);
      if (!ok) continue;
      if (replies[n]->has_value) holders_.push_back(to[n]);
      learnt.insert(learnt.end(), replies[n]->closer.begin(), replies[n]->closer.end());
    }
    for (const auto& c : learnt) add(c, round);
    return failures;
  }

  Dht& dht_;
  const NodeId target_;
  const bool want_value_;
  const std::size_t width_;
  std::vector<Candidate> list_;  // ordered by distance to target_
  std::vector<Contact> holders_;
};

std::vector<Contact> Dht::lookup(const NodeId& target, LookupStats* stats) {
  LookupWalk walk(*this, target, false);
  walk.run(stats);
  return walk.closest();
}

std::vector<Contact> Dht::lookup_closest(const NodeId& target, std::size_t width,
                                         LookupStats* stats) {
  LookupWalk walk(*this, target, false, width);
  walk.run(stats);
  return walk.closest();
}

Dht::ValueLookup Dht::find_value(const NodeId& key, LookupStats* stats) {
  LookupWalk walk(*this, key, true);
  walk.run(stats);
  ValueLookup out;
  out.closest = walk.closest();
  out.holders = std::move(walk).holders();
  return out;
}

}  // namespace cpc::dht
