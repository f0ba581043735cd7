// SPDX-License-Identifier: Apache-2.0
// The node's HTTP handlers (docs/node-api.md §2–§6): each parses its request strictly,
// answers from the local store when it can, and goes to the replica set (node_replicate.cpp)
// when it must. Handlers that wait on other nodes are registered as blocking routes, so the
// server's event loops never wait on the network.
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "chain_node.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/version.hpp"
#include "node_impl.hpp"

namespace cpc::node {

namespace {

using net::Request;
using net::Response;

// "/v1/blobs/<cid>[/holders]" -> the CID text and whether "/holders" follows.
Result<cid::Cid> path_cid(const std::string& path, const std::string& prefix, bool* holders) {
  std::string rest = path.substr(prefix.size());
  const std::string suffix = "/holders";
  if (holders != nullptr) {
    *holders = rest.size() > suffix.size() &&
               rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (*holders) rest.resize(rest.size() - suffix.size());
  }
  auto c = cid::parse(rest);
  if (!c) return c.status().with_context("bad CID");
  return c;
}

Result<Key> parse_key(std::string_view text) {
  Key k{};
  CPC_RETURN_IF_ERROR(hex::decode_into(text, k).with_context("bad key"));
  return k;
}

Key digest_key(const cid::Cid& c) {
  return c.digest;
}

nlohmann::json holders_json(const std::vector<Key>& ids) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& id : ids) a.push_back(hex_id(id));
  return a;
}

}  // namespace

