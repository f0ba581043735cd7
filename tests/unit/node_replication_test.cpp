// SPDX-License-Identifier: Apache-2.0
// Three cpc::node::Node in one process, replication 2 (docs/node-api.md §3, §5): a block
// put through one node is acknowledged with two replicas and readable through every node; a
// signed record put through one node is read through another, and a newer one put through a
// third wins everywhere.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"
#include "cpc/node/node.hpp"
#include "cpc/wire/record.hpp"
#include "peer_fixture.hpp"

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/cpc-node-repl.XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};
}  // namespace

TEST_CASE("three nodes replicate blocks and records", "[node][replication]") {
  TempDir dir;
  std::vector<std::unique_ptr<cpc::node::Node>> nodes;
  for (int i = 0; i < 3; ++i) {
    cpc::node::NodeOptions o;
    o.data_dir = dir.path + "/n" + std::to_string(i);
    o.listen = "127.0.0.1:0";
    o.replication = 2;
    if (i > 0) o.bootstrap = {nodes[0]->url()};
    auto n = cpc::node::Node::start(o);
    REQUIRE(n);
    nodes.push_back(std::move(*n));
  }
  cpc::net::HttpClient c;
  // A node enters another's routing table once it has answered that node's challenge
  // (docs/peer-auth.md §5): within a moment of its first request.
  for (auto& n : nodes) {
    int peers = 0;
    for (int i = 0; i < 100 && peers != 2; ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      peers = nlohmann::json::parse(c.get(n->url() + "/v1/status")->body)["peers"].get<int>();
    }
    CHECK(peers == 2);
  }
  const std::string block = "replicated block";
  const std::string cid = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(block)));
  auto put = c.put(nodes[1]->url() + "/v1/blobs/" + cid, block);
  REQUIRE(put);
  CHECK(put->status == 201);
  CHECK(nlohmann::json::parse(put->body)["replicas"] == 2);
  for (auto& n : nodes) {
    auto got = c.get(n->url() + "/v1/blobs/" + cid);
    REQUIRE(got);
    CHECK(got->status == 200);
    CHECK(got->body == block);
    auto holders = nlohmann::json::parse(c.get(n->url() + "/v1/blobs/" + cid + "/holders")->body);
    CHECK(holders["replicas"] == 2);
    CHECK(holders["live"] == 3);
  }

  auto sk = cpc::keys::SecretKey::generate().value();
  auto r1 = cpc::record::make(sk, "feed", 1, cpc::as_bytes(std::string("one")));
  auto r2 = cpc::record::make(sk, "feed", 2, cpc::as_bytes(std::string("two")));
  const std::string key = cpc::hex::encode(cpc::record::record_key(r1->signer, r1->name));
  CHECK(c.put(nodes[0]->url() + "/v1/records/" + key, cpc::record::to_json(*r1))->status == 201);
  for (auto& n : nodes) {
    auto got = c.get(n->url() + "/v1/records/" + key);
    REQUIRE(got->status == 200);
    CHECK(cpc::record::parse(got->body)->seq == 1);
  }
  CHECK(c.put(nodes[2]->url() + "/v1/records/" + key, cpc::record::to_json(*r2))->status == 201);
  for (auto& n : nodes) {
    CHECK(cpc::record::parse(c.get(n->url() + "/v1/records/" + key)->body)->seq == 2);
  }
  // The replicas now refuse the older record.
  CHECK(c.put(nodes[1]->url() + "/v1/records/" + key, cpc::record::to_json(*r1))->status != 201);
}

