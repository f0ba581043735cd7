// SPDX-License-Identifier: Apache-2.0
// unixfs.hpp read_file: round trips, and refusal of tampered blocks, forged sizes, missing
// blocks and DAGs beyond the limits.
#include <catch2/catch.hpp>

#include "unixfs_test_support.hpp"

using cpc::Bytes;
using cpc::ByteView;
using cpc::Code;
using cpc::Status;
using cpc::test::MemoryStore;
namespace cid = cpc::cid;
namespace unixfs = cpc::unixfs;

namespace {

Code read_code(const cid::Cid& root, const MemoryStore& store,
               const unixfs::ReadLimits& limits = {}) {
  return cpc::test::read_back(root, store, limits).status().code();
}

}  // namespace

TEST_CASE("read_file returns what was written", "[codec][unixfs]") {
  const Bytes data = cpc::test::xorshift_bytes(64 * 20 + 5, 21);
  for (std::size_t n : {0, 1, 63, 64, 65, 64 * 3 + 5, 64 * 9, 64 * 20 + 5}) {
    MemoryStore store;
    ByteView prefix = ByteView(data).first(n);
    auto root = cpc::test::import(prefix, store, 64, 3);
    REQUIRE(root);
    auto back = cpc::test::read_back(*root, store);
    REQUIRE(back);
    CHECK(*back == Bytes(prefix.begin(), prefix.end()));
  }
}

TEST_CASE("read_file refuses a block that does not match its CID", "[codec][unixfs]") {
  MemoryStore store;
  const Bytes data = cpc::test::xorshift_bytes(1000, 2);
  auto root = cpc::test::import(data, store, 64, 4);
  REQUIRE(root);
  for (auto& [name, block] : store.blocks) {
    MemoryStore bad = store;
    bad.blocks[name][0] ^= 1;
    auto r = cpc::test::read_back(*root, bad);
    CHECK(r.status().code() == Code::kRefused);
    CHECK(r.status().message().find(name) != std::string::npos);
  }
  MemoryStore missing = store;
  missing.blocks.erase(cid::to_string(store.emitted.front()));
  CHECK(read_code(*root, missing) == Code::kIo);  // the fetcher's error, unchanged

  auto failing_sink =
      unixfs::read_file(*root, store.fetcher(), [](ByteView) { return Status::io("pipe closed"); });
  CHECK(failing_sink.status().message() == "pipe closed");
}

TEST_CASE("read_file enforces size, depth and block limits", "[codec][unixfs]") {
  MemoryStore store;
  const Bytes data = cpc::test::xorshift_bytes(1000, 12);
  auto root = cpc::test::import(data, store, 16, 3);  // 63 leaves: 4 levels of nodes
  REQUIRE(root);
  unixfs::ReadLimits limits;
  limits.max_depth = 4;
  CHECK(cpc::test::read_back(*root, store, limits));
  limits.max_depth = 3;
  CHECK(read_code(*root, store, limits) == Code::kBadInput);

  limits = {};
  limits.max_size = 999;
  bool wrote = false;
  auto r = unixfs::read_file(
      *root, store.fetcher(),
      [&](ByteView) {
        wrote = true;
        return Status::ok();
      },
      limits);
  CHECK(r.status().code() == Code::kBadInput);
  CHECK_FALSE(wrote);  // refused before the first byte
  limits.max_size = 1000;
  CHECK(cpc::test::read_back(*root, store, limits));

  limits = {};
  limits.max_block_size = 15;
  CHECK(read_code(*root, store, limits) == Code::kBadInput);
  CHECK(read_code(cid::Cid{0x71, {}}, store) == Code::kBadInput);  // dag-cbor
}

TEST_CASE("read_file rejects sizes that a parent does not vouch for", "[codec][unixfs]") {
  MemoryStore store;
  const Bytes abc = {'a', 'b', 'c'}, de = {'d', 'e'};
  const cid::Cid leaf_abc = store.put(cid::kRaw, abc), leaf_de = store.put(cid::kRaw, de);
  auto node = [&](std::vector<unixfs::Link> links, std::vector<std::uint64_t> sizes) {
    unixfs::FileNode n;
    n.links = std::move(links);
    n.blocksizes = std::move(sizes);
    for (auto s : n.blocksizes) n.filesize += s;
    return store.put(cid::kDagPb, unixfs::encode_node(n));
  };
  const cid::Cid good = node({{leaf_abc, 3}, {leaf_de, 2}}, {3, 2});
  CHECK(cpc::test::read_back(good, store).value() == Bytes{'a', 'b', 'c', 'd', 'e'});
  // A leaf shorter or longer than its blocksize.
  CHECK(read_code(node({{leaf_abc, 3}, {leaf_de, 2}}, {3, 3}), store) == Code::kBadInput);
  CHECK(read_code(node({{leaf_abc, 3}, {leaf_de, 2}}, {2, 2}), store) == Code::kBadInput);
  // A wrong Tsize.
  CHECK(read_code(node({{leaf_abc, 3}, {leaf_de, 9}}, {3, 2}), store) == Code::kBadInput);
  // An inner node whose filesize disagrees with what its parent says.
  const std::uint64_t good_tsize = store.blocks[cid::to_string(good)].size() + 5;
  CHECK(read_code(node({{good, good_tsize}}, {5}), store) == Code::kOk);
  CHECK(read_code(node({{good, good_tsize}}, {6}), store) == Code::kBadInput);
  // A node that is not UnixFS.
  const cid::Cid junk = store.put(cid::kDagPb, Bytes{0x0a, 0x00});
  CHECK(read_code(junk, store) == Code::kBadInput);
}
