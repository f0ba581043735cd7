// SPDX-License-Identifier: Apache-2.0
// The chain inside a node: the LMDB StateStore (atomic batches, deletes, reopen) and a
// single-validator node in process committing a registration through its API, serving
// the registration's inclusion proof, and a chain that verifies from genesis over HTTP.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "cpc/chain/remote.hpp"
#include "cpc/chain_client.hpp"
#include "cpc/chain_store.hpp"
#include "cpc/http_get.hpp"
#include "cpc/node.hpp"

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

  auto sk = cpc::keys::SecretKey::generate();
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
