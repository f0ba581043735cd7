// SPDX-License-Identifier: Apache-2.0
// Three cpc::node::Node in one process, replication 2 (docs/node-api.md §3, §5): a block
// put through one node is acknowledged with two replicas and readable through every node; a
// signed record put through one node is read through another, and a newer one put through a
// third wins everywhere.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cpc/cid.hpp"
#include "cpc/hex.hpp"
#include "cpc/http_client.hpp"
#include "cpc/node.hpp"
#include "cpc/record.hpp"

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
  for (auto& n : nodes) {
    auto st = nlohmann::json::parse(c.get(n->url() + "/v1/status")->body);
    CHECK(st["peers"] == 2);
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

  auto sk = cpc::keys::SecretKey::generate();
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
