// SPDX-License-Identifier: Apache-2.0
// FileBuilder (unixfs.hpp): fixed-size chunking into raw leaves and the balanced layout of
// ipfs-unixfs-importer, built streaming.
//
// The importer groups the leaves in runs of max_links, makes a node of each run, then
// groups those nodes the same way, level after level, until one node is left; a run of a
// single child still gets its own node, except for the single root. Here level k keeps the
// pending children of its open node; a level that fills up becomes a node at once and
// passes it up. finish() closes the open nodes from the bottom: a level is turned into a
// node unless it is the top level and holds exactly one child, which is then the root.
// That yields the same runs, in the same order, as the importer's level-by-level batching.
#include "cpc/codec/unixfs.hpp"

#include <algorithm>
#include <utility>

namespace cpc::unixfs {

FileBuilder::FileBuilder(BlockSink emit, std::size_t chunk_size, std::size_t max_links)
    : emit_(std::move(emit)), chunk_size_(chunk_size), max_links_(max_links) {
  if (chunk_size_ == 0 || chunk_size_ > kMaxBlockSize) {
    state_ = Status::bad_input("chunk size must be between 1 and " + std::to_string(kMaxBlockSize) +
                               " bytes");
  } else if (max_links_ < 2) {
    state_ = Status::bad_input("a node needs room for at least 2 links");
  } else if (!emit_) {
    state_ = Status::bad_input("FileBuilder needs a block sink");
  }
}

Status FileBuilder::write(ByteView data) {
  CPC_RETURN_IF_ERROR(state_);
  const std::size_t total = data.size();
  while (!data.empty()) {
    if (partial_.empty() && data.size() >= chunk_size_) {
      // Whole chunk in the caller's buffer: hash and emit it in place.
      state_ = add_leaf(data.first(chunk_size_));
      CPC_RETURN_IF_ERROR(state_);
      data = data.subspan(chunk_size_);
      continue;
    }
    if (partial_.capacity() < chunk_size_) partial_.reserve(chunk_size_);
    const std::size_t take = std::min(chunk_size_ - partial_.size(), data.size());
    partial_.insert(partial_.end(), data.begin(), data.begin() + take);
    data = data.subspan(take);
    if (partial_.size() == chunk_size_) {
      state_ = add_leaf(partial_);
      CPC_RETURN_IF_ERROR(state_);
      partial_.clear();
    }
  }
  size_ += total;
  return Status::ok();
}

Status FileBuilder::add_leaf(ByteView chunk) {
  const cid::Cid c = cid::raw_cid(chunk);
  CPC_RETURN_IF_ERROR(emit_(c, chunk));
  ++leaves_;
  return add_child(0, Child{c, chunk.size(), chunk.size()});
}

Status FileBuilder::add_child(std::size_t level, const Child& child) {
  if (levels_.size() <= level) levels_.resize(level + 1);
  levels_[level].push_back(child);
  if (levels_[level].size() < max_links_) return Status::ok();
  auto node = close_node(level);
  if (!node) return node.status();
  return add_child(level + 1, *node);
}

Result<FileBuilder::Child> FileBuilder::close_node(std::size_t level) {
  FileNode node;
  std::uint64_t tsize = 0;
  for (const Child& c : levels_[level]) {
    node.links.push_back(Link{c.cid, c.tsize});
    node.blocksizes.push_back(c.filesize);
    node.filesize += c.filesize;
    tsize += c.tsize;
  }
  levels_[level].clear();
  const Bytes block = encode_node(node);
  const cid::Cid c = cid::cid_of(cid::kDagPb, block);
  CPC_RETURN_IF_ERROR(emit_(c, block));
  return Child{c, tsize + block.size(), node.filesize};
}

Result<cid::Cid> FileBuilder::finish() {
  CPC_RETURN_IF_ERROR(state_);
  state_ = Status::bad_input("FileBuilder::finish() already called");
  // The importer's chunker yields one (empty) chunk for an empty input.
  if (!partial_.empty() || leaves_ == 0) {
    Status s = add_leaf(partial_);
    if (!s) return state_ = s;
    partial_ = Bytes();
  }
  if (leaves_ == 1) return levels_[0][0].cid;  // one chunk: the raw leaf is the object
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    const bool top = std::all_of(levels_.begin() + level + 1, levels_.end(),
                                 [](const auto& l) { return l.empty(); });
    if (top && levels_[level].size() == 1) return levels_[level][0].cid;
    if (levels_[level].empty()) continue;
    auto node = close_node(level);
    if (!node) return state_ = node.status();
    if (levels_.size() <= level + 1) levels_.resize(level + 2);
    levels_[level + 1].push_back(*node);
  }
  // Unreachable: the loop always ends at a top level holding the root.
  return state_ = Status::bad_input("internal error: UnixFS tree without a root");
}

}  // namespace cpc::unixfs
