// SPDX-License-Identifier: Apache-2.0
// unixfs.hpp FileBuilder: single-leaf objects, node contents, the balanced layout against a
// level-by-level re-statement of the importer's algorithm, independence from write sizes,
// emission order, zero-copy of whole chunks, and error handling.
#include <set>

#include <catch2/catch.hpp>

#include "unixfs_test_support.hpp"

using cpc::Bytes;
using cpc::ByteView;
using cpc::Status;
using cpc::test::MemoryStore;
namespace cid = cpc::cid;
namespace unixfs = cpc::unixfs;

namespace {

// The importer's balanced layout as it states it: batch the leaves by max_links into nodes,
// then batch those nodes, until one is left; a single leaf is its own root.
cid::Cid reference_root(ByteView data, std::size_t chunk, std::size_t max_links) {
  struct Ref {
    cid::Cid cid;
    std::uint64_t tsize, filesize;
  };
  std::vector<Ref> level;
  for (std::size_t off = 0; off < data.size(); off += chunk) {
    ByteView leaf = data.subspan(off, std::min(chunk, data.size() - off));
    level.push_back({cid::raw_cid(leaf), leaf.size(), leaf.size()});
  }
  if (level.empty()) return cid::raw_cid({});
  if (level.size() == 1) return level[0].cid;
  for (;;) {
    std::vector<Ref> up;
    for (std::size_t i = 0; i < level.size(); i += max_links) {
      unixfs::FileNode node;
      std::uint64_t tsize = 0;
      for (std::size_t j = i; j < std::min(i + max_links, level.size()); ++j) {
        node.links.push_back({level[j].cid, level[j].tsize});
        node.blocksizes.push_back(level[j].filesize);
        node.filesize += level[j].filesize;
        tsize += level[j].tsize;
      }
      const Bytes block = unixfs::encode_node(node);
      up.push_back({cid::cid_of(cid::kDagPb, block), tsize + block.size(), node.filesize});
    }
    if (up.size() == 1) return up[0].cid;
    level = std::move(up);
  }
}

}  // namespace

TEST_CASE("an object of at most one chunk is a single raw leaf", "[codec][unixfs]") {
  for (std::size_t n : {0, 1, 63, 64}) {
    MemoryStore store;
    const Bytes data = cpc::test::xorshift_bytes(n, 7);
    auto root = cpc::test::import(data, store, 64, 174);
    REQUIRE(root);
    CHECK(*root == cid::raw_cid(data));
    CHECK(store.emitted.size() == 1);
  }
}

TEST_CASE("two chunks make one file node", "[codec][unixfs]") {
  MemoryStore store;
  const Bytes data = {1, 2, 3, 4, 5};
  auto root = cpc::test::import(data, store, 4, 174);
  REQUIRE(root);
  CHECK(root->codec == cid::kDagPb);
  REQUIRE(store.emitted.size() == 3);
  CHECK(store.emitted[2] == *root);  // children first
  auto node = unixfs::decode_node(store.blocks[cid::to_string(*root)]);
  REQUIRE(node);
  const cid::Cid a = cid::raw_cid(ByteView(data).first(4));
  const cid::Cid b = cid::raw_cid(ByteView(data).subspan(4));
  CHECK(node->links == std::vector<unixfs::Link>{{a, 4}, {b, 1}});
  CHECK(node->blocksizes == std::vector<std::uint64_t>{4, 1});
  CHECK(node->filesize == 5);
  CHECK(node->data.empty());
}

TEST_CASE("the streaming layout equals the importer's level-by-level layout", "[codec][unixfs]") {
  const Bytes data = cpc::test::xorshift_bytes(700, 3);
  for (std::size_t max_links : {2, 3, 4, 174}) {
    for (std::size_t n = 0; n <= data.size(); n += (n < 100 ? 1 : 37)) {
      MemoryStore store;
      ByteView prefix = ByteView(data).first(n);
      auto root = cpc::test::import(prefix, store, 4, max_links);
      REQUIRE(root);
      INFO("n=" << n << " max_links=" << max_links);
      CHECK(*root == reference_root(prefix, 4, max_links));
    }
  }
}

