// SPDX-License-Identifier: Apache-2.0
// The chain inside a node (chain_node.hpp, docs/node-api.md §10): engine, gossip and sync
// threads and the chain API handlers.
#include "chain_node.hpp"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <system_error>

#include "cpc/chain/verify.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/io/log.hpp"

namespace cpc::node {

namespace {

using net::Request;
using net::Response;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Result<std::uint64_t> path_height(const std::string& path, const std::string& prefix) {
  const std::string rest = path.substr(prefix.size());
  if (rest.empty() || rest.size() > 15 || rest.find_first_not_of("0123456789") != rest.npos) {
    return Status::bad_input("bad height: " + rest);
  }
  return std::stoull(rest);
}

// A committed block as GET /v1/chain/recent lists it: the header's main fields and every
// transaction without its signature, with its id.
nlohmann::json block_brief(const chain::CommittedBlock& cb) {
  const chain::BlockHeader& hd = cb.block.header;
  nlohmann::json txs = nlohmann::json::array();
  for (const auto& tx : cb.block.txs) {
    const std::string rec = chain::tx_record(tx);
    nlohmann::json t = nlohmann::json::parse(rec);
    t.erase("sig");
    t.erase("type");
    t.erase("chain");
    t["id"] = chain::to_hex(chain::tx_id_of_record(rec));
    txs.push_back(std::move(t));
  }
  return {{"height", hd.height},
          {"hash", chain::to_hex(cb.commit.block)},
          {"time", hd.time_ms},
          {"round", hd.round},
          {"proposer", hex::encode(hd.proposer)},
          {"precommits", cb.commit.precommits.size()},
          {"evidence", cb.block.evidence.size()},
          {"txs", std::move(txs)}};
}

// Adds the heights of the committed blocks among `actions` that hold transactions to the
// index of GET /v1/chain/recent?txs=1 (oldest first, at most `keep`). Called under the chain
// lock in the same critical section as the engine step that committed them, so that no
// reader sees a transaction committed (GET /v1/tx/{id}) before the index lists its block.
void index_tx_blocks(const std::vector<chain::Action>& actions, std::deque<std::uint64_t>& heights,
                     std::size_t keep) {
  for (const auto& a : actions) {
    const auto* c = std::get_if<chain::Committed>(&a);
    if (c == nullptr || c->block.block.txs.empty()) continue;
    heights.push_back(c->block.block.header.height);
    if (heights.size() > keep) heights.pop_front();
  }
}

}  // namespace

Result<std::unique_ptr<ChainNode>> ChainNode::open(NodeImpl& node, const std::string& dir,
                                                   const chain::Genesis& genesis,
                                                   keys::SecretKey key,
                                                   std::chrono::milliseconds empty_block_interval) {
  std::unique_ptr<ChainNode> c(new ChainNode(node));
  auto st = LmdbStateStore::open(dir);
  CPC_RETURN_IF_ERROR(st);
  c->store_ = std::move(*st);
  auto state = chain::ChainState::open(genesis, *c->store_);
  CPC_RETURN_IF_ERROR(state.status().with_context("chain in " + dir));
  c->state_ = std::move(*state);
  c->mempool_ = std::make_unique<chain::Mempool>(*c->state_);
  // The index of recent blocks with transactions, from the latest blocks on disk.
  const std::uint64_t head = c->state_->height();
  for (std::uint64_t h = head; h >= 1 && head - h < kTxIndexScan; --h) {
    auto cb = c->state_->block_at(h);
    CPC_RETURN_IF_ERROR(cb);
    if (!cb->block.txs.empty()) c->tx_heights_.push_front(h);
    if (c->tx_heights_.size() == kTxIndexSize) break;
  }
  c->validator_ = c->state_->validators().index_of(key.public_key().sign).has_value();
  c->key_ = std::make_unique<keys::SecretKey>(std::move(key));
  chain::ConsensusConfig cfg;
  cfg.mempool = c->mempool_.get();
  cfg.empty_block_interval_ms = static_cast<std::uint64_t>(empty_block_interval.count());
  c->engine_ =
      std::make_unique<chain::Consensus>(c->validator_ ? c->key_.get() : nullptr, *c->state_, cfg);
  return c;
}

ChainNode::~ChainNode() {
  stop();
}

Status ChainNode::start() {
  // No exception leaves libcpc, not even from a thread: one that escapes a loop (an
  // allocation failure, most likely) halts the chain with a log line and the node keeps
  // serving, instead of std::terminate ending the process.
  // Marks the chain halted first (logging may fail to allocate too), then says why.
  auto halt = [this](const char* name, const char* what) noexcept {
    {
      std::lock_guard lock(mu_);
      halted_ = true;
    }
    try {
      const std::string why = std::string(name) + ": " + what;
      log::error("chain halted", {{"reason", why}}, "chain halted: " + why);
    } catch (...) {
    }
  };
  auto guarded = [this, halt](const char* name, void (ChainNode::*loop)()) {
    return std::thread([this, halt, name, loop] {
      try {
        (this->*loop)();
      } catch (const std::exception& e) {
        halt(name, e.what());
      } catch (...) {
        halt(name, "unknown exception");
      }
    });
  };
  try {
    threads_.reserve(3);  // a push_back that throws must not drop a running thread
    threads_.push_back(guarded("engine", &ChainNode::engine_loop));
    threads_.push_back(guarded("gossip", &ChainNode::gossip_loop));
    threads_.push_back(guarded("sync", &ChainNode::sync_loop));
  } catch (const std::system_error& e) {
    stop();  // joins the threads that did start
    return Status::io(std::string("cannot start the chain's threads: ") + e.what());
  }
  return Status::ok();
}

void ChainNode::stop() {
  {
    std::lock_guard lock(q_mu_);
    stopping_ = true;
  }
  inbox_cv_.notify_all();
  gossip_cv_.notify_all();
  sync_cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::vector<Peer> ChainNode::peers() {
  return node_.all_peers();
}

void ChainNode::push(Inbound m) {
  {
    std::lock_guard lock(q_mu_);
    if (inbox_.size() >= 10'000) inbox_.pop_front();  // a flood costs the flooder's messages
    inbox_.push_back(std::move(m));
  }
  inbox_cv_.notify_one();
}

void ChainNode::gossip(std::string path, std::string body) {
  {
    std::lock_guard lock(q_mu_);
    if (outbox_.size() >= 10'000) outbox_.pop_front();
    outbox_.push_back({std::move(path), std::move(body)});
  }
  gossip_cv_.notify_one();
}

ChainNode::Stats ChainNode::stats() {
  std::lock_guard lock(mu_);
  return {state_->height(), engine_->round(), mempool_->size()};
}

void ChainNode::engine_loop() {
  std::vector<chain::Action> out;
  height_began_ms_ = now_ms();
  {
    std::lock_guard lock(mu_);
    out = engine_->start(now_ms());
    index_tx_blocks(out, tx_heights_, kTxIndexSize);
  }
  handle(out);
  std::uint64_t last_tick = 0;
  for (;;) {
    std::deque<Inbound> in;
    {
      std::unique_lock lock(q_mu_);
      inbox_cv_.wait_for(lock, std::chrono::milliseconds(100),
                         [&] { return stopping_ || !inbox_.empty(); });
      if (stopping_) return;
      in.swap(inbox_);
    }
    out.clear();
    {
      std::lock_guard lock(mu_);
      if (halted_) continue;
      auto add = [&](std::vector<chain::Action> a) {
        for (auto& x : a) out.push_back(std::move(x));
      };
      for (auto& m : in) {
        const std::uint64_t now = now_ms();
        if (auto* p = std::get_if<chain::Proposal>(&m)) add(engine_->on_proposal(*p, now));
        if (auto* v = std::get_if<chain::Vote>(&m)) add(engine_->on_vote(*v, now));
        if (auto* e = std::get_if<chain::Evidence>(&m)) add(engine_->on_evidence(*e, now));
        if (auto* b = std::get_if<chain::CommittedBlock>(&m)) {
          add(engine_->on_committed_block(*b, now));
        }
      }
      const std::uint64_t now = now_ms();
      std::vector<chain::Timeout> due;
      std::erase_if(timeouts_, [&](const chain::Timeout& t) {
        if (t.at_ms > now) return false;
        due.push_back(t);
        return true;
      });
      for (const auto& t : due) add(engine_->on_timeout(t, now));
      if (now >= last_tick + 100) {
        last_tick = now;
        add(engine_->on_tick(now));
      }
      // Read-your-writes (docs/node-api.md §10): a block the engine committed in this step
      // is already in the state, hence GET /v1/tx/{id} says "committed"; every other view
      // of it is published before the lock is released, never after.
      index_tx_blocks(out, tx_heights_, kTxIndexSize);
    }
    handle(out);
    register_self(now_ms());
  }
}

void ChainNode::handle(std::vector<chain::Action>& actions) {
  for (auto& a : actions) {
    if (auto* p = std::get_if<chain::BroadcastProposal>(&a)) {
      gossip("/v1/chain/proposal", chain::proposal_record(p->proposal));
    } else if (auto* v = std::get_if<chain::BroadcastVote>(&a)) {
      gossip("/v1/chain/vote", chain::vote_record(v->vote));
    } else if (auto* e = std::get_if<chain::BroadcastEvidence>(&a)) {
      gossip("/v1/chain/evidence", chain::evidence_record(e->evidence));
    } else if (auto* t = std::get_if<chain::ScheduleTimeout>(&a)) {
      timeouts_.push_back(t->timeout);
    } else if (auto* c = std::get_if<chain::Committed>(&a)) {
      // The next height begins now.
      const std::uint64_t now = now_ms();
      const std::uint64_t took = now > height_began_ms_ ? now - height_began_ms_ : 0;
      node_.metrics.observe_commit(static_cast<double>(took) / 1000.0);
      height_began_ms_ = now;
      // Already in the state and in tx_heights_ (engine_loop, under mu_): only reported here.
      // Blocks with transactions, and every 1000th: an idle chain commits empty blocks.
      const auto& h = c->block.block.header;
      if (c->block.block.txs.empty() && h.height % 1000 != 0) continue;
      const std::size_t txs = c->block.block.txs.size();
      log::info(
          "committed block",
          {{"height", h.height}, {"txs", txs}, {"block", chain::to_hex(c->block.commit.block)}},
          "committed block " + std::to_string(h.height) + " (" + std::to_string(txs) + " txs) " +
              chain::short_hex(c->block.commit.block));
    } else if (auto* r = std::get_if<chain::RequestBlocks>(&a)) {
      {
        std::lock_guard lock(q_mu_);
        sync_from_ = r->from_height;
      }
      sync_cv_.notify_one();
    } else if (auto* h = std::get_if<chain::Halt>(&a)) {
      log::error("chain halted", {{"reason", h->status.message()}},
                 "chain halted: " + h->status.message());
      std::lock_guard lock(mu_);
      halted_ = true;
    }
  }
}

void ChainNode::gossip_loop() {
  net::ClientOptions opts;
  opts.connect_timeout_ms = 1000;
  opts.timeout_ms = 3000;
  for (;;) {
    std::vector<Outbound> batch;
    {
      std::unique_lock lock(q_mu_);
      gossip_cv_.wait(lock, [&] { return stopping_ || !outbox_.empty(); });
      if (stopping_) return;
      // Transactions relayed together: one request carries up to 256 of them (NDJSON).
      std::size_t tx_at = batch.size(), txs = 0;  // the open transaction batch, if any
      while (!outbox_.empty() && batch.size() < 64) {
        Outbound& m = outbox_.front();
        const bool tx = m.path == "/v1/chain/tx";
        if (tx && txs > 0 && txs < 256) {
          batch[tx_at].body += '\n';
          batch[tx_at].body += m.body;
          ++txs;
        } else {
          if (tx) {
            tx_at = batch.size();
            txs = 1;
          }
          batch.push_back(std::move(m));
        }
        outbox_.pop_front();
      }
    }
    const std::vector<Peer> to = peers();
    std::vector<net::ClientRequest> reqs;
    for (const auto& m : batch) {
      for (const auto& p : to) {
        net::ClientRequest q;
        q.method = "POST";
        q.url = p.url + m.path;
        q.headers = {{"Content-Type", "application/json"}};
        q.body = m.body;
        node_.sign(q, p.id);  // a signed request to each peer (docs/peer-auth.md §3)
        reqs.push_back(std::move(q));
      }
    }
    if (reqs.empty()) continue;
    auto res = net::perform_all(reqs, 16, opts);
    std::vector<net::ClientRequest> again;  // one retry of what timed out or failed
    for (std::size_t i = 0; i < res.size(); ++i) {
      if (!res[i] && res[i].status().message().find("refused") == std::string::npos) {
        again.push_back(std::move(reqs[i]));
      }
    }
    if (!again.empty()) net::perform_all(again, 16, opts);
  }
}

void ChainNode::sync_loop() {
  net::ClientOptions opts;
  opts.connect_timeout_ms = 1000;
  opts.timeout_ms = 5000;
  opts.max_response = 80u << 20;
  for (;;) {
    std::uint64_t from = 0;
    {
      std::unique_lock lock(q_mu_);
      sync_cv_.wait(lock, [&] { return stopping_ || sync_from_ != 0; });
      if (stopping_) return;
      from = sync_from_;
      sync_from_ = 0;
    }
    net::HttpClient http(opts);
    const std::vector<Peer> from_peers = peers();
    // Up to 256 blocks per request; the engine asks again while still behind.
    for (std::uint64_t h = from; h < from + 256; ++h) {
      bool got = false;
      for (const auto& p : from_peers) {
        auto r = http.get(p.url + "/v1/chain/blocks/" + std::to_string(h));
        if (!r || r->status != 200) continue;
        auto cb = chain::parse_committed_block(r->body);
        if (!cb) continue;
        push(std::move(*cb));
        got = true;
        break;
      }
      if (!got) break;
      std::lock_guard lock(q_mu_);
      if (stopping_) return;
    }
  }
}

void ChainNode::add_routes(const RouteAdder& add) {
  auto inbound = [this](const char* what) {
    return node_.peer_route([this, what](const Request& r, const Sender&) {
      const std::string w = what;
      if (w == "proposal") {
        auto p = chain::parse_proposal(r.body);
        if (!p) return Response::error(400, p.status().message());
        push(std::move(*p));
      } else if (w == "vote") {
        auto v = chain::parse_vote(r.body);
        if (!v) return Response::error(400, v.status().message());
        push(std::move(*v));
      } else {
        auto e = chain::parse_evidence(r.body);
        if (!e) return Response::error(400, e.status().message());
        push(std::move(*e));
      }
      return Response::json(202, {{"accepted", true}});
    });
  };
  add("POST", "/v1/chain/proposal", "chain_proposal", false, inbound("proposal"));
  add("POST", "/v1/chain/vote", "chain_vote", false, inbound("vote"));
  add("POST", "/v1/chain/evidence", "chain_evidence", false, inbound("evidence"));

  // A transaction: into the mempool; relayed to the peers when submitted by a client.
  auto submit = [this](const Request& r, bool relay) {
    auto tx = chain::parse_tx(r.body);
    if (!tx) return Response::error(400, tx.status().message());
    const chain::Hash id = chain::tx_id(*tx);
    {
      std::lock_guard lock(mu_);
      if (state_->locate_tx(id)) return Response::error(409, "already committed");
      if (!mempool_->contains(id)) {
        if (auto s = mempool_->add(*tx); !s) return Response::from_status(s);
      }
    }
    if (relay) gossip("/v1/chain/tx", chain::tx_record(*tx));
    return Response::json(202, {{"id", chain::to_hex(id)}, {"status", "pending"}});
  };
  add("POST", "/v1/tx", "tx_post", true, [submit](const Request& r) { return submit(r, true); });
  // From a peer: one or more transactions, one per line; each is admitted on its own.
  add("POST", "/v1/chain/tx", "chain_tx", true,
      node_.peer_route([submit](const Request& r, const Sender&) {
        std::size_t admitted = 0, lines = 0;
        std::string_view rest = r.body;
        while (!rest.empty() && lines < 1024) {
          const std::size_t nl = rest.find('\n');
          Request one;
          one.body = std::string(rest.substr(0, nl));
          rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
          if (one.body.empty()) continue;
          ++lines;
          if (submit(one, false).status == 202) ++admitted;
        }
        return Response::json(202, {{"received", lines}, {"admitted", admitted}});
      }));

  add("GET", "/v1/tx/", "tx_get", true, [this](const Request& r) {
    chain::Hash id{};
    if (!hex::decode_into(r.path.substr(std::string("/v1/tx/").size()), id)) {
      return Response::error(400, "bad transaction id (64 hex digits)");
    }
    std::lock_guard lock(mu_);
    if (auto at = state_->locate_tx(id)) {
      return Response::json(200, {{"id", chain::to_hex(id)},
                                  {"status", "committed"},
                                  {"height", at->first},
                                  {"index", at->second}});
    }
    if (mempool_->contains(id)) {
      return Response::json(200, {{"id", chain::to_hex(id)}, {"status", "pending"}});
    }
    return Response::error(404, "unknown transaction");
  });

  add("GET", "/v1/chain/status", "chain_status", true, [this](const Request&) {
    std::lock_guard lock(mu_);
    return Response::json(200, {{"type", "cpc/chain-status"},
                                {"chain", state_->genesis().chain},
                                {"genesis", chain::to_hex(state_->genesis_hash())},
                                {"height", state_->height()},
                                {"hash", chain::to_hex(state_->head_hash())},
                                {"time", state_->head_time()},
                                {"state_root", chain::to_hex(state_->state_root())},
                                {"validator", validator_},
                                {"round", engine_->round()},
                                {"mempool", mempool_->size()},
                                {"halted", halted_}});
  });

  auto block = [this](const std::string& prefix) {
    return [this, prefix](const Request& r) {
      auto h = path_height(r.path, prefix);
      if (!h) return Response::error(400, h.status().message());
      std::lock_guard lock(mu_);
      if (*h == 0 || *h > state_->height()) return Response::error(404, "no such block");
      auto cb = state_->block_at(*h);
      if (!cb) return Response::from_status(cb.status());
      return Response{200, "application/json", chain::committed_block_record(*cb), {}};
    };
  };
  add("GET", "/v1/chain/blocks/", "chain_blocks", true, block("/v1/chain/blocks/"));
  add("GET", "/v1/blocks/", "blocks_get", true, block("/v1/blocks/"));

  // The latest blocks in brief, newest first, each transaction with its id (the explorer's
  // view, docs/node-api.md §10): ?limit=N (1-50, default 10); ?txs=1: only blocks that hold
  // transactions, from the index of recent ones.
  add("GET", "/v1/chain/recent", "chain_recent", true, [this](const Request& r) {
    std::uint64_t limit = 10;
    if (auto it = r.query.find("limit"); it != r.query.end()) {
      const std::string& v = it->second;
      if (v.empty() || v.size() > 2 || v.find_first_not_of("0123456789") != v.npos ||
          std::stoull(v) < 1 || std::stoull(v) > 50) {
        return Response::error(400, "bad limit (1 to 50)");
      }
      limit = std::stoull(v);
    }
    const auto txs = r.query.find("txs");
    const bool with_txs = txs != r.query.end() && txs->second != "0";
    std::lock_guard lock(mu_);
    const std::uint64_t head = state_->height();
    std::vector<std::uint64_t> heights;
    if (with_txs) {
      for (auto it = tx_heights_.rbegin(); it != tx_heights_.rend() && heights.size() < limit;
           ++it) {
        heights.push_back(*it);
      }
    } else {
      for (std::uint64_t h = head; h >= 1 && heights.size() < limit; --h) heights.push_back(h);
    }
    nlohmann::json blocks = nlohmann::json::array();
    for (const std::uint64_t h : heights) {
      auto cb = state_->block_at(h);
      if (!cb) return Response::from_status(cb.status());
      blocks.push_back(block_brief(*cb));
    }
    return Response::json(200, {{"type", "cpc/recent-blocks"},
                                {"chain", state_->genesis().chain},
                                {"height", head},
                                {"blocks", std::move(blocks)}});
  });

  add("GET", "/v1/chain/genesis", "chain_genesis", false, [this](const Request&) {
    return Response{200, "application/json", chain::genesis_record(state_->genesis()), {}};
  });

  add("GET", "/v1/accounts/", "accounts_get", true, [this](const Request& r) {
    chain::PubKey pub{};
    if (!hex::decode_into(r.path.substr(std::string("/v1/accounts/").size()), pub)) {
      return Response::error(400, "bad account (64 hex digits of an Ed25519 key)");
    }
    std::lock_guard lock(mu_);
    const chain::Account a = state_->account(pub);
    return Response::json(200, {{"account", hex::encode(pub)},
                                {"balance", a.balance},
                                {"nonce", a.nonce},
                                {"height", state_->height()}});
  });

  add("GET", "/v1/data/", "data_get", true, [this](const Request& r) {
    const std::string cid = r.path.substr(std::string("/v1/data/").size());
    if (!chain::valid_cid(cid)) return Response::error(400, "bad CID");
    std::lock_guard lock(mu_);
    auto d = state_->data(cid);
    if (!d) return Response::error(404, "not registered");
    auto cb = state_->block_at(d->height);
    if (!cb) return Response::from_status(cb.status());
    std::optional<chain::Hash> id;
    for (const auto& tx : cb->block.txs) {
      if (tx.op == chain::Op::kDataRegister && tx.cid == cid) id = chain::tx_id(tx);
    }
    if (!id) return Response::error(500, "registration not found in block");
    auto proof = chain::prove_tx(*state_, *id);
    if (!proof) return Response::from_status(proof.status());
    nlohmann::json j = {
        {"type", "cpc/data-proof"},
        {"cid", cid},
        {"owner", hex::encode(d->owner)},
        {"size", d->size},
        {"height", d->height},
        {"tx", chain::to_hex(*id)},
        {"proof", nlohmann::json::parse(chain::proof_record(*proof))},
        {"genesis", nlohmann::json::parse(chain::genesis_record(state_->genesis()))}};
    if (d->price) j["price"] = *d->price;
    return Response::json(200, j);
  });

  add_share_routes(add);
}

}  // namespace cpc::node
