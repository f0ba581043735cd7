// SPDX-License-Identifier: Apache-2.0
// Block-level state changes: evidence and slashing (consensus.md §7), reputation scores and
// weighted-round-robin proposer priorities (§6.5).
#include <algorithm>
#include <set>

#include "apply.hpp"

namespace cpc::chain::detail {
namespace {

constexpr std::uint64_t kEvidenceMaxAge = 100'000;

void store_reputation(Overlay& ov, const ValidatorSet& vs, const std::vector<Reputation>& reps) {
  for (std::size_t i = 0; i < vs.size(); ++i) {
    ov.put(validator_key(vs.validators()[i].key), encode(reps[i]));
  }
}

}  // namespace

std::vector<Reputation> load_reputation(const Overlay& ov, const ValidatorSet& vs) {
  std::vector<Reputation> reps;
  reps.reserve(vs.size());
  for (const auto& v : vs.validators()) {
    auto s = ov.get(validator_key(v.key));
    reps.push_back(s ? decode_reputation(*s) : Reputation{});
  }
  return reps;
}

std::size_t wrr_step(const ValidatorSet& vs, std::vector<Reputation>& reps) {
  std::int64_t total = 0;
  std::size_t best = 0;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    auto w = static_cast<std::int64_t>(vs.validators()[i].power * (1 + reps[i].score));
    total += w;
    reps[i].priority += w;
    // Validators are sorted by key, so the first maximum is the smallest key.
    if (reps[i].priority > reps[best].priority) best = i;
  }
  reps[best].priority -= total;
  return best;
}

void advance_priorities(Overlay& ov, const ValidatorSet& vs) {
  std::vector<Reputation> reps = load_reputation(ov, vs);
  wrr_step(vs, reps);
  store_reputation(ov, vs, reps);
}

Status apply_evidence(Overlay& ov, const Evidence& e, const ApplyContext& ctx) {
  CPC_RETURN_IF_ERROR(verify_evidence(e, ctx.validators, ctx.genesis.chain));
  if (e.a.height > ctx.height || e.a.height + kEvidenceMaxAge < ctx.height) {
    return Status::refused("evidence height outside the window");
  }
  Hash id = evidence_id(e);
  if (ov.get(evidence_key(id))) return Status::refused("evidence already applied");
  ov.put(evidence_key(id), "1");
  std::vector<Reputation> reps = load_reputation(ov, ctx.validators);
  std::size_t i = *ctx.validators.index_of(e.a.validator);
  reps[i].score = 0;
  reps[i].slashed += 1;
  store_reputation(ov, ctx.validators, reps);
  return Status::ok();
}

void update_reputation(Overlay& ov, const ApplyContext& ctx, const PubKey& proposer,
                       const std::optional<CommitCertificate>& last_commit) {
  const ValidatorSet& vs = ctx.validators;
  std::vector<Reputation> reps = load_reputation(ov, vs);
  if (ctx.height > 1 && last_commit) {
    std::set<PubKey> voted;
    for (const auto& p : last_commit->precommits) voted.insert(p.validator);
    for (std::size_t i = 0; i < vs.size(); ++i) {
      if (voted.count(vs.validators()[i].key) != 0) {
        reps[i].score = std::min(kMaxScore, reps[i].score + 1);
        reps[i].votes += 1;
      } else {
        if (reps[i].score > 0) reps[i].score -= 1;
        reps[i].missed += 1;
      }
    }
  }
  if (auto i = vs.index_of(proposer)) {
    reps[*i].score = std::min(kMaxScore, reps[*i].score + 1);
    reps[*i].proposed += 1;
  }
  store_reputation(ov, vs, reps);
}

}  // namespace cpc::chain::detail
