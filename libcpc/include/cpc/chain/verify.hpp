// SPDX-License-Identifier: Apache-2.0
// Offline verification from genesis (consensus.md §6.7, §8): inclusion proofs of
// transactions (block header + commit certificate + RFC 6962 audit path, checked against
// the genesis validators only), and whole-chain verification (every block re-executed
// from genesis: hash links, roots, transactions, state roots, certificates), which
// `cpc-verify --proof` and `cpc-verify --chain` call.
//
// Errors: kBadInput for malformed records, kRefused when a proof or block does not verify
// (the message names the height and the check that failed).
//
// Thread safety: values and pure functions; a ChainVerifier belongs to one thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chain/state.hpp"

namespace cpc::chain {

struct TxProof {
  BlockHeader header;
  CommitCertificate commit;
  Tx tx;
  std::uint64_t index = 0;
  std::uint64_t size = 0;  // transactions in the block
  std::vector<Hash> path;  // RFC 6962 audit path of tx_id(tx)
};

// The proof for a committed transaction. kRefused when `id` is not on the chain.
Result<TxProof> prove_tx(const ChainState& state, const Hash& id);
// {"type":"cpc/tx-proof",…} (consensus.md §8), canonical, one line.
std::string proof_record(const TxProof& p);
Result<TxProof> parse_proof(std::string_view record);
// Checks the proof against the trusted genesis alone: chain id, certificate (genesis
// validators, signatures, quorum) for the header's hash, and the Merkle path to tx_root.
Status verify_proof(const TxProof& p, const Genesis& genesis);

// Re-executes a chain from genesis, one committed block at a time, in memory.
class ChainVerifier {
 public:
  // kBadInput for an invalid genesis.
  static Result<std::unique_ptr<ChainVerifier>> create(const Genesis& genesis);
  // Verifies and applies the next block (its height must be height() + 1).
  Status add(const CommittedBlock& cb);
  std::uint64_t height() const { return state_->height(); }
  const ChainState& state() const { return *state_; }

 private:
  ChainVerifier() = default;
  MemoryStateStore store_;
  std::unique_ptr<ChainState> state_;
};

// Verifies blocks 1..n in order (ChainVerifier over the span); the first failure is
// returned with "block H: " in front.
Status verify_chain(const Genesis& genesis, std::span<const CommittedBlock> blocks);

}  // namespace cpc::chain
