// SPDX-License-Identifier: Apache-2.0
// unixfs.hpp encode_node/decode_node: the exact bytes of a file node (as the IPFS importer
// writes them) and strict rejection of malformed dag-pb or UnixFS data.
#include <catch2/catch.hpp>

#include "cpc/codec/hex.hpp"
#include "cpc/codec/unixfs.hpp"

using cpc::as_bytes;
using cpc::Bytes;
namespace cid = cpc::cid;
namespace unixfs = cpc::unixfs;

namespace {

// A tiny protobuf writer, to build blocks field by field.
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes varint_field(std::uint64_t number, std::uint64_t v) {
  Bytes out;
  cid::put_varint(number << 3, out);
  cid::put_varint(v, out);
  return out;
}
Bytes bytes_field(std::uint64_t number, const Bytes& b) {
  Bytes out;
  cid::put_varint(number << 3 | 2, out);
  cid::put_varint(b.size(), out);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

const cid::Cid kLeafA = cid::raw_cid(as_bytes("aaaa"));
const cid::Cid kLeafB = cid::raw_cid(as_bytes("bb"));

Bytes link(const cid::Cid& c, std::uint64_t tsize) {
  return cat({bytes_field(1, cid::to_bytes(c)), bytes_field(2, {}), varint_field(3, tsize)});
}
Bytes file_data(std::uint64_t filesize, std::initializer_list<std::uint64_t> blocksizes) {
  Bytes d = cat({varint_field(1, 2), varint_field(3, filesize)});
  for (auto b : blocksizes) d = cat({d, varint_field(4, b)});
  return d;
}
// The valid two-leaf node all malformed variants start from.
Bytes good_node() {
  return cat({bytes_field(2, link(kLeafA, 4)), bytes_field(2, link(kLeafB, 2)),
              bytes_field(1, file_data(6, {4, 2}))});
}

bool rejects(const Bytes& block) {
  return !unixfs::decode_node(block).is_ok();
}

}  // namespace

TEST_CASE("encode_node writes the importer's layout byte for byte", "[codec][unixfs]") {
  unixfs::FileNode node;
  node.links = {{kLeafA, 4}, {kLeafB, 2}};
  node.blocksizes = {4, 2};
  node.filesize = 6;
  const Bytes block = unixfs::encode_node(node);
  CHECK(block == good_node());
  // Link: 12 2a | 0a 24 <36-byte CID> 12 00 18 04; Data: 0a 08 | 08 02 18 06 20 04 20 02.
  const std::string hex = cpc::hex::encode(block);
  CHECK(hex.substr(0, 12) == "122a0a240155");
  CHECK(hex.substr(hex.size() - 20) ==
        "0a0808021806200420"
        "02");
  auto back = unixfs::decode_node(block);
  REQUIRE(back);
  CHECK(*back == node);
}

TEST_CASE("decode_node accepts inline data, Raw leaves and metadata", "[codec][unixfs]") {
  auto inline_data = unixfs::decode_node(
      bytes_field(1, cat({varint_field(1, 2), bytes_field(2, {'h', 'i'}), varint_field(3, 2)})));
  REQUIRE(inline_data);
  CHECK(inline_data->data == Bytes{'h', 'i'});
  CHECK(inline_data->filesize == 2);
  CHECK(unixfs::decode_node(bytes_field(1, cat({varint_field(1, 0), varint_field(3, 0)}))));
  // mode (7) and mtime (8) are file metadata: accepted, not content.
  CHECK(unixfs::decode_node(
      cat({bytes_field(2, link(kLeafA, 4)),
           bytes_field(1, cat({file_data(4, {4}), varint_field(7, 0644),
                               bytes_field(8, varint_field(1, 1700000000))}))})));
}

TEST_CASE("decode_node rejects malformed dag-pb", "[codec][unixfs]") {
  REQUIRE(unixfs::decode_node(good_node()));
  CHECK(rejects({}));                               // no Data: not UnixFS
  CHECK(rejects(bytes_field(2, link(kLeafA, 4))));  // links but no Data
  Bytes truncated = good_node();
  truncated.pop_back();
  CHECK(rejects(truncated));
  CHECK(rejects(cat({good_node(), Bytes{0x00}})));  // trailing zero byte
  CHECK(rejects(cat({bytes_field(1, file_data(6, {4, 2})), bytes_field(2, link(kLeafA, 4)),
                     bytes_field(2, link(kLeafB, 2))})));  // Data before Links
  CHECK(rejects(cat({bytes_field(1, file_data(0, {})), bytes_field(1, file_data(0, {}))})));
  CHECK(rejects(cat({bytes_field(3, {}), bytes_field(1, file_data(0, {}))})));  // unknown field
  CHECK(rejects(cat({varint_field(2, 5), bytes_field(1, file_data(0, {}))})));  // wire type
  CHECK(rejects(cat({Bytes{0x11, 0, 0, 0, 0, 0, 0, 0, 0}, bytes_field(1, file_data(0, {}))})));
}

TEST_CASE("decode_node rejects malformed links", "[codec][unixfs]") {
  const Bytes data = bytes_field(1, file_data(4, {4}));
  const Bytes hash = bytes_field(1, cid::to_bytes(kLeafA));
  auto node_with = [&](const Bytes& l) { return cat({bytes_field(2, l), data}); };
  CHECK_FALSE(rejects(node_with(cat({hash, varint_field(3, 4)}))));          // Name may be absent
  CHECK(rejects(node_with(cat({bytes_field(2, {}), varint_field(3, 4)}))));  // no Hash
  CHECK(rejects(node_with(hash)));                                           // no Tsize
  CHECK(rejects(node_with(cat({hash, bytes_field(2, {'x'}), varint_field(3, 4)}))));  // Name
  CHECK(rejects(node_with(cat({varint_field(3, 4), hash}))));                         // order
  CHECK(rejects(node_with(cat({hash, hash, varint_field(3, 4)}))));                   // duplicate
  CHECK(rejects(node_with(cat({hash, bytes_field(3, {4})}))));  // Tsize wire type
  CHECK(rejects(node_with(cat({hash, varint_field(3, 4), varint_field(4, 0)}))));  // unknown
  Bytes v0 = cid::to_bytes(kLeafA);
  v0.erase(v0.begin(), v0.begin() + 2);
  CHECK(rejects(node_with(cat({bytes_field(1, v0), varint_field(3, 4)}))));  // CIDv0 link
}

TEST_CASE("decode_node rejects malformed UnixFS data", "[codec][unixfs]") {
  auto node_with = [](const Bytes& d) {
    return cat(
        {bytes_field(2, link(kLeafA, 4)), bytes_field(2, link(kLeafB, 2)), bytes_field(1, d)});
  };
  CHECK_FALSE(rejects(node_with(file_data(6, {4, 2}))));
  CHECK(rejects(node_with(file_data(7, {4, 2}))));  // sizes do not add up
  CHECK(rejects(node_with(file_data(4, {4}))));     // 2 links, 1 blocksize
  CHECK(rejects(node_with(file_data(2, {0, 2}))));  // empty child
  CHECK(rejects(node_with(varint_field(1, 2))));    // no filesize
  CHECK(rejects(node_with(cat({varint_field(3, 6), varint_field(4, 4), varint_field(4, 2)}))));
  CHECK(rejects(node_with(cat({varint_field(1, 1), varint_field(3, 6), varint_field(4, 4),
                               varint_field(4, 2)}))));  // a directory
  CHECK(rejects(node_with(cat({varint_field(1, 0), varint_field(3, 6), varint_field(4, 4),
                               varint_field(4, 2)}))));                           // Raw with links
  CHECK(rejects(node_with(cat({file_data(6, {4, 2}), varint_field(5, 0x22)}))));  // hashType
  CHECK(rejects(node_with(cat({file_data(6, {4, 2}), varint_field(6, 256)}))));   // fanout
  CHECK(rejects(node_with(cat({file_data(6, {4, 2}), varint_field(9, 1)}))));     // unknown
  CHECK(rejects(node_with(cat({varint_field(3, 6), varint_field(1, 2), varint_field(4, 4),
                               varint_field(4, 2)}))));  // out of order
  CHECK(rejects(node_with(cat({varint_field(1, 2), varint_field(1, 2), varint_field(3, 6),
                               varint_field(4, 4), varint_field(4, 2)}))));  // repeated Type
  CHECK(rejects(node_with(cat(
      {varint_field(1, 2), varint_field(3, 6), bytes_field(4, {4, 2})}))));  // packed blocksizes
  CHECK(rejects(node_with(cat({varint_field(1, 2), varint_field(3, 6), varint_field(4, 4),
                               Bytes{0x20, 0x82, 0x00}}))));  // overlong varint
  // Four blocksizes of 2^62 + 1 wrap around to 4 in 64 bits.
  const std::uint64_t big = (std::uint64_t{1} << 62) + 1;
  Bytes four_links;
  for (int i = 0; i < 4; ++i) four_links = cat({four_links, bytes_field(2, link(kLeafA, 4))});
  Bytes sizes = cat({varint_field(1, 2), varint_field(3, 4)});
  for (int i = 0; i < 4; ++i) sizes = cat({sizes, varint_field(4, big)});
  CHECK(rejects(cat({four_links, bytes_field(1, sizes)})));
}
