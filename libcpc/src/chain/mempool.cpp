// SPDX-License-Identifier: Apache-2.0
// The mempool (mempool.hpp): admission over a sandbox of pending transactions, reaping in
// admission order, and re-validation after each commit.
#include "cpc/chain/mempool.hpp"

namespace cpc::chain {

Mempool::Mempool(const ChainState& state, MempoolLimits limits)
    : state_(state), limits_(limits), sandbox_(state.sandbox()) {}

Status Mempool::add(const Tx& tx) {
  CPC_RETURN_IF_ERROR(check_tx_form(tx));
  std::string rec = tx_record(tx);
  if (rec.size() > kMaxTxBytes) return Status::bad_input("tx: larger than 64 KiB");
  Hash id = tx_id_of_record(rec);
  std::string key = to_hex(id);
  if (ids_.count(key) != 0) return Status::refused("already in the mempool");
  if (entries_.size() >= limits_.max_txs || bytes_ + rec.size() > limits_.max_bytes) {
    return Status::refused("mempool full");
  }
  if (per_sender_[tx.from] >= limits_.max_per_sender) {
    return Status::refused("too many pending transactions from this sender");
  }
  CPC_RETURN_IF_ERROR(sandbox_.apply(tx, id, true));
  entries_.push_back({tx, id, rec.size(), state_.height()});
  ids_.insert(std::move(key));
  per_sender_[tx.from] += 1;
  bytes_ += rec.size();
  return Status::ok();
}

std::vector<Tx> Mempool::reap(std::size_t max_txs, std::size_t max_bytes) const {
  std::vector<Tx> out;
  std::size_t bytes = 0;
  for (const auto& e : entries_) {
    if (out.size() >= max_txs || bytes + e.bytes > max_bytes) break;
    bytes += e.bytes;
    out.push_back(e.tx);
  }
  return out;
}

void Mempool::update() {
  sandbox_ = state_.sandbox();
  std::deque<Entry> kept;
  ids_.clear();
  per_sender_.clear();
  bytes_ = 0;
  for (auto& e : entries_) {
    if (state_.height() >= e.height + limits_.ttl_blocks) continue;
    if (!sandbox_.apply(e.tx, e.id, false)) continue;  // included, or no longer applies
    ids_.insert(to_hex(e.id));
    per_sender_[e.tx.from] += 1;
    bytes_ += e.bytes;
    kept.push_back(std::move(e));
  }
  entries_ = std::move(kept);
}

}  // namespace cpc::chain
