// SPDX-License-Identifier: Apache-2.0
// The consensus engine's write-ahead record (consensus.md §6.8): what a validator signed at
// the height being decided, its lock and valid value, written before any signed message
// leaves and read back at start, so that a restart neither equivocates nor forgets a lock.
#include <algorithm>
#include <set>

#include "cpc/chain/consensus.hpp"
#include "fields.hpp"

namespace cpc::chain {

namespace {

constexpr std::string_view kWalType = "cpc/consensus-wal";

json::Value hash_or_null(const std::optional<Hash>& h) {
  return h ? json::Value(to_hex(*h)) : json::Value(nullptr);
}

}  // namespace

std::string Consensus::wal_record() const {
  json::Value head = {{"type", std::string(kWalType)},
                      {"height", height_},
                      {"round", round_},
                      {"locked_round", locked_round_},
                      {"locked", hash_or_null(locked_value_)},
                      {"valid_round", valid_round_},
                      {"valid", hash_or_null(valid_value_)}};
  std::string out = json::canonicalize(head);
  out += '\n';
  std::set<std::uint64_t> proposals_of;  // rounds whose proposal is written already
  for (const auto& a : own_) {
    if (const auto* p = std::get_if<BroadcastProposal>(&a)) {
      proposals_of.insert(p->proposal.vote.round);
      out += proposal_record(p->proposal);
    } else {
      out += vote_record(std::get<BroadcastVote>(a).vote);
    }
    out += '\n';
  }
  // The locked and valid blocks arrived in others' proposals: keep those too.
  for (std::int64_t r : {locked_round_, valid_round_}) {
    if (r < 0) continue;
    auto round = static_cast<std::uint64_t>(r);
    auto it = rounds_.find(round);
    if (it == rounds_.end() || !it->second.proposal || !proposals_of.insert(round).second) {
      continue;
    }
    out += proposal_record(*it->second.proposal);
    out += '\n';
  }
  return out;
}

void Consensus::persist(Out& out) {
  if (!wal_dirty_ || halted_) return;
  wal_dirty_ = false;
  Status st = state_.save_consensus_wal(wal_record());
  if (st) return;
  // Nothing signed may leave unless it is on disk: drop this call's own messages.
  std::erase_if(out, [](const Action& a) {
    return std::holds_alternative<BroadcastProposal>(a) || std::holds_alternative<BroadcastVote>(a);
  });
  halted_ = true;
  out.push_back(Halt{st.with_context("consensus write-ahead record")});
}

bool Consensus::restore(std::uint64_t now, Out& out) {
  if (key_ == nullptr) return false;  // a follower signs nothing
  auto rec = state_.consensus_wal();
  if (!rec) return false;
  std::string_view rest = *rec;
  auto nl = rest.find('\n');
  if (nl == std::string_view::npos) return false;
  auto head = json::parse(rest.substr(0, nl));
  if (!head) return false;
  detail::Fields f(*head, "consensus record");
  const bool typed = f.str("type", 32) == kWalType;
  const std::uint64_t height = f.u64("height");
  const std::uint64_t round = f.u64("round");
  const std::int64_t locked_round = f.i64("locked_round", -1, kMaxInt);
  const std::int64_t valid_round = f.i64("valid_round", -1, kMaxInt);
  Hash locked{}, valid_hash{};
  const bool has_locked = f.hash_or_null("locked", locked);
  const bool has_valid = f.hash_or_null("valid", valid_hash);
  if (!typed || !f.finish() || height != height_) return false;  // another height: stale

  const PubKey me = key_->public_key().sign;
  rest.remove_prefix(nl + 1);
  while (!rest.empty()) {
    nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (auto p = parse_proposal(line)) {
      if (p->vote.height != height_) continue;
      const bool mine = p->vote.validator == me;
      if (accept_proposal(*p, out) && mine) own_.push_back(BroadcastProposal{*p});
    } else if (auto v = parse_vote(line)) {
      if (v->height != height_) continue;
      if (accept_vote(*v, out) && v->validator == me) own_.push_back(BroadcastVote{*v});
    }
  }
  if (has_locked && locked_round >= 0 && blocks_.contains(locked)) {
    locked_value_ = locked;
    locked_round_ = locked_round;
    rounds_[static_cast<std::uint64_t>(locked_round)].locked_once = true;
  }
  if (has_valid && valid_round >= 0 && blocks_.contains(valid_hash)) {
    valid_value_ = valid_hash;
    valid_round_ = valid_round;
  }
  // Nothing signed and no lock in round 0: the height had not begun (the record is written
  // at each commit); begin it as after a commit wait (consensus.md §6.3.1).
  if (round == 0 && own_.empty() && !locked_value_ && !valid_value_) return false;
  RoundState& rs = rounds_[round];
  if (rs.precommits.contains(me)) {
    round_ = round;
    step_ = Step::kPrecommit;
  } else if (rs.prevotes.contains(me)) {
    round_ = round;
    step_ = Step::kPrevote;
  } else {
    start_round(round, now, out);
  }
  return true;
}

}  // namespace cpc::chain
