// SPDX-License-Identifier: Apache-2.0
// The state transition (consensus.md §2.1, §5.2, §5.3, §6.5, §7), internal to the chain
// module. Every function checks everything first and writes only when it succeeds, so a
// refused transaction leaves the overlay untouched.
#pragma once

#include <cstring>
#include <deque>
#include <unordered_set>

#include "cpc/chain/state.hpp"
#include "records.hpp"

namespace cpc::chain::detail {

// Ids of transactions whose signature verified (the id covers the signature, so the same
// id is the same signed bytes): mempool admission verifies once, and the execution of the
// block that carries the transaction skips the second Ed25519 verification. Bounded: the
// oldest ids are forgotten first. One thread at a time, like ChainState.
class VerifiedSigs {
 public:
  static constexpr std::size_t kCapacity = std::size_t{1} << 18;
  bool contains(const Hash& id) const { return set_.contains(id); }
  void insert(const Hash& id);
  std::uint64_t hits = 0;

 private:
  struct HashOf {
    std::size_t operator()(const Hash& h) const {
      std::size_t v = 0;
      std::memcpy(&v, h.data(), sizeof v);
      return v;
    }
  };
  std::unordered_set<Hash, HashOf> set_;
  std::deque<Hash> order_;
};

struct ApplyContext {
  const Genesis& genesis;
  const ValidatorSet& validators;
  std::uint64_t height = 0;  // of the block being applied
  bool check_signature = true;
  VerifiedSigs* verified = nullptr;  // the state's cache, if any
};

// Applies one transaction (form, chain id, signature, nonce, operation rules).
Status apply_tx(Overlay& ov, const Tx& tx, const Hash& id, const ApplyContext& ctx);

// Refunds the escrows due at the start of block ctx.height (deadline = height - 1).
void refund_due_escrows(Overlay& ov, const ApplyContext& ctx);

// Checks one evidence record against the state and slashes the offender.
Status apply_evidence(Overlay& ov, const Evidence& e, const ApplyContext& ctx);

// Reputation and proposer priorities for a block with this proposer and last commit.
void update_reputation(Overlay& ov, const ApplyContext& ctx, const PubKey& proposer,
                       const std::optional<CommitCertificate>& last_commit);

// Reputation of every validator (validators() order) as stored in `ov`.
std::vector<Reputation> load_reputation(const Overlay& ov, const ValidatorSet& vs);

// One weighted-round-robin step (consensus.md §6.5): returns the selected index and
// updates priorities. advance_priorities() does one step in the overlay.
std::size_t wrr_step(const ValidatorSet& vs, std::vector<Reputation>& reps);
void advance_priorities(Overlay& ov, const ValidatorSet& vs);

}  // namespace cpc::chain::detail
