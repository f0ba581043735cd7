// SPDX-License-Identifier: Apache-2.0
// The node's network side (docs/node-api.md §1, §3, §4, §7): its Kademlia peer over the
// HTTP transport, the DHT RPC handlers, replicated writes to a key's replica set, fetches
// from other holders, and the background threads (bucket refresh, repair).
#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "chain_node.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/io/file.hpp"
#include "cpc/io/log.hpp"
#include "dht_http.hpp"
#include "node_impl.hpp"

namespace cpc::node {

namespace {

bool closer(const Key& target, const Key& a, const Key& b) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    const std::uint8_t da = a[i] ^ target[i], db = b[i] ^ target[i];
    if (da != db) return da < db;
  }
  return false;
}

void sort_by_distance(const Key& target, std::vector<Peer>& peers) {
  std::sort(peers.begin(), peers.end(),
            [&](const Peer& a, const Peer& b) { return closer(target, a.id, b.id); });
}

dht::Contact contact(const Peer& p) {
  return {p.id, p.url};
}
Peer peer(const dht::Contact& c) {
  return {c.id, c.url};
}

}  // namespace

struct NodeImpl::Dht {
  dht::HttpTransport transport;
  dht::Dht dht;
  Dht(const Peer& self, const PeerAuth& auth, std::size_t replication)
      : transport(auth, self.url), dht(contact(self), transport, config(replication)) {}
  static dht::Config config(std::size_t replication) {
    dht::Config c;
    c.replication = replication;
    return c;
  }
};

NodeImpl::NodeImpl(const NodeOptions& o) : options(o), server(server_options(o)) {}

std::string NodeImpl::peers_path() const {
  return options.data_dir + "/peers.json";
}

// DATA_DIR/peers.json (docs/node-api.md §8): every node this one has known (the routing
// table's contacts, merged into known_, at most 256), rewritten atomically, so that a
// restarted node finds its network again even when every other node dropped it from its
// routing table while it was down, and two sides of a healed partition find each other.
void NodeImpl::save_peers() {
  if (!dht_) return;
  std::lock_guard lock(peers_mu_);
  const std::vector<Peer> table = all_peers();
  for (const auto& p : table) known_[p.id] = p.url;
  for (auto it = known_.begin(); known_.size() > 256 && it != known_.end();) {
    const bool in_table =
        std::any_of(table.begin(), table.end(), [&](const Peer& p) { return p.id == it->first; });
    it = in_table ? std::next(it) : known_.erase(it);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [pid, purl] : known_) list.push_back({{"id", hex_id(pid)}, {"url", purl}});
  if (list.empty()) return;
  const std::string text = nlohmann::json{{"type", "cpc/peers"}, {"peers", list}}.dump() + "\n";
  if (text == saved_text_) return;
  saved_text_ = text;
  io::OutputFile out;
  if (out.open(peers_path(), 0600) && out.write(text) && out.commit()) return;
  log::write(log::Level::kWarn, "could not save peers", {{"path", peers_path()}},
             "could not save " + peers_path());
}

std::vector<dht::Contact> NodeImpl::saved_peers() const {
  std::vector<dht::Contact> out;
  if (!io::exists(peers_path())) return out;
  auto text = io::read_file(peers_path(), 4u << 20);
  if (!text) return out;
  auto j = json::parse(*text);
  if (!j || !j->is_object() || !j->contains("peers") || !(*j)["peers"].is_array()) return out;
  for (const auto& p : (*j)["peers"]) {
    if (!p.is_object() || !p.contains("id") || !p.contains("url") || !p["url"].is_string())
      continue;
    auto pid = dht::parse_id(p["id"]);
    const std::string u = p["url"].get<std::string>();
    if (!pid || !is_node_url(u) || *pid == id) continue;
    out.push_back({*pid, u});
  }
  return out;
}

NodeImpl::~NodeImpl() {
  stop();
}

