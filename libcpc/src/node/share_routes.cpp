// SPDX-License-Identifier: Apache-2.0
// The sharing API of a node (docs/sharing.md §2–§4, docs/node-api.md §11): its encryption
// key, the proxies it offers to a granting owner, the live grants of a grantee, and
// re-encryption requests (libcpc/src/node/proxy.hpp).
#include <unordered_map>

#include "chain_node.hpp"
#include "cpc/chain/verify.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/wire/share.hpp"

namespace cpc::node {

namespace {

using net::Request;
using net::Response;

net::ClientOptions key_request_options() {
  net::ClientOptions o;
  o.connect_timeout_ms = 1000;
  o.timeout_ms = 2000;
  o.max_response = 64 << 10;
  return o;
}

}  // namespace

std::vector<std::string> ChainNode::resolve_urls(const std::vector<Key>& ids) {
  std::unordered_map<std::string, std::string> known;
  for (const auto& p : node_.all_peers()) known[hex_id(p.id)] = p.url;
  known[hex_id(node_.id)] = node_.url;
  std::vector<std::string> out;
  for (const auto& id : ids) {
    auto it = known.find(hex_id(id));
    if (it == known.end()) {
      // Not in the routing table: a lookup of its id finds it when it is alive.
      for (const auto& p : node_.closest_live(id)) {
        if (p.id == id) known[hex_id(id)] = p.url;
      }
      it = known.find(hex_id(id));
    }
    out.push_back(it == known.end() ? std::string() : it->second);
  }
  return out;
}

void ChainNode::add_share_routes(const RouteAdder& add) {
  proxy::ChainLookup lookup = [this](const chain::Hash& grant, const std::string& cid) {
    proxy::ChainFacts f;
    std::lock_guard lock(mu_);
    f.height = state_->height();
    f.grant = state_->grant(grant);
    if (auto d = state_->data(cid)) f.cid_owner = d->owner;
    return f;
  };
  proxy::BlockSource blocks = [this](const cid::Cid& c) -> Result<std::optional<Bytes>> {
    auto held = node_.store->get_block(c);
    CPC_RETURN_IF_ERROR(held);
    if (held->has_value()) return std::move(*held);
    return node_.fetch_remote(c);
  };
  proxy_ = std::make_unique<proxy::Proxy>(*key_, std::move(lookup), std::move(blocks));

  // A client's question is answered unsigned; a node's (signed, as /v1/proxies asks) is
  // answered signed, so the encryption key comes vouched for by the node key
  // (docs/peer-auth.md §6).
  auto key_answer = [this](const Request&, const Sender&) {
    return Response{200, "application/json", keys::public_key_record(key_->public_key()), {}};
  };
  add("GET", "/v1/node/key", "node_key", false,
      [key_answer, signed_answer = node_.peer_route(key_answer)](const Request& r) {
        return PeerAuth::claims_signed(r) ? signed_answer(r) : key_answer(r, Sender{});
      });

  add("GET", "/v1/proxies", "proxies", true, [this](const Request& r) {
    auto it = r.query.find("n");
    const std::string n_text = it == r.query.end() ? "" : it->second;
    if (n_text.empty() || n_text.size() > 2 ||
        n_text.find_first_not_of("0123456789") != std::string::npos || std::stoul(n_text) < 1 ||
        std::stoul(n_text) > chain::kMaxProxies) {
      return Response::error(400, "n must be 1 to 32");
    }
    const std::size_t n = std::stoul(n_text);
    // Registered nodes only (docs/peer-auth.md §6): this node once its record holds its keys.
    std::vector<share::ProxyEntry> out;
    const bool self_registered = registered_as(node_.id, key_->public_key());
    if (self_registered) out.push_back({node_.id, node_.url, key_->public_key()});
    const std::vector<Peer> peers = node_.all_peers();
    if (out.size() < n && !peers.empty()) {
      std::vector<net::ClientRequest> reqs;
      std::vector<Nonce> nonces;
      for (const auto& p : peers) {
        reqs.push_back({"GET", p.url + "/v1/node/key", {}, ""});
        nonces.push_back(node_.sign(reqs.back(), p.id));
      }
      auto res =
          net::perform_all(reqs, std::min<std::size_t>(reqs.size(), 32), key_request_options());
      for (std::size_t i = 0; i < res.size() && out.size() < n; ++i) {
        if (!res[i] || res[i]->status != 200) continue;
        // Signed by the node key the routing table holds for that id, for this request.
        if (!PeerAuth::check_response(*res[i], nonces[i], peers[i].id)) continue;
        auto key = keys::parse_public_key(res[i]->body);
        if (!key || dht::node_id(key->sign) != peers[i].id) continue;  // not who the table says
        // On chain with exactly this key: no record (a Sybil that only proved a key), or
        // another encryption key than the record's, is not offered.
        if (!registered_as(peers[i].id, *key)) continue;
        out.push_back({peers[i].id, peers[i].url, *key});
      }
    }
    if (out.size() < n) {
      std::string why = "only " + std::to_string(out.size()) + " of " + std::to_string(n) +
                        " proxies registered and reachable";
      if (!self_registered) {
        why += node_.options.register_node
                   ? "; this node is not registered on chain yet: it registers itself "
                     "(node.register) once it has joined, unless started with --no-register; "
                     "wait until GET /v1/nodes/" +
                         hex_id(node_.id) + " answers"
                   : "; this node was started with --no-register, so it is never a proxy";
      }
      return Response::error(503, why);
    }
    return Response{200, "application/json", share::proxies_record(out), {}};
  });

  // The committed node record of an id, with the inclusion proof of its registration
  // (docs/node-api.md §11), for a client to check a proxy's key against.
  add("GET", "/v1/nodes/", "nodes_get", true, [this](const Request& r) {
    const std::string text = r.path.substr(std::string("/v1/nodes/").size());
    chain::Hash id{};
    if (!hex::decode_into(text, id) || hex::encode(id) != text) {
      return Response::error(400, "node id must be 64 lowercase hex digits");
    }
    std::lock_guard lock(mu_);
    auto rec = state_->node(id);
    if (!rec) return Response::error(404, "node not registered");
    auto proof = chain::prove_tx(*state_, rec->tx);
    if (!proof) return Response::from_status(proof.status());
    nlohmann::json j = {{"type", "cpc/node-record"},
                        {"id", hex::encode(id)},
                        {"sign", hex::encode(rec->sign)},
                        {"encrypt", hex::encode(rec->encrypt)},
                        {"url", rec->url},
                        {"height", rec->height},
                        {"tx", chain::to_hex(rec->tx)},
                        {"proof", nlohmann::json::parse(chain::proof_record(*proof))},
                        {"genesis", chain::to_hex(state_->genesis_hash())}};
    return Response::json(200, j);
  });

  add("GET", "/v1/grants", "grants", true, [this](const Request& r) {
    auto g = r.query.find("grantee");
    chain::PubKey grantee{};
    if (g == r.query.end() || !hex::decode_into(g->second, grantee) ||
        hex::encode(grantee) != g->second) {
      return Response::error(400, "grantee must be 64 lowercase hex digits (an Ed25519 key)");
    }
    std::string cid;
    if (auto c = r.query.find("cid"); c != r.query.end()) {
      auto parsed = cid::parse(c->second);
      if (!parsed || cid::to_string(*parsed) != c->second) return Response::error(400, "bad CID");
      cid = c->second;
    }
    std::vector<share::GrantEntry> list;
    std::uint64_t height = 0;
    {
      std::lock_guard lock(mu_);
      height = state_->height();
      std::optional<chain::PubKey> cid_owner;
      if (!cid.empty()) {
        if (auto d = state_->data(cid)) cid_owner = d->owner;
      }
      for (auto& [id, grant] : state_->grants_to(grantee)) {
        if (height >= grant.expires) continue;  // not live at the latest committed block
        const bool covered = cid.empty() || grant.cid == cid ||
                             (grant.cid.empty() && cid_owner && *cid_owner == grant.owner);
        if (!covered) continue;
        share::GrantEntry e;
        e.id = id;
        e.cid = grant.cid;
        e.owner = grant.owner;
        e.owner_key = grant.owner_key;
        e.grantee = grant.grantee;
        e.threshold = grant.threshold;
        e.expires = grant.expires;
        e.height = grant.height;
        for (const auto& p : grant.proxies) e.proxies.push_back({p.node, ""});
        list.push_back(std::move(e));
      }
    }
    for (auto& e : list) {
      std::vector<Key> ids;
      for (const auto& p : e.proxies) ids.push_back(p.node);
      std::vector<std::string> urls = resolve_urls(ids);
      for (std::size_t i = 0; i < urls.size(); ++i) e.proxies[i].url = urls[i];
    }
    return Response{200, "application/json", share::grants_record(grantee, cid, height, list), {}};
  });

  add("POST", "/v1/reencrypt", "reencrypt", true, [this](const Request& r) {
    Response resp = proxy_->handle(r.body);
    node_.metrics.count_reencryption(resp.status == 200);
    return resp;
  });
}

}  // namespace cpc::node
