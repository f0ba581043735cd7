// SPDX-License-Identifier: Apache-2.0
// dag-pb PBNode and UnixFS Data encoding and strict decoding (unixfs.hpp, docs/cid.md §3).
// References: the dag-pb spec (ipld.io/specs/codecs/dag-pb/spec/: Links before Data,
// Hash/Name/Tsize in that order) and the UnixFS spec (github.com/ipfs/specs, UNIXFS.md:
// message Data { Type = 1; Data = 2; filesize = 3; repeated blocksizes = 4; hashType = 5;
// fanout = 6; mode = 7; mtime = 8 }).
#include <limits>

#include "cpc/codec/unixfs.hpp"

namespace cpc::unixfs {
namespace {

// Protobuf wire types used by dag-pb and UnixFS; others (fixed32/64, groups) never occur.
constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kLengthDelimited = 2;

// UnixFS Data.Type values.
constexpr std::uint64_t kTypeRaw = 0;
constexpr std::uint64_t kTypeFile = 2;

struct Field {
  std::uint64_t number = 0;
  std::uint32_t wire = 0;
  std::uint64_t value = 0;  // kVarint
  ByteView bytes;           // kLengthDelimited
};

void put_key(std::uint64_t number, std::uint32_t wire, Bytes& out) {
  cid::put_varint(number << 3 | wire, out);
}

void put_bytes(std::uint64_t number, ByteView bytes, Bytes& out) {
  put_key(number, kLengthDelimited, out);
  cid::put_varint(bytes.size(), out);
  out.insert(out.end(), bytes.begin(), bytes.end());
}

Result<Field> next_field(ByteView& in, const char* message) {
  auto fail = [message](const std::string& what) {
    return Status::bad_input(std::string(message) + ": " + what);
  };
  auto key = cid::get_varint(in);
  if (!key) return key.status().with_context(message);
  Field f;
  f.number = *key >> 3;
  f.wire = static_cast<std::uint32_t>(*key & 7);
  if (f.number == 0) return fail("field number 0");
  if (f.wire == kVarint) {
    auto v = cid::get_varint(in);
    if (!v) return v.status().with_context(message);
    f.value = *v;
  } else if (f.wire == kLengthDelimited) {
    auto len = cid::get_varint(in);
    if (!len) return len.status().with_context(message);
    if (*len > in.size()) return fail("truncated field " + std::to_string(f.number));
    f.bytes = in.first(*len);
    in = in.subspan(*len);
  } else {
    return fail("unsupported wire type " + std::to_string(f.wire) + " (field " +
                std::to_string(f.number) + ")");
  }
  return f;
}

Status expect_wire(const Field& f, std::uint32_t wire, const char* what) {
  if (f.wire == wire) return Status::ok();
  return Status::bad_input(std::string(what) + ": wrong wire type " + std::to_string(f.wire));
}

// PBLink { 1: Hash bytes; 2: Name string; 3: Tsize uint64 }, in that order.
Result<Link> decode_link(ByteView in) {
  Link link;
  std::uint64_t last = 0;
  bool have_hash = false, have_tsize = false;
  while (!in.empty()) {
    auto f = next_field(in, "dag-pb PBLink");
    if (!f) return f.status();
    if (f->number <= last) return Status::bad_input("dag-pb PBLink: fields out of order");
    last = f->number;
    if (f->number == 1) {
      CPC_RETURN_IF_ERROR(expect_wire(*f, kLengthDelimited, "dag-pb PBLink Hash"));
      auto c = cid::from_bytes(f->bytes);
      if (!c) return c.status().with_context("dag-pb link");
      link.cid = *c;
      have_hash = true;
    } else if (f->number == 2) {
      CPC_RETURN_IF_ERROR(expect_wire(*f, kLengthDelimited, "dag-pb PBLink Name"));
      if (!f->bytes.empty()) return Status::bad_input("named link in a UnixFS file node");
    } else if (f->number == 3) {
      CPC_RETURN_IF_ERROR(expect_wire(*f, kVarint, "dag-pb PBLink Tsize"));
      link.tsize = f->value;
      have_tsize = true;
    } else {
      return Status::bad_input("dag-pb PBLink: unknown field " + std::to_string(f->number));
    }
  }
  if (!have_hash) return Status::bad_input("dag-pb PBLink without Hash");
  if (!have_tsize) return Status::bad_input("dag-pb PBLink without Tsize");
  return link;
}

// UnixFS Data, fields in ascending order (as every importer writes them).
Status decode_data(ByteView in, std::size_t link_count, FileNode& node) {
  std::uint64_t last = 0;
  bool have_type = false, have_filesize = false;
  std::uint64_t type = 0;
  while (!in.empty()) {
    auto f = next_field(in, "UnixFS Data");
    if (!f) return f.status();
    if (f->number < last || (f->number == last && f->number != 4)) {
      return Status::bad_input("UnixFS Data: fields out of order or repeated");
    }
    last = f->number;
    switch (f->number) {
      case 1:
        CPC_RETURN_IF_ERROR(expect_wire(*f, kVarint, "UnixFS Type"));
        type = f->value;
        have_type = true;
        break;
      case 2:
        CPC_RETURN_IF_ERROR(expect_wire(*f, kLengthDelimited, "UnixFS Data"));
        node.data.assign(f->bytes.begin(), f->bytes.end());
        break;
      case 3:
        CPC_RETURN_IF_ERROR(expect_wire(*f, kVarint, "UnixFS filesize"));
        node.filesize = f->value;
        have_filesize = true;
        break;
      case 4:
        CPC_RETURN_IF_ERROR(expect_wire(*f, kVarint, "UnixFS blocksizes"));
        if (f->value == 0) return Status::bad_input("UnixFS blocksize of 0");
        node.blocksizes.push_back(f->value);
        break;
      case 7:  // mode: metadata, not content
        CPC_RETURN_IF_ERROR(expect_wire(*f, kVarint, "UnixFS mode"));
        break;
      case 8:  // mtime: metadata, not content
        CPC_RETURN_IF_ERROR(expect_wire(*f, kLengthDelimited, "UnixFS mtime"));
        break;
      default:  // 5 hashType and 6 fanout belong to HAMT directories
        return Status::bad_input("UnixFS Data: unexpected field " + std::to_string(f->number) +
                                 " in a file node");
    }
  }
  if (!have_type) return Status::bad_input("UnixFS Data without Type");
  if (type != kTypeFile && type != kTypeRaw) {
    return Status::bad_input("UnixFS node of type " + std::to_string(type) + " is not a file");
  }
  if (type == kTypeRaw && link_count != 0) return Status::bad_input("UnixFS Raw node with links");
  if (!have_filesize) return Status::bad_input("UnixFS file node without filesize");
  if (node.blocksizes.size() != link_count) {
    return Status::bad_input("UnixFS node has " + std::to_string(link_count) + " links but " +
                             std::to_string(node.blocksizes.size()) + " blocksizes");
  }
  std::uint64_t sum = node.data.size();
  for (std::uint64_t b : node.blocksizes) {
    if (b > std::numeric_limits<std::uint64_t>::max() - sum) {
      return Status::bad_input("UnixFS blocksizes overflow");
    }
    sum += b;
  }
  if (sum != node.filesize) {
    return Status::bad_input("UnixFS filesize " + std::to_string(node.filesize) +
                             " != data + blocksizes " + std::to_string(sum));
  }
  return Status::ok();
}

}  // namespace

Bytes encode_node(const FileNode& node) {
  Bytes data;
  put_key(1, kVarint, data);
  cid::put_varint(kTypeFile, data);
  if (!node.data.empty()) put_bytes(2, node.data, data);
  put_key(3, kVarint, data);
  cid::put_varint(node.filesize, data);
  for (std::uint64_t b : node.blocksizes) {
    put_key(4, kVarint, data);
    cid::put_varint(b, data);
  }

  Bytes out;
  out.reserve(node.links.size() * 48 + data.size() + 8);
  Bytes link;
  for (const Link& l : node.links) {
    link.clear();
    put_bytes(1, cid::to_bytes(l.cid), link);
    put_bytes(2, {}, link);  // Name = "": the importer always writes it
    put_key(3, kVarint, link);
    cid::put_varint(l.tsize, link);
    put_bytes(2, link, out);
  }
  put_bytes(1, data, out);
  return out;
}

Result<FileNode> decode_node(ByteView block) {
  FileNode node;
  ByteView in = block;
  bool have_data = false;
  ByteView data;
  while (!in.empty()) {
    auto f = next_field(in, "dag-pb PBNode");
    if (!f) return f.status();
    if (f->wire != kLengthDelimited) return Status::bad_input("dag-pb PBNode: wrong wire type");
    if (have_data) return Status::bad_input("dag-pb PBNode: field after Data");
    if (f->number == 2) {
      auto link = decode_link(f->bytes);
      if (!link) return link.status();
      node.links.push_back(*link);
    } else if (f->number == 1) {
      data = f->bytes;
      have_data = true;
    } else {
      return Status::bad_input("dag-pb PBNode: unknown field " + std::to_string(f->number));
    }
  }
  if (!have_data) return Status::bad_input("dag-pb node without Data is not a UnixFS node");
  CPC_RETURN_IF_ERROR(decode_data(data, node.links.size(), node));
  return node;
}

}  // namespace cpc::unixfs
