// SPDX-License-Identifier: Apache-2.0
// Sharing through a real node in process (docs/sharing.md, docs/node-api.md §11): a
// single-validator node stores and registers a sealed object; its key, proxies and grants
// endpoints; a grant published through it (kfrag sealed to the node, on chain); the
// grantee reads; a revocation makes the proxy refuse; the counters in /metrics. The node
// is offered as a proxy only once its own node.register has committed (docs/peer-auth.md
// §6), and the client refuses a proxy whose key its node record does not name.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "cpc/client/chain_client.hpp"
#include "cpc/client/object_client.hpp"
#include "cpc/client/share_client.hpp"
#include "cpc/codec/duration.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/node/node.hpp"
#include "share_fixture.hpp"

using namespace cpc;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/cpc-node-share.XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Polls GET url/v1/nodes/id for up to 30 s: the node's record once its registration commits.
Result<net::Response> wait_registered(const std::string& url, const std::string& id) {
  net::HttpClient http;
  Result<net::Response> r = Status::io("never asked");
  for (int i = 0; i < 300; ++i) {
    r = http.get(url + "/v1/nodes/" + id);
    if (r && r->status == 200) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return r;
}

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}
}  // namespace

TEST_CASE("node sharing: grant, read, revoke through one node", "[node][share]") {
  TempDir dir;
  node::NodeOptions o;
  o.data_dir = dir.path;
  o.listen = "127.0.0.1:0";
  auto n = node::Node::start(o);
  REQUIRE(n);
  const std::string url = (*n)->url();
  net::HttpClient http;

  // The node's key and id agree; it offers itself as the one proxy it can reach.
  auto key = http.get(url + "/v1/node/key");
  REQUIRE(key);
  REQUIRE(key->status == 200);
  auto pk = keys::parse_public_key(key->body);
  REQUIRE(pk);
  CHECK(hex::encode(dht::node_id(pk->sign)) == (*n)->id_hex());
  // It registers itself on chain once it runs: its record names its keys and URL.
  auto rec = wait_registered(url, (*n)->id_hex());
  REQUIRE(rec);
  REQUIRE(rec->status == 200);
  auto rj = json::parse(rec->body);
  REQUIRE(rj);
  CHECK((*rj)["type"] == "cpc/node-record");
  CHECK((*rj)["sign"] == hex::encode(pk->sign));
  CHECK((*rj)["encrypt"] == hex::encode(pk->encrypt.bytes()));
  CHECK((*rj)["url"] == url);
  CHECK((*rj)["proof"]["tx"]["op"] == "node.register");
  CHECK(http.get(url + "/v1/nodes/" + std::string(64, '0'))->status == 404);
  CHECK(http.get(url + "/v1/nodes/XYZ")->status == 400);
  auto one = client::list_proxies(url, 1);
  REQUIRE(one);
  CHECK(one->front().url == url);
  CHECK(client::check_proxy_records(url, *one));
  auto two = http.get(url + "/v1/proxies?n=2");
  REQUIRE(two);
  CHECK(two->status == 503);
  CHECK(two->body.find("only 1 of 2 proxies registered and reachable") != std::string::npos);
  {
    // The client's check: a proxy entry whose encryption key is not its record's, and one
    // with no record at all, are refused by name before anything is sealed.
    auto other = keys::SecretKey::generate().value();
    std::vector<share::ProxyEntry> swapped = *one;
    swapped.front().key.encrypt = other.public_key().encrypt;
    Status s = client::check_proxy_records(url, swapped);
    CHECK(s.code() == Code::kRefused);
    CHECK(s.message().find("proxy " + (*n)->id_hex().substr(0, 16)) != std::string::npos);
    CHECK(s.message().find("encryption key is not the one its node record names") !=
          std::string::npos);
    std::vector<share::ProxyEntry> stranger{
        {dht::node_id(other.public_key().sign), "http://127.0.0.1:1", other.public_key()}};
    s = client::check_proxy_records(url, stranger);
    CHECK(s.code() == Code::kRefused);
    CHECK(s.message().find("no node record on chain") != std::string::npos);
  }
  CHECK(http.get(url + "/v1/proxies?n=0")->status == 400);
  CHECK(http.get(url + "/v1/proxies")->status == 400);

  auto owner = keys::SecretKey::generate().value();
  auto grantee = keys::SecretKey::generate().value();
  const std::string plain = "temperature 21.5\n";
  const std::string sealed = testing::ShareFixture::sealed_stream(plain, owner.public_key(), 1024);
  client::Options co;
  co.node = url;
  auto put = client::put_bytes(as_bytes(sealed), co);
  REQUIRE(put);
  const std::string cid = cid::to_string(put->cid);
  REQUIRE(client::register_data(url, owner, cid, put->size, std::chrono::seconds(60)));

  auto read = [&](const keys::SecretKey& k, std::string* out) {
    client::ReadOptions ro;
    ro.node = url;
    return client::read_sealed(
        put->cid, k,
        [&](ByteView b) {
          out->append(as_chars(b));
          return Status::ok();
        },
        ro);
  };
  std::string got;
  REQUIRE(read(owner, &got));
  CHECK(got == plain);
  got.clear();
  CHECK(read(grantee, &got).code() == Code::kRefused);
  CHECK(got.empty());

  // A grant of every CID of the owner, for a while.
  client::GrantSpec spec;
  spec.grantee = grantee.public_key();
  spec.threshold = 1;
  spec.shares = 1;
  spec.expires_in = std::chrono::hours(1);
  auto g = client::publish_grant(url, owner, spec);
  INFO(g.status().message());
  REQUIRE(g);
  CHECK(client::grant_output(*g).find("\"type\":\"cpc/grant\"") != std::string::npos);
  auto grants = client::live_grants(url, grantee.public_key().sign, cid);
  REQUIRE(grants);
  REQUIRE(grants->size() == 1);
  CHECK(grants->front().cid.empty());
  CHECK(grants->front().expires > g->height);
  CHECK(grants->front().expires < g->height + 100000);
  CHECK(grants->front().proxies.front().url == url);
  REQUIRE(read(grantee, &got));
  CHECK(got == plain);
  // Publishing more proxies than the node reaches fails before anything is submitted.
  spec.shares = 2;
  CHECK(client::publish_grant(url, owner, spec).status().code() == Code::kIo);

  // The proxy's answer to a direct request, then after the revocation.
  auto direct = [&]() {
    chain::Hash id{};
    REQUIRE(hex::decode_into(g->id, id));
    return http.post(url + "/v1/reencrypt",
                     share::request_record(share::make_request(id, cid, grantee, now_ms())));
  };
  auto before = direct();
  REQUIRE(before);
  CHECK(before->status == 200);
  auto revoked = client::revoke_grant(url, owner, g->id);
  REQUIRE(revoked);
  auto after = direct();
  REQUIRE(after);
  CHECK(after->status == 403);
  CHECK(after->body.find("no live grant") != std::string::npos);
  got.clear();
  CHECK(read(grantee, &got).code() == Code::kRefused);
  CHECK(got.empty());
  auto metrics = http.get(url + "/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("cpc_reencryptions_total{result=\"served\"} 2") != std::string::npos);
  CHECK(metrics->body.find("cpc_reencryptions_total{result=\"refused\"} 1") != std::string::npos);
  CHECK(metrics->body.find("# TYPE cpc_reencryptions_total counter") != std::string::npos);
}

