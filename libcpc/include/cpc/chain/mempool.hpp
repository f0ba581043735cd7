// SPDX-License-Identifier: Apache-2.0
// The mempool: transactions waiting for a block. Admission checks a transaction fully
// (form, chain id, signature, nonce, operation rules) against the committed state plus
// the transactions already admitted, so a sender's transactions must arrive in nonce
// order (a gap is refused: "nonce N out of order; expected M"), and what reap() returns
// applies in order on the committed state.
//
// Bounds and eviction: at most max_txs transactions and max_bytes canonical bytes in all,
// and max_per_sender per sender; when full, new transactions are refused ("mempool full"),
// never older ones dropped (no fees in v1, so nothing ranks one transaction above another,
// and first come, first served cannot be gamed by resubmitting). After each commit,
// update() drops included transactions, transactions that no longer apply (their sender's
// later transactions follow them out, since their nonces no longer follow), and those
// older than ttl_blocks blocks.
//
// Errors: kBadInput for malformed transactions, kRefused for refused ones (with the
// reason) and for duplicates or a full pool.
//
// Thread safety: one thread at a time, the same as the ChainState it reads.
#pragma once

#include <deque>
#include <map>
#include <unordered_set>
#include <vector>

#include "cpc/chain/state.hpp"

namespace cpc::chain {

struct MempoolLimits {
  std::size_t max_txs = 50'000;
  std::size_t max_bytes = std::size_t{64} << 20;
  std::size_t max_per_sender = 1'000;
  std::uint64_t ttl_blocks = 600;
};

class Mempool {
 public:
  // `state` must outlive the Mempool.
  explicit Mempool(const ChainState& state, MempoolLimits limits = {});

  Status add(const Tx& tx);
  // Up to max_txs transactions and max_bytes canonical bytes, in admission order.
  std::vector<Tx> reap(std::size_t max_txs, std::size_t max_bytes) const;
  // Call after every block the ChainState commits.
  void update();

  // The nonce `sender`'s next transaction must carry: the committed nonce plus its pending
  // transactions here.
  std::uint64_t next_nonce(const PubKey& sender) const { return sandbox_.account(sender).nonce; }

  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }
  bool contains(const Hash& id) const { return ids_.count(to_hex(id)) != 0; }

 private:
  struct Entry {
    Tx tx;
    Hash id;
    std::size_t bytes;
    std::uint64_t height;  // head height when admitted
  };
  const ChainState& state_;
  MempoolLimits limits_;
  TxSandbox sandbox_;
  std::deque<Entry> entries_;
  std::unordered_set<std::string> ids_;
  std::map<PubKey, std::size_t> per_sender_;
  std::size_t bytes_ = 0;
};

}  // namespace cpc::chain