Status NodeImpl::start_network() {
  dht_ = std::make_unique<Dht>(Peer{id, url}, *auth, options.replication);
  std::vector<dht::Contact> seeds;
  const std::vector<dht::Contact> saved = saved_peers();  // DATA_DIR/peers.json, read once
  net::HttpClient http(dht::HttpTransport::rpc_options());
  for (const auto& b : options.bootstrap) {
    std::string base = b;
    while (!base.empty() && base.back() == '/') base.pop_back();
    auto r = http.get(base + "/v1/status");
    if (!r && !saved.empty()) {  // its saved peers may still find the network
      log::write(log::Level::kWarn, "bootstrap node unreachable",
                 {{"bootstrap", base}, {"error", r.status().message()}},
                 "--bootstrap " + base + ": " + r.status().message() + "; trying the saved peers");
      continue;
    }
    if (!r) return r.status().with_context("--bootstrap");
    auto j = json::parse(r->body);
    if (r->status != 200 || !j || !j->is_object() || !j->contains("id")) {
      return Status::io("--bootstrap " + base + ": not a cpc-node (no id in /v1/status)");
    }
    auto peer_id = dht::parse_id((*j)["id"]);
    if (!peer_id) return Status::io("--bootstrap " + base + ": bad id in /v1/status");
    // Another network: said at once, naming both hashes (docs/peer-auth.md §7).
    const std::string ours = hex::encode(auth->genesis());
    if (j->contains("genesis") && (*j)["genesis"].is_string() && (*j)["genesis"] != ours) {
      return Status::io("--bootstrap " + base + ": its genesis " +
                        (*j)["genesis"].get<std::string>() + " is not ours, " + ours +
                        " (a node of another network)");
    }
    seeds.push_back({*peer_id, base});
  }
  const std::size_t given = seeds.size();
  for (const auto& c : saved) seeds.push_back(c);
  {
    std::lock_guard lock(peers_mu_);
    for (const auto& c : seeds) known_[c.id] = c.url;
  }
  // A node that was ever part of a network stays one, even if it restarts alone: its
  // writes still need two copies (§3). A fault run found a restarted node, alone for a
  // moment, acknowledging a single copy that its next lost disk destroyed.
  if (!seeds.empty()) networked = true;
  if (!seeds.empty()) {
    Status st = dht_->dht.bootstrap(seeds);
    // Given seeds that answered /v1/status must bootstrap; saved ones may all be gone.
    if (!st && given > 0) return st.with_context("bootstrap");
    if (!st) {
      log::write(log::Level::kWarn, "no saved peer answered", nullptr,
                 "none of the saved peers answered yet");
    }
  }
  auto loop = [this](std::chrono::milliseconds period, std::function<void()> work) {
    return std::thread([this, period, work = std::move(work)] {
      std::unique_lock lock(bg_mu_);
      while (!bg_cv_.wait_for(lock, period, [this] { return stopping_; })) {
        lock.unlock();
        try {
          work();
        } catch (const std::exception& e) {  // e.g. std::bad_alloc: next period tries again
          log::write(log::Level::kWarn, "background work failed", nullptr,
                     std::string("background work failed: ") + e.what());
        }
        lock.lock();
      }
    });
  };
  network_ready = true;
  try {
    background_.reserve(4);  // a push_back that throws must not drop a running thread
    // Admission (docs/peer-auth.md §5): candidates are challenged within 100 ms.
    background_.push_back(loop(std::chrono::milliseconds(100), [this] { admit_pending(); }));
    background_.push_back(loop(options.refresh_interval, [this] { dht_->dht.refresh(); }));
    // Every 2 s: save the peers when they changed. Known nodes missing from the routing
    // table — dropped after failed requests, as during a partition or a restart — are knocked
    // on again: every 2 s when alone, every 10 s otherwise. Without this, the two sides of a
    // healed partition, having dropped each other, stayed apart (a fault run found it).
    background_.push_back(loop(std::chrono::seconds(2), [this, tick = 0, joins = 0]() mutable {
      // The first 6 s: a lookup of our own id each time. Nodes that joined just before us
      // enter the tables of the nodes we asked only after their challenge (docs/peer-auth.md
      // §5), so the join's own lookup may have missed them.
      if (joins < 3 && networked) {
        ++joins;
        (void)dht_->dht.lookup_closest(id, options.replication + 2);
      }
      const bool alone = dht_->dht.table().size() == 0;
      if (alone || ++tick % 5 == 0) {
        std::vector<dht::Contact> missing;
        {
          std::lock_guard lock(peers_mu_);
          for (const auto& [pid, purl] : known_) {
            if (!dht_->dht.table().contains(pid)) missing.push_back({pid, purl});
          }
        }
        if (!missing.empty()) (void)dht_->dht.bootstrap(missing);
      }
      save_peers();
    }));
    background_.push_back(loop(options.repair_interval, [this] { repair_once(); }));
  } catch (const std::system_error& e) {
    return Status::io(std::string("cannot start the node's background threads: ") + e.what());
  }
  return Status::ok();
}