TEST_CASE("a node started with --no-register is never offered as a proxy", "[node][share]") {
  TempDir dir;
  node::NodeOptions o;
  o.data_dir = dir.path;
  o.listen = "127.0.0.1:0";
  o.register_node = false;
  auto n = node::Node::start(o);
  REQUIRE(n);
  const std::string url = (*n)->url();
  net::HttpClient http;
  std::this_thread::sleep_for(std::chrono::seconds(2));  // it would have registered by now
  CHECK(http.get(url + "/v1/nodes/" + (*n)->id_hex())->status == 404);
  auto r = http.get(url + "/v1/proxies?n=1");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body.find("only 0 of 1 proxies registered and reachable") != std::string::npos);
  CHECK(r->body.find("--no-register") != std::string::npos);
}

TEST_CASE("durations: s, ms, m, h and d", "[node][share]") {
  CHECK(duration::parse("90s")->count() == 90'000);
  CHECK(duration::parse("30m")->count() == 1'800'000);
  CHECK(duration::parse("12h")->count() == 43'200'000);
  CHECK(duration::parse("7d")->count() == 604'800'000);
  CHECK(duration::parse("5")->count() == 5'000);
  CHECK_FALSE(duration::parse("5x"));
  CHECK_FALSE(duration::parse("d"));
}
