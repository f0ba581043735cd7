// SPDX-License-Identifier: Apache-2.0
// Consensus votes (consensus.md §6.2), commit certificates (§4.2) and evidence of
// equivocation (§7). A Vote is a proposal, prevote or precommit signed by one validator
// with the domain tag of its type; a CommitCertificate is a quorum of precommits for one
// block; an Evidence pairs two conflicting votes of one validator.
//
// Errors: kBadInput for malformed records; kRefused for signatures that do not verify,
// signers that are not validators, too little power, votes that do not conflict.
//
// Thread safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chain/genesis.hpp"
#include "cpc/chain/types.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/status.hpp"

namespace cpc::chain {

enum class VoteType { kProposal = 0, kPrevote = 1, kPrecommit = 2 };
std::string_view vote_type_name(VoteType t);  // "proposal", "prevote", "precommit"

struct Vote {
  VoteType type = VoteType::kPrevote;
  std::string chain;
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  std::optional<Hash> block;      // nullopt: a vote for nil (never for proposals)
  std::int64_t valid_round = -1;  // proposals only
  PubKey validator{};
  Signature sig{};

  bool same_slot(const Vote& o) const {
    return type == o.type && height == o.height && round == o.round && validator == o.validator;
  }
  bool same_value(const Vote& o) const { return block == o.block && valid_round == o.valid_round; }
};

json::Value vote_to_json(const Vote& v, bool with_sig = true);
Result<Vote> vote_from_json(const json::Value& v);
std::string vote_record(const Vote& v);
Result<Vote> parse_vote(std::string_view record);

// Sets v.validator and v.sig (tag of v.type, consensus.md §6.2).
void sign_vote(Vote& v, const keys::SecretKey& sk);
Status verify_vote_signature(const Vote& v);

struct Precommit {
  PubKey validator{};
  Signature sig{};
};

struct CommitCertificate {
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  Hash block{};
  std::vector<Precommit> precommits;  // sorted by validator, distinct
};

json::Value commit_to_json(const CommitCertificate& c);
Result<CommitCertificate> commit_from_json(const json::Value& v);
// H32("cpc/chain/commit/v1"; JCS(certificate)).
Hash commit_hash(const CommitCertificate& c);

// Checks that `c` commits `block` at `height` on chain `chain`: sorted distinct genesis
// validators whose precommit signatures verify and whose power reaches the quorum.
// Costs one Ed25519 verification per precommit (stops at the first bad one).
Status verify_certificate(const CommitCertificate& c, const ValidatorSet& vs,
                          std::string_view chain, std::uint64_t height, const Hash& block);

struct Evidence {
  Vote a;
  Vote b;
};

// Orders two conflicting votes canonically (JCS(a) < JCS(b)); kRefused when they do not
// conflict (different slot, same value).
Result<Evidence> make_evidence(const Vote& x, const Vote& y);
json::Value evidence_to_json(const Evidence& e);
Result<Evidence> evidence_from_json(const json::Value& v);
// H32("cpc/chain/evidence/v1"; JCS(evidence)).
Hash evidence_id(const Evidence& e);
// Checks the evidence on its own (consensus.md §7): order, conflict, chain id, a genesis
// validator, both signatures. The height window and "not yet applied" need the state.
Status verify_evidence(const Evidence& e, const ValidatorSet& vs, std::string_view chain);

}  // namespace cpc::chain
