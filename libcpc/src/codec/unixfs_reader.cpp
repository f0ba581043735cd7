// SPDX-License-Identifier: Apache-2.0
// read_file (unixfs.hpp): a depth-first walk of a UnixFS file DAG that verifies every
// block against its CID and every size against what the parent node promised, so that
// a peer serving blocks can neither alter the bytes nor make the walk run away (each
// child carries a non-zero share of a filesize capped by ReadLimits::max_size).
#include <optional>

#include "cpc/codec/unixfs.hpp"

namespace cpc::unixfs {
namespace {

class Walker {
 public:
  Walker(const Fetcher& fetch, const ByteSink& sink, const ReadLimits& limits)
      : fetch_(fetch), sink_(sink), limits_(limits) {}

  // Streams the subtree at `c`, which must hold `expected` file bytes (the root: any
  // amount up to max_size). Returns the encoded size of the subtree (its Tsize).
  Result<std::uint64_t> visit(const cid::Cid& c, std::optional<std::uint64_t> expected,
                              std::size_t depth) {
    const std::string name = "block " + cid::to_string(c);
    if (c.codec != cid::kRaw && c.codec != cid::kDagPb) {
      return Status::bad_input(name + ": codec is neither raw nor dag-pb");
    }
    if (c.codec == cid::kDagPb && depth >= limits_.max_depth) {
      return Status::bad_input(name + ": DAG deeper than " + std::to_string(limits_.max_depth) +
                               " levels of nodes");
    }
    auto block = fetch_(c);
    if (!block) return block.status();
    if (block->size() > limits_.max_block_size) {
      return Status::bad_input(name + ": " + std::to_string(block->size()) +
                               " bytes, more than the block size limit");
    }
    if (!cid::verify(c, *block)) return Status::refused(name + " does not match its CID");
    const std::uint64_t block_size = block->size();

    if (c.codec == cid::kRaw) {
      CPC_RETURN_IF_ERROR(check_size(name, block_size, expected));
      CPC_RETURN_IF_ERROR(sink_(*block));
      return block_size;
    }
    auto node = decode_node(*block);
    if (!node) return node.status().with_context(name);
    Bytes().swap(*block);  // hold one block at a time, not one per level
    CPC_RETURN_IF_ERROR(check_size(name, node->filesize, expected));
    if (!node->data.empty()) CPC_RETURN_IF_ERROR(sink_(node->data));
    std::uint64_t tsize = block_size;
    for (std::size_t i = 0; i < node->links.size(); ++i) {
      const Link& link = node->links[i];
      auto sub = visit(link.cid, node->blocksizes[i], depth + 1);
      if (!sub) return sub.status();
      if (*sub != link.tsize) {
        return Status::bad_input(name + ": link " + std::to_string(i) + " has Tsize " +
                                 std::to_string(link.tsize) + " but its subtree encodes " +
                                 std::to_string(*sub) + " bytes");
      }
      tsize += *sub;
    }
    return tsize;
  }

 private:
  Status check_size(const std::string& name, std::uint64_t size,
                    std::optional<std::uint64_t> expected) const {
    if (!expected) {
      if (size <= limits_.max_size) return Status::ok();
      return Status::bad_input(name + ": object of " + std::to_string(size) +
                               " bytes exceeds the limit of " + std::to_string(limits_.max_size));
    }
    if (size == *expected) return Status::ok();
    return Status::bad_input(name + " holds " + std::to_string(size) +
                             " bytes but its parent says " + std::to_string(*expected));
  }

  const Fetcher& fetch_;
  const ByteSink& sink_;
  const ReadLimits& limits_;
};

}  // namespace

Result<std::uint64_t> read_file(const cid::Cid& root, const Fetcher& fetch, const ByteSink& sink,
                                const ReadLimits& limits) {
  if (!fetch || !sink) return Status::bad_input("read_file needs a fetcher and a sink");
  std::uint64_t written = 0;
  const ByteSink counting = [&](ByteView b) {
    written += b.size();
    return sink(b);
  };
  Walker walker(fetch, counting, limits);
  auto tsize = walker.visit(root, std::nullopt, 0);
  if (!tsize) return tsize.status();
  return written;
}

}  // namespace cpc::unixfs
