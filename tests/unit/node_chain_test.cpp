// SPDX-License-Identifier: Apache-2.0
// The chain inside a node: the LMDB StateStore (atomic batches, deletes, reopen) and a
// single-validator node in process committing a registration through its API, serving
// the registration's inclusion proof, and a chain that verifies from genesis over HTTP.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cpc/client/chain_client.hpp"
#include "cpc/client/chain_remote.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/http_get.hpp"
#include "cpc/node/node.hpp"
#include "lmdb_state_store.hpp"

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/cpc-node-chain.XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};
}  // namespace

TEST_CASE("LmdbStateStore: batches commit whole and survive a reopen", "[node][chain]") {
  TempDir dir;
  {
    auto s = cpc::node::LmdbStateStore::open(dir.path + "/chain");
    REQUIRE(s);
    CHECK_FALSE((*s)->get("a"));
    cpc::chain::WriteBatch b;
    b.put("a", "1");
    b.put("b", "2");
    REQUIRE((*s)->commit(b));
    CHECK((*s)->get("a") == std::optional<std::string>("1"));
    cpc::chain::WriteBatch d;
    d.del("a");
    d.put("c", std::string(1000, 'x'));
    REQUIRE((*s)->commit(d));
    CHECK_FALSE((*s)->get("a"));
  }
  auto s = cpc::node::LmdbStateStore::open(dir.path + "/chain");
  REQUIRE(s);
  CHECK_FALSE((*s)->get("a"));
  CHECK((*s)->get("b") == std::optional<std::string>("2"));
  CHECK((*s)->get("c") == std::optional<std::string>(std::string(1000, 'x')));
}

TEST_CASE("node chain: a single validator commits a registration alone", "[node][chain]") {
  TempDir dir;
  cpc::node::NodeOptions o;
  o.data_dir = dir.path;
  o.listen = "127.0.0.1:0";
  auto node = cpc::node::Node::start(o);
  REQUIRE(node);
  const std::string url = (*node)->url();

  auto sk = cpc::keys::SecretKey::generate().value();
  const std::string cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
  auto tx = cpc::client::register_data(url, sk, cid, 11, std::chrono::seconds(120));
  REQUIRE(tx);

  // The same registration again is refused with the reason.
  auto again = cpc::client::register_data(url, sk, cid, 11, std::chrono::seconds(120));
  REQUIRE_FALSE(again);
  CHECK(again.status().code() == cpc::Code::kRefused);

  auto proof = cpc::client::data_proof(url, cid);
  REQUIRE(proof);
  auto checked = cpc::chain::verify_proof_file(*proof, std::nullopt);
  REQUIRE(checked);
  CHECK(cpc::chain::to_hex(checked->tx) == *tx);

  auto chain = cpc::chain::verify_remote_chain(url, std::nullopt);
  REQUIRE(chain);
  CHECK(chain->height >= checked->height);

  auto missing = cpc::net::http_get(url + "/v1/tx/" + std::string(64, '0'));
  REQUIRE(missing);
  CHECK(missing->status == 404);
  (*node)->stop();
}

// docs/node-api.md §10, read-your-writes: from the moment GET /v1/tx/{id} answers
// "committed", every read path of the node that answered shows the block. A transaction's
// status comes from the state's index, written with the block; the node's own views (the
// index of recent blocks with transactions) must be published no later. Each transaction is
// polled in a tight loop and checked the instant it is committed, 64 times: a window between
// the commit and the publication of any view is hit here (the one this guards, the index
// updated after the engine step released the lock, was hit by 4 to 42 of the 64 in each of
// 10 runs).
TEST_CASE("node chain: read-your-writes, a committed transaction is on every read path at once",
          "[node][chain]") {
  TempDir dir;
  cpc::node::NodeOptions o;
  o.data_dir = dir.path;
  o.listen = "127.0.0.1:0";
  auto node = cpc::node::Node::start(o);
  REQUIRE(node);
  const std::string url = (*node)->url();
  auto info = cpc::client::chain_status(url);
  REQUIRE(info);
  auto sk = cpc::keys::SecretKey::generate().value();
  const std::string from = cpc::hex::encode(sk.public_key().sign);

  cpc::net::HttpClient http;
  auto get = [&](const std::string& path) {
    auto r = http.get(url + path);
    REQUIRE(r);
    return *r;
  };
  constexpr std::uint64_t kTxs = 64;
  int unlisted = 0;
  for (std::uint64_t n = 0; n < kTxs; ++n) {
    const std::string cid = cpc::cid::to_string(
        cpc::cid::raw_cid(cpc::as_bytes("read-your-writes " + std::to_string(n))));
    cpc::chain::Tx tx;
    tx.op = cpc::chain::Op::kDataRegister;
    tx.chain = info->chain;
    tx.nonce = n;
    tx.cid = cid;
    tx.size = 1;
    cpc::chain::sign_tx(tx, sk);
    auto id = cpc::client::submit_tx(url, tx);
    REQUIRE(id);
    INFO("transaction " << n << " " << *id);

    std::uint64_t height = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (height == 0) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      auto r = get("/v1/tx/" + *id);
      REQUIRE(r.status == 200);
      auto j = nlohmann::json::parse(r.body);
      if (j["status"] == "committed") height = j["height"].get<std::uint64_t>();
    }

    // The instant it is committed: first the view that lagged, then the others.
    auto recent = get("/v1/chain/recent?txs=1&limit=1");
    REQUIRE(recent.status == 200);
    auto rj = nlohmann::json::parse(recent.body);
    bool listed = false;
    for (const auto& b : rj["blocks"]) {
      for (const auto& t : b["txs"]) listed = listed || (t["id"] == *id && b["height"] == height);
    }
    if (!listed) ++unlisted;
    CHECK(listed);
    CHECK(rj["height"].get<std::uint64_t>() >= height);

    auto data = get("/v1/data/" + cid);
    REQUIRE(data.status == 200);
    auto dj = nlohmann::json::parse(data.body);
    CHECK(dj["tx"] == *id);
    CHECK(dj["height"] == height);
    auto status = get("/v1/chain/status");
    CHECK(nlohmann::json::parse(status.body)["height"].get<std::uint64_t>() >= height);
    CHECK(get("/v1/blocks/" + std::to_string(height)).status == 200);
    auto account = nlohmann::json::parse(get("/v1/accounts/" + from).body);
    CHECK(account["nonce"] == n + 1);
  }
  CHECK(unlisted == 0);
  (*node)->stop();
}