void NodeImpl::stop() {
  if (chain) chain->stop();
  {
    std::lock_guard lock(bg_mu_);
    stopping_ = true;
  }
  bg_cv_.notify_all();
  server.stop();
  for (auto& t : background_) {
    if (t.joinable()) t.join();
  }
  background_.clear();
  save_peers();  // after the loop that also saves them has ended
  chain.reset();
  store.reset();
  data_dir_lock = DataDirLock();  // everything is closed: another node may take the directory
}

std::vector<Peer> NodeImpl::all_peers() {
  std::vector<Peer> out;
  if (!dht_) return out;
  for (const auto& c : dht_->dht.table().all()) {
    if (c.id != id) out.push_back(peer(c));
  }
  return out;
}

std::size_t NodeImpl::peer_count() {
  return dht_ ? dht_->dht.table().size() : 0;
}

void NodeImpl::observe(const Peer& p) {
  if (dht_ && p.id != id) {
    dht_->dht.observe(contact(p));
    // The first other node: peers.json is written at once, not within 2 s, so that a node
    // killed in between restarts as part of a network (its writes need two copies) rather
    // than as a single-node network — a fault run lost a put acknowledged that way.
    if (!networked.exchange(true)) save_peers();
  }
}

std::optional<Peer> NodeImpl::table_peer(const Key& k) {
  if (!dht_) return std::nullopt;
  auto c = dht_->dht.table().get(k);
  if (!c) return std::nullopt;
  return peer(*c);
}

std::vector<Status> NodeImpl::ping(const std::vector<Peer>& to) {
  if (!dht_) return std::vector<Status>(to.size(), Status::io("the network is not started"));
  std::vector<dht::Contact> cs;
  for (const auto& p : to) cs.push_back(contact(p));
  return dht_->transport.ping(cs);
}

void NodeImpl::failed(const Peer& p) {
  if (dht_) dht_->dht.failed(contact(p));
}

std::vector<Peer> NodeImpl::closest_live(const Key& key) {
  std::vector<Peer> out{Peer{id, url}};
  // A narrow lookup: the replica set plus two spares for replicas that fail to store.
  for (const auto& c : dht_->dht.lookup_closest(key, options.replication + 2)) {
    if (c.id != id) out.push_back(peer(c));
  }
  sort_by_distance(key, out);
  return out;
}

