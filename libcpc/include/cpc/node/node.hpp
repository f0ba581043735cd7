// SPDX-License-Identifier: Apache-2.0
// cpc::node::Node — a running storage peer (docs/architecture.md §5, docs/node-api.md): the HTTP
// API over a BlobStore, a Kademlia DHT peer that replicates every block and record on its key's
// replica set, and the background threads that keep that replication up (bucket refresh,
// repair). cpc-node is a thin shell around start() and stop().
//
// Thread safety: start() and stop() from one controlling thread; everything else runs on
// the server's threads and the node's own background threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cpc/status.hpp"

namespace cpc::node {

struct NodeOptions {
  std::string data_dir = ".cpc";
  std::string listen = "127.0.0.1:7400";
  std::string key_path;                // default: data_dir/node.key, created 0600
  std::vector<std::string> bootstrap;  // peer URLs
  std::size_t replication = 3;         // copies of every block and record
  std::string genesis;                 // a genesis file to copy into data_dir
  // 64 hex: the genesis hash the node must run (--genesis-hash). With `bootstrap` and no
  // genesis of its own, the node adopts the bootstrap node's genesis (docs/peer-auth.md §7).
  std::string genesis_hash;
  std::chrono::milliseconds repair_interval{30000};
  std::chrono::milliseconds refresh_interval{60000};
  unsigned server_threads = 2;    // event loops
  unsigned blocking_threads = 8;  // handlers that wait on other nodes
  // Input limits of the HTTP server (docs/reliability.md; cpc-node --max-body etc.).
  std::size_t max_body = 2u << 20;      // request body bytes (413 beyond); a block's maximum
  unsigned max_connections = 1000;      // open connections; more are closed at accept
  unsigned max_connections_per_ip = 0;  // per client address; 0: no limit
  std::chrono::seconds connection_timeout{30};  // an idle connection is closed after this
  // With no transaction to commit, one empty block at most this often; 0: an empty block
  // after every commit wait (docs/consensus.md §6.3.1; cpc-node --empty-block-interval).
  std::chrono::milliseconds empty_block_interval{60000};
  // Once joined, register this node on chain (node.register: its URL and encryption key)
  // and again when they change; only registered nodes are offered as proxies
  // (docs/peer-auth.md §6; cpc-node --no-register sets it false).
  bool register_node = true;
};

class NodeImpl;

class Node {
 public:
  // Creates the data directory (0700) and node key if needed, opens the store, listens,
  // bootstraps from the given peers (a peer that cannot be reached is an error: kIo) and
  // starts the background threads. Errors: kIo (cannot bind, disk), kBadInput (bad flags).
  static Result<std::unique_ptr<Node>> start(const NodeOptions& options);
  ~Node();  // stop()
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Stops the server (requests in flight are cut off), joins the background threads and
  // closes the store. Idempotent.
  void stop();

  // "http://127.0.0.1:7400"
  const std::string& url() const;
  // 64 hex digits: BLAKE2b-256 of the node key's Ed25519 public key.
  std::string id_hex() const;

 private:
  explicit Node(std::unique_ptr<NodeImpl> impl);
  std::unique_ptr<NodeImpl> impl_;
};

}  // namespace cpc::node