TEST_CASE("node: the explorer page, the latest blocks, peers and metrics", "[node][chain]") {
  TempDir dir;
  cpc::node::NodeOptions o;
  o.data_dir = dir.path;
  o.listen = "127.0.0.1:0";
  auto node = cpc::node::Node::start(o);
  REQUIRE(node);
  const std::string url = (*node)->url();
  cpc::net::HttpClient http;

  auto page = http.get(url + "/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->content_type == "text/html; charset=utf-8");
  CHECK(page->body.find("<script src=\"/explorer.js\"") != std::string::npos);
  auto js = http.get(url + "/explorer.js");
  REQUIRE(js);
  CHECK(js->content_type == "text/javascript; charset=utf-8");
  CHECK(js->body.find("/v1/chain/recent") != std::string::npos);
  auto css = http.get(url + "/explorer.css");
  REQUIRE(css);
  CHECK(css->content_type == "text/css; charset=utf-8");
  // Nothing is loaded from elsewhere.
  for (const auto* body : {&page->body, &js->body, &css->body}) {
    CHECK(body->find("http://") == std::string::npos);
    CHECK(body->find("https://") == std::string::npos);
  }
  CHECK(http.get(url + "/index.html")->status == 404);

  auto sk = cpc::keys::SecretKey::generate().value();
  const std::string cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
  auto tx = cpc::client::register_data(url, sk, cid, 11, std::chrono::seconds(120));
  REQUIRE(tx);

  auto recent = http.get(url + "/v1/chain/recent?limit=3");
  REQUIRE(recent);
  REQUIRE(recent->status == 200);
  auto r = nlohmann::json::parse(recent->body);
  CHECK(r["type"] == "cpc/recent-blocks");
  REQUIRE(r["blocks"].size() >= 1);
  CHECK(r["blocks"].size() <= 3);
  CHECK(r["blocks"][0]["height"] == r["height"]);

  // The block of the registration, found among the blocks with transactions; again after a
  // restart (the index is rebuilt from the stored blocks).
  auto find_tx = [&](const std::string& base) {
    auto w = http.get(base + "/v1/chain/recent?txs=1");
    REQUIRE(w);
    REQUIRE(w->status == 200);
    auto j = nlohmann::json::parse(w->body);
    for (const auto& b : j["blocks"]) {
      CHECK_FALSE(b["txs"].empty());
      for (const auto& t : b["txs"]) {
        if (t["id"] == *tx) {
          CHECK(t["op"] == "data.register");
          CHECK(t["body"]["cid"] == cid);
          CHECK(t["from"] == cpc::hex::encode(sk.public_key().sign));
          CHECK_FALSE(t.contains("sig"));
          return true;
        }
      }
    }
    return false;
  };
  CHECK(find_tx(url));
  CHECK(http.get(url + "/v1/chain/recent?limit=0")->status == 400);
  CHECK(http.get(url + "/v1/chain/recent?limit=51")->status == 400);
  CHECK(http.get(url + "/v1/chain/recent?limit=x")->status == 400);

  auto peers = http.get(url + "/v1/peers");
  REQUIRE(peers);
  auto p = nlohmann::json::parse(peers->body);
  CHECK(p["count"] == 0);
  CHECK(p["peers"].empty());

  auto metrics = http.get(url + "/metrics");
  REQUIRE(metrics);
  const std::string& m = metrics->body;
  CHECK(m.find("\ncpc_chain_height ") != std::string::npos);
  CHECK(m.find("\ncpc_mempool_size ") != std::string::npos);
  CHECK(m.find("\ncpc_commit_latency_seconds_count ") != std::string::npos);
  CHECK(m.find("\ncpc_reencryptions_total{result=\"refused\"} 0\n") != std::string::npos);
  CHECK(m.find("cpc_request_duration_seconds_bucket{endpoint=\"chain_recent\",le=\"+Inf\"}") !=
        std::string::npos);
  CHECK(m.find("cpc_requests_total{endpoint=\"explorer\",status=\"200\"} 3") != std::string::npos);

  (*node)->stop();
  node = cpc::node::Node::start(o);
  REQUIRE(node);
  CHECK(find_tx((*node)->url()));
  (*node)->stop();
}
