// SPDX-License-Identifier: Apache-2.0
// An in-memory network of Dht objects for unit tests and the simulator
// (bench/cpc_dht_sim.cpp): each node sends through its own endpoint, which delivers a
// request by calling the receiving Dht's answer_* functions directly. A node marked failed
// (or never attached) answers nothing: requests to it are a kIo Status, as a timeout would
// be over HTTP. Holding values is simulated by a set of (node, key) pairs.
//
// Thread safety: all members are safe to call from several threads; requests are delivered
// on the caller's thread without holding the network's lock. Attached Dht objects must
// outlive the network's use of them.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "cpc/dht/dht.hpp"

namespace cpc::dht {

class MemoryNetwork {
 public:
  MemoryNetwork();
  ~MemoryNetwork();
  MemoryNetwork(const MemoryNetwork&) = delete;
  MemoryNetwork& operator=(const MemoryNetwork&) = delete;

  // The transport that `self` sends through (its contact is the requests' sender). The
  // reference stays valid as long as the network.
  Transport& endpoint(const Contact& self);
  // Requests addressed to dht.self().id are answered by `dht` from now on.
  void attach(Dht& dht);
  // A failed node answers nothing until it is revived (set_failed(id, false)).
  void set_failed(const NodeId& id, bool failed = true);
  bool is_failed(const NodeId& id) const;
  // `node` answers find_value(key) with has_value = true.
  void add_value(const NodeId& node, const NodeId& key);
  bool has_value(const NodeId& node, const NodeId& key) const;
  // Requests delivered or refused so far.
  std::uint64_t requests() const { return requests_.load(); }

 private:
  class Endpoint;
  // The Dht that answers `id`, or null when it is unknown or failed; counts the request.
  Dht* reach(const NodeId& id);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::unordered_map<NodeId, Dht*, NodeIdHash> nodes_;
  std::unordered_set<NodeId, NodeIdHash> failed_;
  std::unordered_map<NodeId, std::unordered_set<NodeId, NodeIdHash>, NodeIdHash> values_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace cpc::dht
