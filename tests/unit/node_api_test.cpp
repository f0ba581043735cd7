// SPDX-License-Identifier: Apache-2.0
// cpc::node::Node in process (docs/node-api.md): blobs verified on PUT, HEAD and GET, and the
// signed-record rules over HTTP — a forged signature refused, a key that does not match,
// newer sequence wins, older refused with 409; everything still there after a restart.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/node/node.hpp"
#include "cpc/wire/record.hpp"

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/cpc-node-api.XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<cpc::node::Node> start(const std::string& dir) {
  cpc::node::NodeOptions o;
  o.data_dir = dir;
  o.listen = "127.0.0.1:0";
  auto n = cpc::node::Node::start(o);
  REQUIRE(n);
  return std::move(*n);
}
}  // namespace

TEST_CASE("node API: blobs and signed records", "[node][api]") {
  TempDir dir;
  auto sk = cpc::keys::SecretKey::generate().value();
  const std::string hello = "hello world";
  const std::string cid = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(hello)));
  auto r1 = cpc::record::make(sk, "latest", 1, cpc::as_bytes(std::string("one")));
  auto r2 = cpc::record::make(sk, "latest", 2, cpc::as_bytes(std::string("two")));
  REQUIRE(r1);
  REQUIRE(r2);
  const std::string key = cpc::hex::encode(cpc::record::record_key(r1->signer, r1->name));
  {
    auto node = start(dir.path);
    CHECK(std::filesystem::status(dir.path + "/node.key").permissions() ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    cpc::net::HttpClient c;
    const std::string base = node->url();
    auto put = c.put(base + "/v1/blobs/" + cid, hello);
    REQUIRE(put);
    CHECK(put->status == 201);
    CHECK(nlohmann::json::parse(put->body)["replicas"] == 1);
    CHECK(c.put(base + "/v1/blobs/" + cid, hello)->status == 200);
    CHECK(c.put(base + "/v1/blobs/" + cid, "hello there")->status == 400);
    CHECK(c.put(base + "/v1/blobs/Qmfoo", hello)->status == 400);
    CHECK(c.get(base + "/v1/blobs/" + cid)->body == hello);
    CHECK(c.perform({"HEAD", base + "/v1/blobs/" + cid, {}, ""})->status == 200);
    const std::string absent = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(hello + "!")));
    CHECK(c.get(base + "/v1/blobs/" + absent)->status == 404);
    CHECK(c.perform({"HEAD", base + "/v1/blobs/" + absent, {}, ""})->status == 404);

    auto forged = *r2;
    forged.sig[0] ^= 0x80;
    auto f = c.put(base + "/v1/records/" + key, cpc::record::to_json(forged));
    CHECK(f->status == 400);
    CHECK(f->body.find("record signature does not verify") != std::string::npos);
    auto other = cpc::record::make(sk, "other", 1, cpc::as_bytes(std::string("x")));
    CHECK(c.put(base + "/v1/records/" + key, cpc::record::to_json(*other))->status == 400);
    CHECK(c.get(base + "/v1/records/" + key)->status == 404);
    CHECK(c.put(base + "/v1/records/" + key, cpc::record::to_json(*r2))->status == 201);
    auto older = c.put(base + "/v1/records/" + key, cpc::record::to_json(*r1));
    CHECK(older->status == 409);
    CHECK(c.put(base + "/v1/records/" + key, cpc::record::to_json(*r2))->status == 200);
    auto got = c.get(base + "/v1/records/" + key);
    REQUIRE(got->status == 200);
    CHECK(*cpc::record::parse(got->body) == *r2);
    auto metrics = c.get(base + "/metrics");
    CHECK(metrics->body.find("cpc_requests_total{endpoint=\"records_put\",status=\"409\"} 1") !=
          std::string::npos);
    node->stop();
  }
  auto node = start(dir.path);  // restart: same id, same data
  cpc::net::HttpClient c;
  CHECK(c.get(node->url() + "/v1/blobs/" + cid)->body == hello);
  CHECK(*cpc::record::parse(c.get(node->url() + "/v1/records/" + key)->body) == *r2);
}
