// SPDX-License-Identifier: Apache-2.0
// Shared by the UnixFS unit tests: an in-memory block store and the deterministic test data
// of tests/vectors/unixfs_importer.json (xorshift32, as tests/cli/unixfs_importer.mjs).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cpc/codec/unixfs.hpp"

namespace cpc::test {

// Marsaglia's xorshift32 (13, 17, 5); byte i is the low byte of the state after step i.
inline Bytes xorshift_bytes(std::size_t size, std::uint32_t seed) {
  Bytes out(size);
  std::uint32_t x = seed;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return out;
}

// Blocks by CID, in the order they were emitted (a block emitted twice appears twice).
struct MemoryStore {
  std::map<std::string, Bytes> blocks;
  std::vector<cid::Cid> emitted;
  std::uint64_t emitted_bytes = 0;

  unixfs::BlockSink sink() {
    return [this](const cid::Cid& c, ByteView block) {
      blocks[cid::to_string(c)] = Bytes(block.begin(), block.end());
      emitted.push_back(c);
      emitted_bytes += block.size();
      return Status::ok();
    };
  }
  unixfs::Fetcher fetcher() const {
    return [this](const cid::Cid& c) -> Result<Bytes> {
      auto it = blocks.find(cid::to_string(c));
      if (it == blocks.end()) return Status::io("block " + cid::to_string(c) + " not found");
      return it->second;
    };
  }
  // Stores `block` under its own CID and returns the CID.
  cid::Cid put(std::uint64_t codec, const Bytes& block) {
    const cid::Cid c = cid::cid_of(codec, block);
    blocks[cid::to_string(c)] = block;
    return c;
  }
};

// Imports `data` in pieces of at most `piece` bytes.
inline Result<cid::Cid> import(ByteView data, MemoryStore& store, std::size_t chunk_size,
                               std::size_t max_links, std::size_t piece = SIZE_MAX) {
  unixfs::FileBuilder builder(store.sink(), chunk_size, max_links);
  while (!data.empty()) {
    const std::size_t n = std::min(piece, data.size());
    CPC_RETURN_IF_ERROR(builder.write(data.first(n)));
    data = data.subspan(n);
  }
  return builder.finish();
}

// Reads the object back into memory.
inline Result<Bytes> read_back(const cid::Cid& root, const MemoryStore& store,
                               const unixfs::ReadLimits& limits = {}) {
  Bytes out;
  auto n = unixfs::read_file(
      root, store.fetcher(),
      [&](ByteView b) {
        out.insert(out.end(), b.begin(), b.end());
        return Status::ok();
      },
      limits);
  if (!n) return n.status();
  if (*n != out.size()) return Status::bad_input("read_file miscounted");
  return out;
}

}  // namespace cpc::test
