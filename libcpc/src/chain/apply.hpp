// SPDX-License-Identifier: Apache-2.0
// The state transition (consensus.md §2.1, §5.2, §5.3, §6.5, §7), internal to the chain
// module. Every function checks everything first and writes only when it succeeds, so a
// refused transaction leaves the overlay untouched.
#pragma once

#include "cpc/chain/state.hpp"
#include "records.hpp"

namespace cpc::chain::detail {

struct ApplyContext {
  const Genesis& genesis;
  const ValidatorSet& validators;
  std::uint64_t height = 0;  // of the block being applied
  bool check_signature = true;
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
