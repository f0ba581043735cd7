// SPDX-License-Identifier: Apache-2.0
// cpc::node::BlobStore — what a storage node keeps (docs/node-api.md §8): blocks by CID and
// signed records by record key, in two tables of one LMDB environment (cpc/store/lmdb_env.hpp).
// Nothing enters without being verified: a block must hash to its CID (and a dag-pb block
// must decode as a UnixFS node), a record must carry a valid signature and be newer than
// the one it replaces.
//
// Durability: put_block() and put_record() return ok only after their LMDB transaction
// committed (fsync'ed), so an acknowledged write survives kill -9; that is what the node's
// acknowledgements (docs/node-api.md §3) promise.
//
// Thread safety: every method is thread-safe (LMDB serialises writers; counters are atomic).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpc/codec/cid.hpp"
#include "cpc/status.hpp"
#include "cpc/store/lmdb_env.hpp"
#include "cpc/wire/record.hpp"

namespace cpc::node {

// Checks a block against its CID: at most unixfs::kMaxBlockSize bytes (kBadInput), SHA-256
// equal to the CID's digest (kBadInput "block does not match its CID"), and for a dag-pb
// CID a well-formed UnixFS node (kBadInput naming the problem).
Status verify_block(const cid::Cid& cid, ByteView block);

class BlobStore {
 public:
  // Opens (creating) the environment in `dir` and counts what it holds.
  static Result<std::unique_ptr<BlobStore>> open(const std::string& dir);

  // Verifies and stores a block, committing before it returns. Returns true when it was
  // new, false when it was already held (nothing written).
  Result<bool> put_block(const cid::Cid& cid, ByteView block);
  Result<std::optional<Bytes>> get_block(const cid::Cid& cid) const;
  Result<bool> has_block(const cid::Cid& cid) const;
  // The CIDs of every stored block, in key order.
  Result<std::vector<cid::Cid>> list_blocks() const;

  // Stores a verified record under its key if it is newer than the stored one (see
  // record::check_replace; kRefused otherwise). Returns true when written, false when the
  // identical record was already held.
  Result<bool> put_record(const record::Record& r);
  Result<std::optional<record::Record>> get_record(const record::Key& key) const;
  Result<std::vector<record::Key>> list_records() const;

  // True when a block with this digest (raw or dag-pb) or a record with this key is held:
  // the DHT's has_value for a 32-byte key.
  Result<bool> has_key(const std::array<std::uint8_t, 32>& key) const;

  std::uint64_t blobs() const { return blobs_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t records() const { return records_; }

 private:
  BlobStore() = default;
  std::unique_ptr<store::Env> env_;
  store::Table blocks_, records_table_;
  std::atomic<std::uint64_t> blobs_{0}, bytes_{0}, records_{0};
};

}  // namespace cpc::node
