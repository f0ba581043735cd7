// SPDX-License-Identifier: Apache-2.0
// The chain inside a node (docs/consensus.md §9, docs/node-api.md §10): the LMDB-backed
// ChainState and Mempool, one engine thread running chain::Consensus (inbox of peers'
// messages, timeouts, a ~100 ms tick), a gossip thread that posts proposals, votes,
// evidence and transactions to every known peer in parallel (fire-and-forget, one retry),
// a sync thread that answers RequestBlocks by fetching committed blocks from peers, and
// the HTTP handlers of the chain API. Not a public header.
//
// Thread safety: the chain objects (state, mempool, engine) are guarded by one mutex;
// the engine thread holds it while it calls the engine, handlers while they read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "cpc/chain/consensus.hpp"
#include "lmdb_state_store.hpp"
#include "node_impl.hpp"
#include "proxy.hpp"

namespace cpc::node {

class ChainNode {
 public:
  // `key` is the node key: the node votes when it is a genesis validator, else follows.
  // `empty_block_interval`: docs/consensus.md §6.3.1 (0: an empty block after every commit).
  static Result<std::unique_ptr<ChainNode>> open(NodeImpl& node, const std::string& dir,
                                                 const chain::Genesis& genesis, keys::SecretKey key,
                                                 std::chrono::milliseconds empty_block_interval);
  ~ChainNode();
  void add_routes(const RouteAdder& add);
  Status start();  // the engine, gossip and sync threads; kIo when they cannot be created
  void stop();     // idempotent
  // Re-encryption requests answered so far (docs/sharing.md §3): 200s, and the others.

  // What GET /metrics reports of the chain.
  struct Stats {
    std::uint64_t height = 0;   // committed
    std::uint64_t round = 0;    // of the height being decided
    std::uint64_t mempool = 0;  // pending transactions
  };
  Stats stats();

 private:
  using Inbound =
      std::variant<chain::Proposal, chain::Vote, chain::Evidence, chain::CommittedBlock>;
  struct Outbound {
    std::string path;
    std::string body;
  };
  explicit ChainNode(NodeImpl& node) : node_(node) {}
  void engine_loop();
  void gossip_loop();
  void sync_loop();
  void handle(std::vector<chain::Action>& actions);
  void push(Inbound m);
  void gossip(std::string path, std::string body);
  std::vector<Peer> peers();
  // share_routes.cpp: GET /v1/node/key, /v1/proxies, /v1/nodes/{id}, /v1/grants,
  // POST /v1/reencrypt.
  void add_share_routes(const RouteAdder& add);
  // node_register.cpp (docs/peer-auth.md §6 "Registering"): every 5 s, unless --no-register,
  // submits node.register when the committed record does not hold this node's URL and
  // encryption key, or relays the pending one again. Engine thread, without mu_.
  void register_self(std::uint64_t now);
  // True when the committed record of `id` holds exactly `key` (its signing and
  // encryption keys). Takes mu_.
  bool registered_as(const Key& id, const keys::PublicKey& key);
  // The URL of each node id: this node's, the routing table's, else a DHT lookup's; ""
  // when none is found.
  std::vector<std::string> resolve_urls(const std::vector<Key>& ids);

  NodeImpl& node_;
  std::unique_ptr<LmdbStateStore> store_;
  std::unique_ptr<keys::SecretKey> key_;
  bool validator_ = false;

  std::mutex mu_;  // guards the members below, to tx_heights_
  std::unique_ptr<chain::ChainState> state_;
  std::unique_ptr<chain::Mempool> mempool_;
  std::unique_ptr<chain::Consensus> engine_;
  bool halted_ = false;
  // Heights of the latest blocks that hold transactions, oldest first (GET
  // /v1/chain/recent?txs=1): at most kTxIndexSize, found among the last kTxIndexScan blocks
  // at start and then kept up as blocks commit, in the engine step that commits them (under
  // mu_, before any reader can see the block's transactions as committed).
  static constexpr std::size_t kTxIndexSize = 256;
  static constexpr std::uint64_t kTxIndexScan = 10'000;
  std::deque<std::uint64_t> tx_heights_;

  std::mutex q_mu_;  // guards the queues and flags below
  std::condition_variable inbox_cv_, gossip_cv_, sync_cv_;
  std::deque<Inbound> inbox_;
  std::deque<Outbound> outbox_;
  std::uint64_t sync_from_ = 0;  // 0: nothing requested
  bool stopping_ = false;

  std::unique_ptr<proxy::Proxy> proxy_;  // made in add_share_routes()

  std::uint64_t register_due_ms_ = 0;       // engine thread only
  std::optional<chain::Hash> register_tx_;  // engine thread only: the last one submitted
  std::string register_record_;             // engine thread only: its record
  std::string register_error_;              // engine thread only: the last one logged
  std::vector<chain::Timeout> timeouts_;    // engine thread only
  std::uint64_t height_began_ms_ = 0;       // engine thread only: for the commit latency
  std::vector<std::thread> threads_;
};

}  // namespace cpc::node