TEST_CASE("the root does not depend on how the input is split", "[codec][unixfs]") {
  const Bytes data = cpc::test::xorshift_bytes(10000, 9);
  MemoryStore whole;
  auto expected = cpc::test::import(data, whole, 64, 5);
  REQUIRE(expected);
  for (std::size_t piece : {1, 7, 63, 64, 65, 128, 1000}) {
    MemoryStore store;
    auto root = cpc::test::import(data, store, 64, 5, piece);
    REQUIRE(root);
    CHECK(*root == *expected);
    CHECK(store.emitted == whole.emitted);
  }
  // Empty writes are no-ops.
  MemoryStore store;
  unixfs::FileBuilder builder(store.sink(), 64, 5);
  CHECK(builder.write({}));
  CHECK(builder.write(data));
  CHECK(builder.write({}));
  CHECK(builder.size() == data.size());
  CHECK(builder.finish().value() == *expected);
}

TEST_CASE("blocks verify and are emitted after their children", "[codec][unixfs]") {
  MemoryStore store;
  const Bytes data = cpc::test::xorshift_bytes(5000, 11);
  auto root = cpc::test::import(data, store, 16, 3);
  REQUIRE(root);
  CHECK(store.emitted.back() == *root);
  std::set<std::string> seen;
  for (const cid::Cid& c : store.emitted) {
    const Bytes& block = store.blocks[cid::to_string(c)];
    CHECK(cid::verify(c, block));
    if (c.codec == cid::kDagPb) {
      auto node = unixfs::decode_node(block);
      REQUIRE(node);
      CHECK(node->links.size() <= 3);
      for (const auto& l : node->links) CHECK(seen.count(cid::to_string(l.cid)) == 1);
    }
    seen.insert(cid::to_string(c));
  }
}

TEST_CASE("whole chunks are hashed in place, partial ones copied once", "[codec][unixfs]") {
  const Bytes data = cpc::test::xorshift_bytes(300, 5);
  std::vector<const std::uint8_t*> pointers;
  unixfs::FileBuilder builder(
      [&](const cid::Cid&, ByteView block) {
        pointers.push_back(block.data());
        return Status::ok();
      },
      100, 174);
  REQUIRE(builder.write(ByteView(data).first(250)));  // two whole chunks, 50 bytes kept
  REQUIRE(pointers.size() == 2);
  CHECK(pointers[0] == data.data());
  CHECK(pointers[1] == data.data() + 100);
  REQUIRE(builder.write(ByteView(data).subspan(250)));
  REQUIRE(builder.finish());
  REQUIRE(pointers.size() == 4);  // third leaf from the internal buffer, then the root
  CHECK(pointers[2] != data.data() + 200);
}

TEST_CASE("FileBuilder reports errors and stays failed", "[codec][unixfs]") {
  const Bytes data = cpc::test::xorshift_bytes(100, 1);
  int calls = 0;
  unixfs::FileBuilder failing(
      [&](const cid::Cid&, ByteView) {
        return ++calls == 2 ? Status::io("disk full") : Status::ok();
      },
      10, 174);
  Status s = failing.write(data);
  CHECK(s.code() == cpc::Code::kIo);
  CHECK(s.message() == "disk full");
  CHECK(failing.write(data).message() == "disk full");
  CHECK(failing.finish().status().message() == "disk full");

  MemoryStore store;
  unixfs::FileBuilder once(store.sink(), 10, 174);
  REQUIRE(once.finish());
  CHECK(once.finish().status().code() == cpc::Code::kBadInput);
  CHECK(once.write(data).code() == cpc::Code::kBadInput);

  CHECK_FALSE(unixfs::FileBuilder(store.sink(), 0).finish());
  CHECK_FALSE(unixfs::FileBuilder(store.sink(), unixfs::kMaxBlockSize + 1).write(data));
  CHECK_FALSE(unixfs::FileBuilder(store.sink(), 10, 1).finish());
  CHECK_FALSE(unixfs::FileBuilder(nullptr).finish());
  CHECK(unixfs::FileBuilder(store.sink(), unixfs::kMaxBlockSize).finish());
}