// A client write that arrives while the node is still joining its network waits for the
// join (at most 30 s; the write routes run on worker threads), then goes on.
bool NodeImpl::wait_network_ready() {
  for (int i = 0; i < 300 && !network_ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return network_ready;
}

void NodeImpl::add_routes() {
  // Every route counts its answers for /metrics under its endpoint name.
  auto add = [this](const char* method, const char* prefix, const char* endpoint, bool blocking,
                    std::function<Response(const Request&)> h) {
    auto counted = [this, endpoint, h = std::move(h)](const Request& r) {
      const auto began = std::chrono::steady_clock::now();
      Response resp = h(r);
      metrics.count(
          endpoint, resp.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
      return resp;
    };
    if (blocking) {
      server.route_blocking(method, prefix, std::move(counted));
    } else {
      server.route(method, prefix, std::move(counted));
    }
  };

  add("GET", "/v1/status", "status", false, [this](const Request&) {
    return Response::json(
        200,
        {{"type", "cpc/node-status"},
         {"id", hex_id(id)},
         {"url", url},
         {"version", cpc::kVersion},
         {"genesis", hex::encode(auth->genesis())},
         {"auth", {{"refused", auth->refused()}, {"foreign_genesis", auth->foreign_genesis()}}},
         {"replication", options.replication},
         {"peers", peer_count()},
         {"blobs", store->blobs()},
         {"bytes", store->bytes()},
         {"records", store->records()}});
  });

  add("GET", "/metrics", "metrics", false, [this](const Request&) {
    Metrics::Values values = {{"cpc_blobs_stored", {store->blobs(), "gauge"}},
                              {"cpc_stored_bytes", {store->bytes(), "gauge"}},
                              {"cpc_records_stored", {store->records(), "gauge"}},
                              {"cpc_dht_peers", {peer_count(), "gauge"}},
                              {"cpc_repair_pushes_total", {repair_pushes, "counter"}}};
    if (chain) {
      const ChainNode::Stats c = chain->stats();
      values.push_back({"cpc_chain_height", {c.height, "gauge"}});
      values.push_back({"cpc_chain_round", {c.round, "gauge"}});
      values.push_back({"cpc_mempool_size", {c.mempool, "gauge"}});
    }
    return Response{200, "text/plain; version=0.0.4", metrics.render(values), {}};
  });

  // The routing table (docs/node-api.md §2a): the explorer's peer list.
  add("GET", "/v1/peers", "peers", false, [this](const Request&) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : all_peers()) list.push_back({{"id", hex_id(p.id)}, {"url", p.url}});
    return Response::json(200, {{"type", "cpc/peers"}, {"count", list.size()}, {"peers", list}});
  });

  add("PUT", "/v1/blobs/", "blobs_put", true, [this](const Request& r) {
    auto c = path_cid(r.path, "/v1/blobs/", nullptr);
    if (!c) return Response::error(400, c.status().message());
    if (auto v = verify_block(*c, as_bytes(r.body)); !v) return Response::from_status(v);
    // Malformed input is answered first; a valid write waits for the network (§3).
    if (!wait_network_ready()) return Response::error(503, "starting: joining the network");
    const std::string cid_text = cid::to_string(*c);
    // The placement walk (docs/dht.md §3): this node commits (an fsync) only when it is in
    // the replica set, at the same time as the replicas (docs/node-api.md §3).
    Replication rep = replicate(
        digest_key(*c),
        [&](const Peer&) {
          net::ClientRequest q;
          q.method = "POST";
          q.url = "/v1/dht/store/" + cid_text;  // the peer's URL is prefixed by replicate()
          q.headers = {{"Content-Type", "application/octet-stream"}};
          q.body = r.body;
          return q;
        },
        [&] { return store->put_block(*c, as_bytes(r.body)); });
    if (rep.acks == 0 && !rep.local_error.is_ok()) return Response::from_status(rep.local_error);
    nlohmann::json j = {{"cid", cid_text},
                        {"size", r.body.size()},
                        {"replicas", rep.acks},
                        {"holders", holders_json(rep.holders)}};
    if (rep.acks < rep.wanted) {
      j["error"] = "stored on " + std::to_string(rep.acks) + " of " + std::to_string(rep.wanted) +
                   " replica nodes";
      return Response::json(503, j);
    }
    return Response::json(rep.added ? 201 : 200, j);
  });

  add("HEAD", "/v1/blobs/", "blobs_head", false, [this](const Request& r) {
    auto c = path_cid(r.path, "/v1/blobs/", nullptr);
    if (!c) return Response::error(400, c.status().message());
    auto held = store->get_block(*c);
    if (!held) return Response::from_status(held.status());
    if (!held->has_value()) return Response::error(404, "not found");
    // MHD sends the Content-Length of the body it is given and drops the body for HEAD.
    return Response{200, "application/octet-stream", std::string(as_chars(**held)), {}};
  });

  add("GET", "/v1/blobs/", "blobs_get", true, [this](const Request& r) {
    bool holders = false;
    auto c = path_cid(r.path, "/v1/blobs/", &holders);
    if (!c) return Response::error(400, c.status().message());
    if (holders) {
      const Key key = digest_key(*c);
      std::vector<Peer> peers = closest_live(key);
      std::vector<bool> has = ask_holders(key, peers);
      nlohmann::json list = nlohmann::json::array();
      std::size_t replicas = 0;
      for (std::size_t i = 0; i < peers.size(); ++i) {
        if (!has[i]) continue;
        const bool replica = i < options.replication;
        replicas += replica ? 1 : 0;
        list.push_back({{"id", hex_id(peers[i].id)}, {"url", peers[i].url}, {"replica", replica}});
      }
      return Response::json(200, {{"cid", cid::to_string(*c)},
                                  {"replication", options.replication},
                                  {"live", peers.size()},
                                  {"replicas", replicas},
                                  {"holders", list}});
    }
    auto held = store->get_block(*c);
    if (!held) return Response::from_status(held.status());
    if (held->has_value()) {
      return Response{200, "application/octet-stream", std::string(as_chars(**held)), {}};
    }
    if (r.query.count("local") != 0) return Response::error(404, "not found");
    auto remote = fetch_remote(*c);
    if (!remote) return Response::error(503, remote.status().message());
    if (!remote->has_value()) return Response::error(404, "not found");
    return Response{200, "application/octet-stream", std::string(as_chars(**remote)), {}};
  });

  add("PUT", "/v1/records/", "records_put", true, [this](const Request& r) {
    auto key = parse_key(std::string_view(r.path).substr(std::string("/v1/records/").size()));
    if (!key) return Response::error(400, key.status().message());
    auto rec = record::parse(r.body);
    if (!rec) return Response::error(400, rec.status().message());
    if (record::record_key(rec->signer, rec->name) != *key) {
      return Response::error(400, "record key does not match signer and name");
    }
    if (!wait_network_ready()) return Response::error(503, "starting: joining the network");
    auto added = store->put_record(*rec);
    if (!added) return Response::from_status(added.status());
    const std::string body = record::to_json(*rec);
    Replication rep = replicate(
        *key,
        [&](const Peer&) {
          net::ClientRequest q;
          q.method = "POST";
          q.url = "/v1/dht/store_record";
          q.headers = {{"Content-Type", "application/json"}};
          q.body = body;
          return q;
        },
        [&]() -> Result<bool> { return *added; });  // committed above (the sequence rule)
    nlohmann::json j = {{"key", hex_id(*key)}, {"seq", rec->seq}, {"replicas", rep.acks}};
    if (rep.acks < rep.wanted) return Response::json(503, j);
    return Response::json(*added ? 201 : 200, j);
  });

  add("GET", "/v1/records/", "records_get", true, [this](const Request& r) {
    auto key = parse_key(std::string_view(r.path).substr(std::string("/v1/records/").size()));
    if (!key) return Response::error(400, key.status().message());
    auto local = store->get_record(*key);
    if (!local) return Response::from_status(local.status());
    std::optional<record::Record> best = std::move(*local);
    if (r.query.count("local") == 0) {
      auto remote = fetch_remote_record(*key);
      if (remote && remote->has_value() && (!best || (*remote)->seq > best->seq)) {
        best = std::move(*remote);
      }
    }
    if (!best) return Response::error(404, "not found");
    return Response{200, "application/json", record::to_json(*best), {}};
  });

  // Replica stores and repair pushes: signed requests from other nodes (peer_route,
  // docs/peer-auth.md), answered signed — the answer is the acknowledgement a replica counts.
  add("POST", "/v1/dht/store/", "dht_store", false,
      peer_route([this](const Request& r, const Sender& s) {
        auto c = path_cid(r.path, "/v1/dht/store/", nullptr);
        if (!c) return Response::error(400, c.status().message());
        auto added = store->put_block(*c, as_bytes(r.body));
        if (!added) return Response::from_status(added.status());
        return Response::json(*added ? 201 : 200,
                              {{"cid", cid::to_string(*c)},
                               {"contacts", closer_contacts(digest_key(*c), Peer{s.id, s.url})}});
      }));

  add("POST", "/v1/dht/store_record", "dht_store_record", false,
      peer_route([this](const Request& r, const Sender& s) {
        const std::optional<Peer> from = Peer{s.id, s.url};
        auto rec = record::parse(r.body);
        if (!rec) return Response::error(400, rec.status().message());
        auto added = store->put_record(*rec);
        if (!added) return Response::from_status(added.status());
        const Key key = record::record_key(rec->signer, rec->name);
        return Response::json(*added ? 201 : 200,
                              {{"key", hex_id(key)}, {"contacts", closer_contacts(key, from)}});
      }));

  add_dht_routes(add);
  add_object_routes(add);
  if (chain) chain->add_routes(add);
  add_explorer_routes();
}

}  // namespace cpc::node
