// SPDX-License-Identifier: Apache-2.0
// The inside of cpc::node::Node, shared by its source files: node.cpp (start-up, identity,
// shutdown), node_api.cpp (the HTTP routes and their handlers), node_auth.cpp (signed
// node-to-node routes and admission, docs/peer-auth.md), node_objects.cpp (blocks,
// objects and sums), node_replicate.cpp (the DHT routes, replica sets, the placement walk,
// remote fetches, repair, peers.json), explorer.cpp (the page at /), share_routes.cpp (the
// proxy's routes) and chain_node.hpp (the chain). Not a public header.
//
// Thread safety: handlers run concurrently on the server's threads and the background
// threads; store, metrics and the DHT (cpc/dht/dht.hpp) are thread-safe themselves.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "blob_store.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"
#include "cpc/node/node.hpp"
#include "metrics.hpp"
#include "peer_auth.hpp"

namespace cpc::node {

using Key = std::array<std::uint8_t, 32>;

// A node as the node layer sees it.
struct Peer {
  Key id{};
  std::string url;
};

// What a replicated write achieved (docs/node-api.md §3 "acknowledged").
struct Replication {
  std::size_t acks = 0;      // replica-set members that committed it (self included)
  std::size_t wanted = 0;    // min(replication, live nodes)
  std::vector<Key> holders;  // every node that committed it, replica set or not
  bool added = false;        // some holder did not have it before
  Status local_error;        // this node's own commit failed (it then counts as refused)
};

// Registers a route: method, path prefix, metrics endpoint name, blocking?, handler.
using RouteAdder = std::function<void(const char*, const char*, const char*, bool,
                                      std::function<net::Response(const net::Request&)>)>;

class ChainNode;  // chain_node.hpp

// The open descriptor of DATA_DIR/lock (docs/node-api.md §8); closing it ends the flock.
class DataDirLock {
 public:
  DataDirLock() = default;
  explicit DataDirLock(int fd) : fd_(fd) {}
  DataDirLock(DataDirLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  DataDirLock& operator=(DataDirLock&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

class NodeImpl {
 public:
  NodeOptions options;
  // Declared first, destroyed last: the data directory stays locked until the store and the
  // chain are closed.
  DataDirLock data_dir_lock;
  Key id{};
  std::string url;
  std::unique_ptr<BlobStore> store;
  net::HttpServer server;
  Metrics metrics;
  std::atomic<std::uint64_t> repair_pushes{0};
  // Set once another node has been seen: from then on a write needs two copies (§3).
  std::atomic<bool> networked{false};
  // Set when start_network() has joined (or found no one to join): client writes wait for
  // it, so that no write is acknowledged on a half-known replica set (§3).
  std::atomic<bool> network_ready{false};
  bool wait_network_ready();         // node_api.cpp
  std::unique_ptr<ChainNode> chain;  // opened before add_routes(), started after the server
  std::unique_ptr<PeerAuth> auth;    // set before add_routes(): signs and checks peers

  // --- node_auth.cpp (docs/peer-auth.md) ---
  // A node-to-node route: a request that is not signed for this node is answered 401; the
  // sender of one that is goes to admit(), and the answer is signed.
  using PeerHandler = std::function<net::Response(const net::Request&, const Sender&)>;
  std::function<net::Response(const net::Request&)> peer_route(PeerHandler h);
  net::Response unauthorized(const Refusal& why, const net::Request& r);
  // §5: a signed sender the table has at the URL it signed is marked seen; any other waits
  // (at most 256) for admit_pending(), which pings each at that URL and admits those whose
  // signed answer comes back (a new URL only with a newer signed time).
  void admit(const Sender& s);
  void admit_pending();
  // Signs a request to the node `to` as this node (its answer is checked against the nonce).
  Nonce sign(net::ClientRequest& q, const Key& to) const { return auth->sign_request(q, to, url); }

  explicit NodeImpl(const NodeOptions& o);
  ~NodeImpl();  // node_replicate.cpp, where Dht is complete

  void add_routes();
  void add_dht_routes(const RouteAdder& add);  // node_replicate.cpp
  void add_explorer_routes();                  // explorer.cpp: GET / and its assets

  // --- node_objects.cpp ---
  // A block from this node's store, else a verified copy from the network; kRefused
  // "not found: CID" when no node has it.
  Result<Bytes> fetch_block(const cid::Cid& c);
  // POST /v1/sum (docs/sharing.md §5).
  void add_object_routes(const RouteAdder& add);
  Status start_network();  // DHT, bootstrap, background threads
  void stop();

  // --- node_replicate.cpp ---
  // The live nodes closest to `key`, self included, nearest first; at most k.
  std::vector<Peer> closest_live(const Key& key);
  // The contacts a store answer names (docs/dht.md §3 "Placement walk"), never `from`.
  nlohmann::json closer_contacts(const Key& key, const std::optional<Peer>& from);
  // Stores on the replica set by the placement walk (docs/dht.md §3; self already holds
  // it, or is committing it): `request` builds the replica-store request for one peer.
  // `commit_self` commits locally (true: newly added); it runs when this node is in the
  // target set, or at the end when the write fell short.
  Replication replicate(const Key& key,
                        const std::function<net::ClientRequest(const Peer&)>& request,
                        const std::function<Result<bool>()>& commit_self);
  // A verified copy of a block from whichever node holds it; nullopt when none does.
  Result<std::optional<Bytes>> fetch_remote(const cid::Cid& cid);
  // The newest valid record any replica holds.
  Result<std::optional<record::Record>> fetch_remote_record(const record::Key& key);
  // Which of `peers` hold `key` (find_value); self answered locally.
  std::vector<bool> ask_holders(const Key& key, const std::vector<Peer>& peers);
  std::size_t peer_count();
  // DATA_DIR/peers.json: written within 2 s of a change and at stop, read at start (§8).
  std::string peers_path() const;
  void save_peers();
  std::vector<dht::Contact> saved_peers() const;
  // What save_peers() last wrote, and every node known (peers.json), under peers_mu_:
  // start_network(), the 2 s loop, stop() and the first observe() all reach them.
  std::mutex peers_mu_;
  std::string saved_text_;
  std::map<Key, std::string> known_;
  // Every node in the routing table (self excluded): where chain messages are gossiped.
  std::vector<Peer> all_peers();
  void observe(const Peer& p);
  void failed(const Peer& p);
  // The routing table's contact for `id` (none before the network started).
  std::optional<Peer> table_peer(const Key& id);
  // Signed pings (docs/peer-auth.md §5); each answer checked against the id pinged.
  std::vector<Status> ping(const std::vector<Peer>& to);
  void repair_once();

 private:
  struct Dht;
  std::unique_ptr<Dht> dht_;
  std::mutex admit_mu_;  // guards the three below
  std::map<Key, Sender> candidates_;
  std::map<Key, std::uint64_t> url_time_;  // the newest signed time admitted per id
  std::set<std::string> foreign_logged_;   // keys of other networks already logged
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stopping_ = false;
  std::vector<std::thread> background_;
};

std::string hex_id(const Key& k);
net::ServerOptions server_options(const NodeOptions& o);
// The peer's "from" JSON and headers.
std::string peer_url_header(const Peer& p);

}  // namespace cpc::node