Replication NodeImpl::replicate(const Key& key,
                                const std::function<net::ClientRequest(const Peer&)>& request,
                                const std::function<Result<bool>()>& commit_self) {
  // The placement walk (docs/dht.md §3): the stores are the lookup. Candidates start as
  // the closest contacts of our table and self; every store answer names the contacts the
  // replica knows closest to the key, and a closer one joins the walk.
  constexpr int kMaxRounds = 8;
  constexpr std::size_t kMaxCandidates = 64;
  enum class State { kNew, kAcked, kRefused, kFailed };
  struct Candidate {
    Peer peer;
    State state = State::kNew;
  };
  std::vector<Candidate> candidates{{Peer{id, url}, State::kNew}};
  for (const auto& c : dht_->dht.table().closest(key, options.replication + 2, &id)) {
    candidates.push_back({peer(c), State::kNew});
  }
  auto by_distance = [&](const Candidate& a, const Candidate& b) {
    return closer(key, a.peer.id, b.peer.id);
  };
  std::sort(candidates.begin(), candidates.end(), by_distance);
  auto known = [&](const Key& k) {
    return std::any_of(candidates.begin(), candidates.end(),
                       [&](const Candidate& c) { return c.peer.id == k; });
  };
  // The target set: the `replication` closest candidates that have not failed or refused.
  auto targets = [&] {
    std::vector<Candidate*> out;
    for (auto& c : candidates) {
      if (out.size() == options.replication) break;
      if (c.state == State::kNew || c.state == State::kAcked) out.push_back(&c);
    }
    return out;
  };
  Replication rep;
  bool self_tried = false;
  // Self commits when it is in the target set, at the same time as the round's stores.
  auto commit_local = [&](Candidate& self) {
    self_tried = true;
    auto r = commit_self();
    if (r) {
      self.state = State::kAcked;
      rep.added = rep.added || *r;
    } else {
      self.state = State::kRefused;
      rep.local_error = r.status();
    }
  };
  for (int round = 0; round < kMaxRounds; ++round) {
    std::vector<Candidate*> batch;
    Candidate* self = nullptr;
    for (Candidate* c : targets()) {
      if (c->state != State::kNew) continue;
      if (c->peer.id == id) {
        self = c;
      } else {
        batch.push_back(c);
      }
    }
    if (batch.empty() && self == nullptr) break;
    std::future<void> local;
    if (self != nullptr && batch.empty()) {
      commit_local(*self);
    } else if (self != nullptr) {
      local = std::async(std::launch::async, [&] { commit_local(*self); });
    }
    std::vector<net::ClientRequest> reqs;
    std::vector<Nonce> nonces;
    for (const Candidate* c : batch) {
      net::ClientRequest q = request(c->peer);
      q.url = c->peer.url + q.url;
      nonces.push_back(sign(q, c->peer.id));
      reqs.push_back(std::move(q));
    }
    net::ClientOptions co;
    co.connect_timeout_ms = dht::HttpTransport::rpc_options().connect_timeout_ms;
    co.timeout_ms = 30000;
    std::vector<Result<net::Response>> results;
    if (!reqs.empty()) results = net::perform_all(reqs, reqs.size(), co);
    if (local.valid()) local.get();
    std::vector<Peer> named;
    for (std::size_t i = 0; i < results.size(); ++i) {
      Candidate& c = *batch[i];
      // Unreachable, or an answer its key did not sign (docs/peer-auth.md §4): not live, the
      // next closest takes its place.
      if (!results[i] || !PeerAuth::check_response(*results[i], nonces[i], c.peer.id)) {
        c.state = State::kFailed;
        failed(c.peer);
        continue;
      }
      observe(c.peer);  // it answered, signed: in the table, consecutive failures reset
      const bool ok = results[i]->status == 200 || results[i]->status == 201;
      c.state = ok ? State::kAcked : State::kRefused;
      if (!ok) continue;
      rep.added = rep.added || results[i]->status == 201;
      auto j = json::parse(results[i]->body, {.max_depth = 8, .max_size = 1 << 20});
      if (!j || !j->is_object() || !j->contains("contacts")) continue;
      auto cs = dht::parse_contacts((*j)["contacts"]);
      if (!cs) continue;
      for (const auto& x : *cs) named.push_back(peer(x));
    }
    // Named contacts closer than the target set's farthest member join the walk.
    std::optional<Key> bound;
    if (auto t = targets(); t.size() == options.replication) bound = t.back()->peer.id;
    for (auto& p : named) {
      if (candidates.size() >= kMaxCandidates) break;
      if (known(p.id) || (bound && !closer(key, p.id, *bound))) continue;
      candidates.push_back({std::move(p), State::kNew});
    }
    std::sort(candidates.begin(), candidates.end(), by_distance);
  }
  std::size_t live = 0;
  for (const auto& c : candidates) {
    if (c.state == State::kFailed) continue;
    live += 1;
    if (c.state == State::kAcked) rep.holders.push_back(c.peer.id);
  }
  for (const Candidate* c : targets()) rep.acks += c->state == State::kAcked ? 1 : 0;
  rep.wanted = std::min(options.replication, live);
  // Part of a network: never acknowledge a single copy, even when every other node seems
  // gone — a partitioned node would otherwise accept writes that one lost disk destroys
  // (docs/node-api.md §3, found by tests/fault/fault_netns.sh).
  if (networked && options.replication >= 2) rep.wanted = std::max<std::size_t>(rep.wanted, 2);
  // Not acknowledged: this node keeps a copy all the same, so that repair can complete the
  // replica set once the others are back (the client is told 503 and may retry).
  if (rep.acks < rep.wanted && !self_tried) {
    if (auto r = commit_self(); r) rep.holders.push_back(id);
  }
  return rep;
}

