// SPDX-License-Identifier: Apache-2.0
// Block validation and construction (state.hpp; consensus.md §4.4, §5.3). execute() is
// what every validator runs on a proposal and what catch-up runs on a fetched block;
// build_block() is the proposer's version that skips failing transactions.
#include <set>

#include "apply.hpp"
#include "cpc/chain/merkle.hpp"
#include "cpc/chain/state.hpp"

namespace cpc::chain {
namespace {

Status refused(const std::string& m) {
  return Status::refused("block: " + m);
}

}  // namespace

Result<Executed> ChainState::execute(const Block& block, const BlockLimits& limits) const {
  const BlockHeader& h = block.header;
  if (h.chain != genesis_.chain) return refused("wrong chain id");
  if (h.height != height_ + 1) {
    return refused("height " + std::to_string(h.height) + ", expected " +
                   std::to_string(height_ + 1));
  }
  if (h.prev != head_hash_) return refused("does not extend the head " + short_hex(head_hash_));
  if (h.time_ms <= head_time_) return refused("time not after the previous block's");
  if (h.proposer != proposer(h.round)) {
    return refused("proposer " + short_hex(h.proposer) + " is not the proposer of round " +
                   std::to_string(h.round));
  }
  if (block.txs.size() > limits.max_txs) return refused("too many transactions");
  // Roots first: cheap, and they catch a modified body before any signature is checked.
  Executed ex;
  ex.tx_ids.reserve(block.txs.size());
  std::size_t bytes = 0;
  for (const auto& tx : block.txs) {
    std::string rec = tx_record(tx);
    bytes += rec.size();
    ex.tx_ids.push_back(tx_id_of_record(rec));
  }
  if (bytes > limits.max_bytes) return refused("transactions exceed the block size limit");
  if (merkle_root(ex.tx_ids) != h.tx_root) return refused("transaction root does not match");
  if (evidence_root(block.evidence) != h.evidence_root)
    return refused("evidence root does not match");
  if (h.height == 1) {
    if (block.last_commit || h.last_commit != Hash{}) return refused("block 1 has no last commit");
  } else {
    if (!block.last_commit) return refused("missing the previous block's certificate");
    if (commit_hash(*block.last_commit) != h.last_commit)
      return refused("last commit hash does not match");
    CPC_RETURN_IF_ERROR(
        verify_certificate(*block.last_commit, validators_, genesis_.chain, height_, head_hash_)
            .with_context("block: last commit"));
  }

  detail::Overlay ov(store_);
  detail::ApplyContext ctx{genesis_, validators_, h.height, true, verified_.get()};
  detail::advance_priorities(ov, validators_);
  detail::refund_due_escrows(ov, ctx);
  for (std::size_t i = 0; i < block.evidence.size(); ++i) {
    CPC_RETURN_IF_ERROR(detail::apply_evidence(ov, block.evidence[i], ctx)
                            .with_context("block: evidence " + std::to_string(i)));
  }
  for (std::size_t i = 0; i < block.txs.size(); ++i) {
    Status st = detail::apply_tx(ov, block.txs[i], ex.tx_ids[i], ctx);
    if (!st) {
      return Status(st.code(), "block: tx " + std::to_string(i) + " (" + short_hex(ex.tx_ids[i]) +
                                   "): " + st.message());
    }
  }
  detail::update_reputation(ov, ctx, h.proposer, block.last_commit);
  ex.state_root = detail::state_root_after(state_root_, h.height, ov.batch());
  if (ex.state_root != h.state_root) return refused("state root does not match");
  ex.block_hash = block_hash(h);
  ex.writes = std::move(ov.batch());
  return ex;
}

Result<Block> ChainState::build_block(const PubKey& proposer, std::uint64_t round,
                                      std::uint64_t time_ms, std::span<const Tx> candidates,
                                      std::span<const Evidence> evidence,
                                      std::optional<CommitCertificate> last_commit,
                                      const BlockLimits& limits, std::vector<Hash>* skipped,
                                      Executed* executed) const {
  Block b;
  BlockHeader& h = b.header;
  h.chain = genesis_.chain;
  h.height = height_ + 1;
  h.round = round;
  h.prev = head_hash_;
  h.time_ms = std::max(time_ms, head_time_ + 1);
  h.proposer = proposer;
  if (h.height > 1 && !last_commit)
    return Status::bad_input("build_block: a last commit is required");
  b.last_commit = h.height > 1 ? std::move(last_commit) : std::nullopt;

  detail::Overlay ov(store_);
  detail::ApplyContext ctx{genesis_, validators_, h.height, true, verified_.get()};
  detail::advance_priorities(ov, validators_);
  detail::refund_due_escrows(ov, ctx);
  std::set<Hash> seen_evidence;
  for (const auto& e : evidence) {
    if (!seen_evidence.insert(evidence_id(e)).second) continue;
    if (detail::apply_evidence(ov, e, ctx)) b.evidence.push_back(e);
  }
  std::vector<Hash> ids;
  std::size_t bytes = 0;
  for (const auto& tx : candidates) {
    if (b.txs.size() >= limits.max_txs) break;
    std::string rec = tx_record(tx);
    Hash id = tx_id_of_record(rec);
    if (bytes + rec.size() > limits.max_bytes) break;
    if (!detail::apply_tx(ov, tx, id, ctx)) {
      if (skipped) skipped->push_back(id);
      continue;
    }
    bytes += rec.size();
    b.txs.push_back(tx);
    ids.push_back(id);
  }
  detail::update_reputation(ov, ctx, h.proposer, b.last_commit);
  h.state_root = detail::state_root_after(state_root_, h.height, ov.batch());
  h.tx_root = merkle_root(ids);
  h.evidence_root = evidence_root(b.evidence);
  h.last_commit = b.last_commit ? commit_hash(*b.last_commit) : Hash{};
  if (executed != nullptr) {
    executed->block_hash = block_hash(h);
    executed->state_root = h.state_root;
    executed->tx_ids = std::move(ids);
    executed->writes = std::move(ov.batch());
  }
  return b;
}

}  // namespace cpc::chain
