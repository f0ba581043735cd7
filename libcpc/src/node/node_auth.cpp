// SPDX-License-Identifier: Apache-2.0
// The node's side of peer authentication (docs/peer-auth.md §3–§5): node-to-node routes
// refuse unsigned requests and sign their answers, and a signed sender enters the routing
// table only once it has answered a signed ping at the URL it signed.
#include <algorithm>

#include "cpc/codec/hex.hpp"
#include "cpc/io/log.hpp"
#include "node_impl.hpp"

namespace cpc::node {

namespace {
constexpr std::size_t kMaxCandidates = 256;
constexpr std::size_t kMaxLoggedForeign = 1024;
}  // namespace

net::Response NodeImpl::unauthorized(const Refusal& why, const net::Request& r) {
  if (why.foreign_genesis) {
    // One line per foreign key: a node of another network that keeps calling must not fill
    // the log (docs/peer-auth.md §7).
    const std::string* who = nullptr;
    if (auto it = r.headers.find("x-cpc-node"); it != r.headers.end()) who = &it->second;
    bool first = false;
    {
      std::lock_guard lock(admit_mu_);
      if (who != nullptr && foreign_logged_.size() < kMaxLoggedForeign) {
        first = foreign_logged_.insert(*who).second;
      }
    }
    if (first) {
      auto claimed = r.headers.find("x-cpc-url");
      const std::string from = claimed == r.headers.end() ? r.remote_ip : claimed->second;
      log::write(log::Level::kWarn, "refused peer of another network",
                 {{"peer", from},
                  {"their_genesis", why.their_genesis},
                  {"our_genesis", hex::encode(auth->genesis())}},
                 "refused peer " + from + ": genesis " + why.their_genesis + " is not ours, " +
                     hex::encode(auth->genesis()));
    }
  }
  return net::Response::error(401, why.message);
}

std::function<net::Response(const net::Request&)> NodeImpl::peer_route(PeerHandler h) {
  return [this, h = std::move(h)](const net::Request& r) {
    auto checked = auth->check_request(r, unix_ms());
    if (!checked.sender) return unauthorized(checked.refusal, r);
    admit(*checked.sender);
    net::Response resp = h(r, *checked.sender);
    auth->sign_response(resp, checked.sender->nonce);
    return resp;
  };
}

void NodeImpl::admit(const Sender& s) {
  if (s.id == id) return;
  // Already a contact at the URL it signed: seen alive. Anything else — a newcomer, or a
  // known id at a new URL — waits for the challenge (docs/peer-auth.md §5).
  if (auto known = table_peer(s.id); known && known->url == s.url) {
    observe(Peer{s.id, s.url});
    return;
  }
  std::lock_guard lock(admit_mu_);
  if (auto t = url_time_.find(s.id); t != url_time_.end() && s.time_ms <= t->second) return;
  auto it = candidates_.find(s.id);
  if (it != candidates_.end()) {
    if (s.time_ms > it->second.time_ms) it->second = s;  // the newest claim is challenged
  } else if (candidates_.size() < kMaxCandidates) {
    candidates_.emplace(s.id, s);
  }
}

void NodeImpl::admit_pending() {
  std::vector<Sender> batch;
  {
    std::lock_guard lock(admit_mu_);
    for (auto& [cid, s] : candidates_) batch.push_back(std::move(s));
    candidates_.clear();
  }
  if (batch.empty()) return;
  std::vector<Peer> to;
  for (const auto& s : batch) to.push_back({s.id, s.url});
  // A signed ping to the URL each one signed; the answer must be signed by its key.
  const std::vector<Status> answers = ping(to);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i >= answers.size() || !answers[i]) continue;
    {
      std::lock_guard lock(admit_mu_);
      std::uint64_t& newest = url_time_[batch[i].id];
      if (batch[i].time_ms <= newest) continue;  // a newer claim was admitted meanwhile
      newest = batch[i].time_ms;
      if (url_time_.size() > 4096) url_time_.erase(url_time_.begin());
    }
    observe(Peer{batch[i].id, batch[i].url});
  }
}

}  // namespace cpc::node