nlohmann::json NodeImpl::closer_contacts(const Key& key, const std::optional<Peer>& from) {
  const Key* exclude = from ? &from->id : nullptr;
  return dht::contacts_json(dht_->dht.table().closest(key, options.replication + 2, exclude));
}

std::vector<bool> NodeImpl::ask_holders(const Key& key, const std::vector<Peer>& peers) {
  std::vector<bool> out(peers.size(), false);
  std::vector<dht::Contact> remote;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if (peers[i].id == id) {
      auto h = store->has_key(key);
      out[i] = h && *h;
    } else {
      remote.push_back(contact(peers[i]));
      index.push_back(i);
    }
  }
  auto replies = dht_->transport.find_value(remote, key);
  for (std::size_t j = 0; j < replies.size(); ++j) {
    if (replies[j]) {
      dht_->dht.table().touch(peers[index[j]].id);
      out[index[j]] = replies[j]->has_value;
    } else {
      failed(peers[index[j]]);
    }
  }
  return out;
}

Result<std::optional<Bytes>> NodeImpl::fetch_remote(const cid::Cid& c) {
  auto found = dht_->dht.find_value(c.digest);
  std::vector<Peer> holders;
  for (const auto& h : found.holders) {
    if (h.id != id) holders.push_back(peer(h));
  }
  net::HttpClient http;
  for (const auto& h : holders) {
    auto r = http.get(h.url + "/v1/blobs/" + cid::to_string(c) + "?local=1");
    if (!r) {
      failed(h);
      continue;
    }
    if (r->status != 200) continue;
    ByteView b = as_bytes(r->body);
    if (!cid::verify(c, b)) continue;  // a holder that lies is skipped
    return std::optional<Bytes>(Bytes(b.begin(), b.end()));
  }
  return std::optional<Bytes>{};
}

Result<std::optional<record::Record>> NodeImpl::fetch_remote_record(const record::Key& key) {
  std::vector<Peer> peers = closest_live(key);
  if (peers.size() > options.replication) peers.resize(options.replication);
  std::vector<net::ClientRequest> reqs;
  for (const auto& p : peers) {
    if (p.id != id)
      reqs.push_back({"GET", p.url + "/v1/records/" + hex_id(key) + "?local=1", {}, ""});
  }
  std::optional<record::Record> best;
  for (auto& r :
       net::perform_all(reqs, reqs.empty() ? 1 : reqs.size(), dht::HttpTransport::rpc_options())) {
    if (!r || r->status != 200) continue;
    auto rec = record::parse(r->body);
    if (rec && record::record_key(rec->signer, rec->name) == key &&
        (!best || rec->seq > best->seq)) {
      best = std::move(*rec);
    }
  }
  return best;
}

