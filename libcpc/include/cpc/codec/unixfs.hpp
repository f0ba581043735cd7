// SPDX-License-Identifier: Apache-2.0
// Objects as IPFS UnixFS files (docs/architecture.md §3, docs/cid.md), so that any IPFS node can
// serve, pin or verify them. An object is cut into chunks of 1 MiB stored as raw leaves;
// when there is more than one chunk, dag-pb UnixFS File nodes of at most 174 links join
// them in IPFS's balanced layout, and the root's CID is the object's ID. The CID equals
// what `ipfs add --cid-version=1 --raw-leaves --chunker=size-1048576` prints for the same
// bytes (checked against npm ipfs-unixfs-importer by tests/cli/unixfs_ipfs_compat.sh and
// tests/vectors/unixfs_importer.json). An object of one chunk or less, including the
// empty object, is a single raw leaf.
//
// FileBuilder writes objects, decode_node and read_file read them back.
//
// Thread safety: FileBuilder is a single-writer object (no internal locking); the free
// functions are pure and thread-safe as long as the callbacks they are given are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "cpc/bytes.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/status.hpp"

namespace cpc::unixfs {

constexpr std::size_t kChunkSize = 1 << 20;     // bytes per raw leaf
constexpr std::size_t kMaxLinks = 174;          // links per node (balanced layout)
constexpr std::size_t kMaxBlockSize = 2 << 20;  // largest block any IPFS node exchanges

// Receives each finished block with its CID. `block` is valid only during the call.
using BlockSink = std::function<Status(const cid::Cid&, ByteView block)>;

// Builds the UnixFS DAG of one object from a stream of bytes.
//
// Memory: holds at most one partial chunk (chunk_size bytes, allocated on the first write
// that does not cover a whole chunk) and, per tree level, the pending links of the node
// being filled (~60 bytes each); a whole chunk passed to write() is hashed and emitted
// straight from the caller's buffer, without a copy.
//
// Blocks are emitted children first, each as soon as it is complete: every leaf during
// write() and the nodes above it as they fill, the rest in finish(). A block whose bytes
// repeat (e.g. two chunks of zeros) is emitted each time it occurs.
class FileBuilder {
 public:
  // REQUIRES for success: 1 <= chunk_size <= kMaxBlockSize and max_links >= 2; otherwise
  // write() and finish() return kBadInput. Other values than the defaults exist for
  // tests and for importing DAGs made with other `ipfs add` settings.
  explicit FileBuilder(BlockSink emit, std::size_t chunk_size = kChunkSize,
                       std::size_t max_links = kMaxLinks);

  // Appends `data` to the object. Errors: whatever `emit` returns (the builder is then
  // failed: every later call returns that error); kBadInput after finish().
  Status write(ByteView data);

  // Emits the last leaf and the open nodes and returns the root CID. Call once; a second
  // call, or a call after a failure, returns an error.
  Result<cid::Cid> finish();

  // Bytes written so far.
  std::uint64_t size() const { return size_; }

 private:
  struct Child {
    cid::Cid cid;
    std::uint64_t tsize;     // encoded size of the child's whole subtree
    std::uint64_t filesize;  // file bytes below the child
  };

  Status add_leaf(ByteView chunk);
  Status add_child(std::size_t level, const Child& child);
  Result<Child> close_node(std::size_t level);

  BlockSink emit_;
  std::size_t chunk_size_;
  std::size_t max_links_;
  Bytes partial_;                           // the chunk being filled, < chunk_size_ bytes
  std::vector<std::vector<Child>> levels_;  // levels_[0]: leaves of the open bottom node
  std::uint64_t size_ = 0;
  std::uint64_t leaves_ = 0;
  Status state_;  // first error, or the "finished" error after finish()
};

// One link of a dag-pb node: the child's CID and the Tsize field (encoded size of the
// child's subtree: block bytes of the child and all its descendants).
struct Link {
  cid::Cid cid;
  std::uint64_t tsize = 0;

  bool operator==(const Link&) const = default;
};

// A decoded UnixFS File node: dag-pb links plus the UnixFS Data message. `data` holds
// bytes stored inline in the node (empty in cpchain's own DAGs, whose leaves are raw);
// the file's bytes are data followed by the children's bytes, child i holding
// blocksizes[i] of them.
struct FileNode {
  std::vector<Link> links;
  std::vector<std::uint64_t> blocksizes;
  std::uint64_t filesize = 0;
  Bytes data;

  bool operator==(const FileNode&) const = default;
};

// Encodes `node` exactly as the IPFS importer does: PBNode{Links[{Hash, Name="", Tsize}]
// then Data}, Data = UnixFS{Type=File, Data (when non-empty), filesize, blocksizes}.
// Does not check that the sizes add up (tests use it to build malformed nodes).
Bytes encode_node(const FileNode& node);

// Decodes a dag-pb block holding a UnixFS File (or Raw) node. Strict: dag-pb canonical
// field order (links before data, Hash/Name/Tsize inside a link), no unknown or duplicate
// fields, no wrong wire types, no bytes left over; every link has a CIDv1 raw/dag-pb
// sha2-256 Hash, an empty Name and a Tsize; the UnixFS Data has a type (File, or Raw
// without links), a filesize, no hashType/fanout, one blocksize per link, every blocksize
// non-zero, and filesize == data size + sum(blocksizes). UnixFS mode and mtime are
// accepted and ignored. Errors: kBadInput naming the problem. Allocates the result.
Result<FileNode> decode_node(ByteView block);

// Fetches a block by CID (from a store or the network).
using Fetcher = std::function<Result<Bytes>(const cid::Cid&)>;
// Receives the object's bytes, in order, in pieces of at most one block.
using ByteSink = std::function<Status(ByteView)>;

struct ReadLimits {
  std::uint64_t max_size = std::uint64_t{1} << 40;  // largest object accepted (bytes)
  std::size_t max_depth = 8;  // levels of nodes above the leaves (174^8 MiB is plenty)
  std::size_t max_block_size = kMaxBlockSize;
};

// Streams the object named `root` to `sink`, fetching each block with `fetch`, in DAG
// order, depth first. Every block is checked against its CID before use; each node's
// filesize must equal the blocksize its parent gave it, each raw leaf's length likewise,
// each link's Tsize the encoded size actually found below it, and the root's filesize must
// not exceed limits.max_size (checked before any byte is written to the sink).
// Returns the number of bytes written. Errors: kRefused when a block does not match its
// CID (the sink may already have received earlier, verified bytes); kBadInput for a
// malformed node, a size mismatch, an unsupported codec, a limit exceeded; any error from
// fetch or sink, unchanged. Memory: one block plus one decoded node per level.
Result<std::uint64_t> read_file(const cid::Cid& root, const Fetcher& fetch, const ByteSink& sink,
                                const ReadLimits& limits = {});

}  // namespace cpc::unixfs
