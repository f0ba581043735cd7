// SPDX-License-Identifier: Apache-2.0
// Known answers from the IPFS importer (tests/vectors/unixfs_importer.json, made by
// `node tests/cli/unixfs_importer.mjs vectors`): for each case, the root CID, the number of
// distinct blocks and the DAG's total encoded size must match, and the object must read
// back intact. Small chunk sizes give two- and three-level trees without megabytes of data.
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "unixfs_test_support.hpp"

using cpc::Bytes;
using cpc::test::MemoryStore;
namespace cid = cpc::cid;

TEST_CASE("UnixFS DAGs match ipfs-unixfs-importer", "[codec][unixfs][vectors]") {
  std::ifstream in(std::string(CPC_VECTORS_DIR) + "/unixfs_importer.json");
  REQUIRE(in);
  const auto doc = nlohmann::json::parse(in);
  REQUIRE(doc.at("type") == "cpc/unixfs-vectors");
  REQUIRE(doc.at("tests").size() >= 10);
  for (const auto& t : doc.at("tests")) {
    const std::string name = t.at("name");
    INFO("vector " << name);
    REQUIRE(t.at("expect") == "success");
    const std::size_t size = t.at("size");
    const Bytes data = t.at("pattern") == "zero"
                           ? Bytes(size, 0)
                           : cpc::test::xorshift_bytes(size, t.at("seed").get<std::uint32_t>());
    MemoryStore store;
    auto root = cpc::test::import(data, store, t.at("chunk_size"), t.at("max_links"), 100000);
    REQUIRE(root);
    CHECK(cid::to_string(*root) == t.at("root").get<std::string>());
    CHECK(store.blocks.size() == t.at("blocks").get<std::size_t>());
    CHECK(store.emitted_bytes == t.at("dag_size").get<std::uint64_t>());
    auto back = cpc::test::read_back(*root, store);
    REQUIRE(back);
    CHECK(*back == data);
  }
}