void NodeImpl::add_dht_routes(const RouteAdder& add) {
  // Bodies are parsed by dht_http.cpp (parse_*_request; malformed: 400). Each is a signed
  // request (peer_route, docs/peer-auth.md): its sender is admitted there, and any "from"
  // in the body is ignored. Both lookups answer the k contacts closest to the id, never the
  // sender itself (docs/dht.md §6).
  auto closest = [this](const dht::NodeId& key, const Sender& s) {
    return dht::contacts_json(dht_->dht.table().closest(key, dht_->dht.config().k, &s.id));
  };
  add("POST", "/v1/dht/find_node", "dht_find_node", false,
      peer_route([closest](const net::Request& r, const Sender& s) {
        auto rpc = dht::parse_find_node_request(r.body);
        if (!rpc) return net::Response::error(400, rpc.status().message());
        return net::Response::json(200, {{"contacts", closest(rpc->id, s)}});
      }));
  add("POST", "/v1/dht/find_value", "dht_find_value", false,
      peer_route([this, closest](const net::Request& r, const Sender& s) {
        auto rpc = dht::parse_find_value_request(r.body);
        if (!rpc) return net::Response::error(400, rpc.status().message());
        auto has = store->has_key(rpc->id);
        if (!has) return net::Response::error(500, has.status().message());
        return net::Response::json(200, {{"has_value", *has}, {"contacts", closest(rpc->id, s)}});
      }));
  add("POST", "/v1/dht/ping", "dht_ping", false,
      peer_route([this](const net::Request& r, const Sender&) {
        auto rpc = dht::parse_ping_request(r.body);
        if (!rpc) return net::Response::error(400, rpc.status().message());
        return net::Response::json(200, {{"id", hex_id(id)}});
      }));
}

void NodeImpl::repair_once() {
  // The replica set of each key as this node's routing table sees it: the `replication`
  // nodes closest to the key among the table and self. A lookup per block would cost a
  // round of RPCs each; the table is kept current by refresh and by dropping failed nodes.
  auto replica_set = [this](const Key& key) {
    std::vector<Peer> set{Peer{id, url}};
    for (const auto& c : dht_->dht.table().closest(key, options.replication)) {
      if (c.id != id) set.push_back(peer(c));
    }
    sort_by_distance(key, set);
    if (set.size() > options.replication) set.resize(options.replication);
    return set;
  };
  auto blocks = store->list_blocks();
  if (!blocks) return;
  for (const auto& c : *blocks) {
    {
      std::lock_guard lock(bg_mu_);
      if (stopping_) return;
    }
    std::vector<Peer> set = replica_set(c.digest);
    std::vector<Peer> others;
    for (const auto& p : set) {
      if (p.id != id) others.push_back(p);
    }
    if (others.empty()) continue;
    std::vector<bool> has = ask_holders(c.digest, others);
    std::vector<net::ClientRequest> pushes;
    std::vector<Nonce> nonces;
    std::vector<Key> to;
    std::optional<Bytes> block;
    for (std::size_t i = 0; i < others.size(); ++i) {
      if (has[i]) continue;
      if (!block) {
        auto b = store->get_block(c);
        if (!b || !b->has_value()) break;
        block = std::move(**b);
      }
      pushes.push_back({"POST",
                        others[i].url + "/v1/dht/store/" + cid::to_string(c),
                        {{"Content-Type", "application/octet-stream"}},
                        std::string(as_chars(*block))});
      nonces.push_back(sign(pushes.back(), others[i].id));
      to.push_back(others[i].id);
    }
    if (pushes.empty()) continue;
    auto results = net::perform_all(pushes, pushes.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (r && (r->status == 200 || r->status == 201) &&
          PeerAuth::check_response(*r, nonces[i], to[i])) {
        repair_pushes += 1;
      }
    }
  }
  auto keys = store->list_records();
  if (!keys) return;
  for (const auto& k : *keys) {
    auto rec = store->get_record(k);
    if (!rec || !rec->has_value()) continue;
    const std::string body = record::to_json(**rec);
    std::vector<Peer> set = replica_set(k);
    std::vector<net::ClientRequest> pushes;
    for (const auto& p : set) {
      if (p.id == id) continue;
      pushes.push_back(
          {"POST", p.url + "/v1/dht/store_record", {{"Content-Type", "application/json"}}, body});
      sign(pushes.back(), p.id);
    }
    if (!pushes.empty()) net::perform_all(pushes, pushes.size());
  }
}

}  // namespace cpc::node