// The placement walk (docs/dht.md §3): node A knows only F, a fake peer whose store answers
// name Z, a node A has never heard of. When Z is closer to the block than the farther of
// A and F, the store walk must reach Z, and the write counts Z among its replicas.
TEST_CASE("a put reaches the replica that only a store answer names", "[node][replication]") {
  TempDir dir;
  cpc::node::NodeOptions zo;
  zo.data_dir = dir.path + "/z";
  zo.listen = "127.0.0.1:0";
  auto z = cpc::node::Node::start(zo);
  REQUIRE(z);
  cpc::net::HttpClient c;
  auto id_of = [&](const std::string& url) {
    cpc::dht::NodeId id{};
    auto st = nlohmann::json::parse(c.get(url + "/v1/status")->body);
    REQUIRE(cpc::hex::decode_into(st["id"].get<std::string>(), id));
    return id;
  };
  const cpc::dht::NodeId z_id = id_of((*z)->url());

  // F is a fake peer with a key of its own, of Z's network: it signs its answers
  // (docs/peer-auth.md §4), and they name Z.
  auto z_status = nlohmann::json::parse(c.get((*z)->url() + "/v1/status")->body);
  cpc::node::PeerKey genesis{};
  REQUIRE(cpc::hex::decode_into(z_status["genesis"].get<std::string>(), genesis));
  cpc::node::PeerAuth f_auth = cpc::test::make_peer(genesis);
  const cpc::dht::NodeId f_id = f_auth.id();
  std::atomic<int> f_stores{0};
  cpc::net::HttpServer f;
  const std::string f_hex = cpc::hex::encode(f_id);
  auto sign = [&](const cpc::net::Request& r, cpc::net::Response resp) {
    return cpc::test::signed_answer(f_auth, r, std::move(resp));
  };
  f.route("GET", "/v1/status", [&](const cpc::net::Request&) {
    return cpc::net::Response::json(200, {{"id", f_hex}, {"genesis", z_status["genesis"]}});
  });
  f.route("GET", "/v1/chain/genesis", [&](const cpc::net::Request&) {
    return c.get((*z)->url() + "/v1/chain/genesis").value();
  });
  f.route("POST", "/v1/dht/find_node", [&](const cpc::net::Request& r) {
    return sign(r, cpc::net::Response::json(200, {{"contacts", nlohmann::json::array()}}));
  });
  f.route("POST", "/v1/dht/ping", [&](const cpc::net::Request& r) {
    return sign(r, cpc::net::Response::json(200, {{"id", f_hex}}));
  });
  f.route("POST", "/v1/dht/store/", [&](const cpc::net::Request& r) {
    ++f_stores;
    nlohmann::json z_contact = {{"id", cpc::hex::encode(z_id)}, {"url", (*z)->url()}};
    return sign(r, cpc::net::Response::json(201, {{"cid", "x"}, {"contacts", {z_contact}}}));
  });
  REQUIRE(f.start("127.0.0.1:0"));
  const std::string f_url = "http://127.0.0.1:" + std::to_string(f.port());

  cpc::node::NodeOptions ao;
  ao.data_dir = dir.path + "/a";
  ao.listen = "127.0.0.1:0";
  ao.replication = 2;
  ao.bootstrap = {f_url};
  auto a = cpc::node::Node::start(ao);
  REQUIRE(a);
  const cpc::dht::NodeId a_id = id_of((*a)->url());
  auto peers = nlohmann::json::parse(c.get((*a)->url() + "/v1/peers")->body);
  REQUIRE(peers["count"] == 1);  // F only: Z is unknown to A

  auto less = [](const cpc::dht::NodeId& x, const cpc::dht::NodeId& y) { return x < y; };
  int tried = 0;
  for (int i = 0; tried < 4 && i < 400; ++i) {
    const std::string block = "walk block " + std::to_string(i);
    const auto cid = cpc::cid::raw_cid(cpc::as_bytes(block));
    const auto dz = cpc::dht::distance(cid.digest, z_id);
    const auto da = cpc::dht::distance(cid.digest, a_id);
    const auto df = cpc::dht::distance(cid.digest, f_id);
    if (!less(dz, std::max(da, df, less))) continue;  // Z is not a replica of this block
    ++tried;
    const std::string text = cpc::cid::to_string(cid);
    auto put = c.put((*a)->url() + "/v1/blobs/" + text, block);
    REQUIRE(put);
    CHECK(put->status == 201);
    auto j = nlohmann::json::parse(put->body);
    CHECK(j["replicas"] == 2);
    bool z_listed = false;
    for (const auto& h : j["holders"]) z_listed = z_listed || h == cpc::hex::encode(z_id);
    CHECK(z_listed);
    auto held = c.get((*z)->url() + "/v1/blobs/" + text + "?local=1");
    REQUIRE(held);
    CHECK(held->status == 200);
    CHECK(held->body == block);
    // The first time, A and F were all A knew: A was in the first target set and committed
    // in the first round (when Z displaces it, the extra copy docs/dht.md §3 mentions). Z
    // answered, so A knows it from then on and commits only as one of the two closest.
    const bool a_replica = less(da, df) || less(da, dz);
    auto local = c.get((*a)->url() + "/v1/blobs/" + text + "?local=1");
    REQUIRE(local);
    CHECK(local->status == (tried == 1 || a_replica ? 200 : 404));
    CHECK(nlohmann::json::parse(c.get((*a)->url() + "/v1/peers")->body)["count"] == 2);
  }
  CHECK(tried == 4);
  CHECK(f_stores > 0);
  f.stop();
}
