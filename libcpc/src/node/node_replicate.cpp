// SPDX-License-Identifier: Apache-2.0
// Single-node placeholder of the replication layer: the node is its own replica set.
#include "node_impl.hpp"

namespace cpc::node {

struct NodeImpl::Dht {};

NodeImpl::NodeImpl(const NodeOptions& o) : options(o), server(server_options(o)) {}

NodeImpl::~NodeImpl() {
  stop();
}

Status NodeImpl::start_network() {
  return Status::ok();
}

void NodeImpl::stop() {
  server.stop();
  store.reset();
}

std::vector<Peer> NodeImpl::closest_live(const Key&) {
  return {Peer{id, url}};
}

Replication NodeImpl::replicate(const Key&, const std::function<net::ClientRequest(const Peer&)>&) {
  return {1, 1, {id}};
}

Result<std::optional<Bytes>> NodeImpl::fetch_remote(const cid::Cid&) {
  return std::optional<Bytes>{};
}

Result<std::optional<record::Record>> NodeImpl::fetch_remote_record(const record::Key&) {
  return std::optional<record::Record>{};
}

std::vector<bool> NodeImpl::ask_holders(const Key& key, const std::vector<Peer>& peers) {
  std::vector<bool> out;
  for (const auto& p : peers) {
    auto h = store->has_key(key);
    out.push_back(p.id == id && h && *h);
  }
  return out;
}

std::size_t NodeImpl::peer_count() {
  return 0;
}
void NodeImpl::observe(const Peer&) {}
void NodeImpl::failed(const Peer&) {}
void NodeImpl::repair_once() {}
void NodeImpl::add_dht_routes(const RouteAdder&) {}

}  // namespace cpc::node
