// SPDX-License-Identifier: Apache-2.0
// MemoryNetwork (cpc/dht/memory_network.hpp): the Transport of the unit tests and the simulator.
// Each endpoint delivers a batch one request after the other on the caller's thread; over
// HTTP the node sends them in parallel, which changes timing but not results.
#include "cpc/dht/memory_network.hpp"

namespace cpc::dht {

class MemoryNetwork::Endpoint final : public Transport {
 public:
  Endpoint(MemoryNetwork& net, Contact self) : net_(net), self_(std::move(self)) {}

  std::vector<Result<std::vector<Contact>>> find_node(std::span<const Contact> to,
                                                      const NodeId& target) override {
    std::vector<Result<std::vector<Contact>>> out;
    out.reserve(to.size());
    for (const auto& c : to) {
      Dht* d = net_.reach(c.id);
      if (d == nullptr) {
        out.emplace_back(unreachable(c));
      } else {
        out.emplace_back(d->answer_find_node(&self_, target));
      }
    }
    return out;
  }

  std::vector<Result<FindValueReply>> find_value(std::span<const Contact> to,
                                                 const NodeId& key) override {
    std::vector<Result<FindValueReply>> out;
    out.reserve(to.size());
    for (const auto& c : to) {
      Dht* d = net_.reach(c.id);
      if (d == nullptr) {
        out.emplace_back(unreachable(c));
      } else {
        out.emplace_back(d->answer_find_value(&self_, key, net_.has_value(c.id, key)));
      }
    }
    return out;
  }

  std::vector<Status> ping(std::span<const Contact> to) override {
    std::vector<Status> out;
    out.reserve(to.size());
    for (const auto& c : to) {
      Dht* d = net_.reach(c.id);
      if (d == nullptr) {
        out.push_back(unreachable(c));
      } else if (d->answer_ping(&self_) != c.id) {
        out.push_back(Status::io("ping " + c.url + ": answered by another node"));
      } else {
        out.push_back(Status::ok());
      }
    }
    return out;
  }

 private:
  static Status unreachable(const Contact& c) { return Status::io(c.url + ": no answer"); }

  MemoryNetwork& net_;
  const Contact self_;
};

MemoryNetwork::MemoryNetwork() = default;
MemoryNetwork::~MemoryNetwork() = default;

Transport& MemoryNetwork::endpoint(const Contact& self) {
  std::lock_guard lock(mu_);
  endpoints_.push_back(std::make_unique<Endpoint>(*this, self));
  return *endpoints_.back();
}

void MemoryNetwork::attach(Dht& dht) {
  std::lock_guard lock(mu_);
  nodes_[dht.self().id] = &dht;
}

void MemoryNetwork::set_failed(const NodeId& id, bool failed) {
  std::lock_guard lock(mu_);
  if (failed) {
    failed_.insert(id);
  } else {
    failed_.erase(id);
  }
}

bool MemoryNetwork::is_failed(const NodeId& id) const {
  std::lock_guard lock(mu_);
  return failed_.count(id) != 0;
}

void MemoryNetwork::add_value(const NodeId& node, const NodeId& key) {
  std::lock_guard lock(mu_);
  values_[node].insert(key);
}

bool MemoryNetwork::has_value(const NodeId& node, const NodeId& key) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(node);
  return it != values_.end() && it->second.count(key) != 0;
}

Dht* MemoryNetwork::reach(const NodeId& id) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  if (failed_.count(id) != 0) return nullptr;
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

}  // namespace cpc::dht
