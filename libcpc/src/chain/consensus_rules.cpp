// SPDX-License-Identifier: Apache-2.0
// The rules of the consensus engine (consensus.md §6.3; Buchman, Kwon, Milosevic 2018,
// Algorithm 1, whose line numbers are cited): rounds, proposing, voting with locking,
// deciding, and moving to the next height.
#include <set>

#include "cpc/chain/consensus.hpp"

namespace cpc::chain {

void Consensus::schedule(Step step, std::uint64_t round, std::uint64_t delay, std::uint64_t now,
                         Out& out) {
  out.push_back(ScheduleTimeout{Timeout{height_, round, step, now + delay}});
}

std::uint64_t Consensus::power_for(const std::map<PubKey, Vote>& votes,
                                   const std::optional<Hash>& id) const {
  std::uint64_t p = 0;
  for (const auto& [k, v] : votes) {
    if (v.block == id) p += state_.validators().power_of(k);
  }
  return p;
}

std::uint64_t Consensus::power_any(const std::map<PubKey, Vote>& votes) const {
  std::uint64_t p = 0;
  for (const auto& [k, v] : votes) p += state_.validators().power_of(k);
  return p;
}

bool Consensus::valid(const Hash& id, std::uint64_t now) {
  auto it = executed_.find(id);
  if (it == executed_.end()) {
    auto ex = state_.execute(blocks_.at(id), config_.block_limits);
    it = executed_.emplace(id, ex ? std::make_shared<Executed>(std::move(*ex)) : nullptr).first;
  }
  // The drift check is local (consensus.md §4.1); it never applies to deciding.
  return it->second && blocks_.at(id).header.time_ms <= now + config_.max_clock_drift_ms;
}

void Consensus::cast(VoteType type, std::optional<Hash> block, Out& out, std::uint64_t) {
  if (key_ == nullptr) return;  // a follower never votes
  RoundState& rs = rounds_[round_];
  auto& votes = type == VoteType::kPrevote ? rs.prevotes : rs.precommits;
  // Never a second vote for this (height, round, type), e.g. after a restart (§6.8).
  if (votes.contains(key_->public_key().sign)) return;
  Vote v;
  v.type = type;
  v.chain = state_.genesis().chain;
  v.height = height_;
  v.round = round_;
  v.block = block;
  sign_vote(v, *key_);
  votes.emplace(v.validator, v);
  wal_dirty_ = true;
  out.push_back(BroadcastVote{v});
  own_.push_back(BroadcastVote{v});
}

void Consensus::enter_height(std::uint64_t now, Out& out) {
  height_ = state_.height() + 1;
  round_ = 0;
  step_ = Step::kCommitWait;
  locked_value_.reset();
  locked_round_ = -1;
  valid_value_.reset();
  valid_round_ = -1;
  rounds_.clear();
  blocks_.clear();
  executed_.clear();
  own_.clear();
  height_since_ = now;
  active_since_ = now;
  idle_ = false;
  std::erase_if(pending_evidence_,
                [&](const Evidence& e) { return state_.evidence_applied(evidence_id(e)); });
  // Replay what arrived early for this height.
  auto early = std::move(future_);
  future_.clear();
  for (const auto& m : early) {
    if (const auto* p = std::get_if<Proposal>(&m)) {
      if (p->vote.height == height_) accept_proposal(*p, out);
    } else if (const auto* v = std::get_if<Vote>(&m)) {
      if (v->height == height_) accept_vote(*v, out);
    }
  }
}

bool Consensus::has_work(std::uint64_t now) const {
  if (config_.empty_block_interval_ms == 0 || height_ == 1) return true;
  if (config_.mempool != nullptr && config_.mempool->size() > 0) return true;
  if (!pending_evidence_.empty()) return true;
  if (now >= state_.head_time() + config_.empty_block_interval_ms) return true;  // heartbeat
  for (const auto& [r, rs] : rounds_) {  // only validly signed messages get in
    if (rs.proposal || !rs.prevotes.empty() || !rs.precommits.empty()) return true;
  }
  return false;
}

void Consensus::wake(std::uint64_t now, Out& out) {
  if (step_ != Step::kCommitWait || !idle_ || !has_work(now)) return;
  idle_ = false;
  start_round(0, now, out);
}

// timeout_commit has passed (or nothing to wait for after a start or a fetched block):
// start round 0 now, or wait idle until there is work, waking at least for the heartbeat.
void Consensus::end_commit_wait(std::uint64_t now, Out& out) {
  idle_ = true;
  wake(now, out);
  if (step_ != Step::kCommitWait) return;
  const std::uint64_t beat = state_.head_time() + config_.empty_block_interval_ms;
  schedule(Step::kCommitWait, 0, beat > now ? beat - now : 0, now, out);
}

// Line 11, StartRound.
void Consensus::start_round(std::uint64_t round, std::uint64_t now, Out& out) {
  if (step_ == Step::kCommitWait) active_since_ = now;
  round_ = round;
  step_ = Step::kPropose;
  if (key_ != nullptr && state_.proposer(round) == key_->public_key().sign) {
    // Never two proposals in one round, e.g. after a restart (§6.8).
    if (!rounds_[round].proposal) propose(now, out);
  } else {
    schedule(Step::kPropose, round, config_.propose_ms + round * config_.propose_delta_ms, now,
             out);
  }
}

void Consensus::propose(std::uint64_t now, Out& out) {
  Proposal p;
  std::int64_t vr = -1;
  if (valid_value_) {
    p.block = blocks_.at(*valid_value_);
    vr = valid_round_;
  } else {
    std::vector<Tx> txs;
    if (config_.mempool != nullptr) {
      txs = config_.mempool->reap(config_.block_limits.max_txs, config_.block_limits.max_bytes);
    }
    auto ex = std::make_shared<Executed>();
    auto b = state_.build_block(key_->public_key().sign, round_, now, txs, pending_evidence_,
                                last_commit_, config_.block_limits, nullptr, ex.get());
    if (!b) {
      // Only possible without a last commit (a store that lost its blocks): stay silent.
      schedule(Step::kPropose, round_, config_.propose_ms, now, out);
      return;
    }
    p.block = std::move(*b);
    executed_[ex->block_hash] = ex;
  }
  Hash h = block_hash(p.block.header);
  p.vote.type = VoteType::kProposal;
  p.vote.chain = state_.genesis().chain;
  p.vote.height = height_;
  p.vote.round = round_;
  p.vote.block = h;
  p.vote.valid_round = vr;
  sign_vote(p.vote, *key_);
  RoundState& rs = rounds_[round_];
  rs.proposal = p;
  rs.proposal_hash = h;
  blocks_.emplace(h, p.block);
  wal_dirty_ = true;
  out.push_back(BroadcastProposal{p});
  own_.push_back(BroadcastProposal{p});
}

// Lines 49-54: commit, then wait timeout_commit before round 0 of the next height.
void Consensus::decide(std::uint64_t round, const Hash& id, std::uint64_t now, Out& out) {
  RoundState& rs = rounds_.at(round);
  CommitCertificate cert;
  cert.height = height_;
  cert.round = round;
  cert.block = id;
  decided_.clear();
  decided_.push_back(BroadcastProposal{*rs.proposal});
  for (const auto& [k, v] : rs.precommits) {  // std::map: sorted by validator key
    if (v.block == id) {
      cert.precommits.push_back({k, v.sig});
      decided_.push_back(BroadcastVote{v});
    }
  }
  const Block& block = blocks_.at(id);
  Status st = state_.commit(block, cert, *executed_.at(id));
  if (!st) {
    halted_ = true;
    out.push_back(Halt{st});
    return;
  }
  last_commit_ = cert;
  out.push_back(Committed{CommittedBlock{block, cert}});
  if (config_.mempool != nullptr) config_.mempool->update();
  enter_height(now, out);
  const bool busy = config_.mempool != nullptr && config_.mempool->size() > 0;
  schedule(Step::kCommitWait, 0, busy ? config_.busy_commit_ms : config_.commit_ms, now, out);
}

void Consensus::check_rules(std::uint64_t now, Out& out) {
  const std::uint64_t q = state_.validators().quorum();
  for (bool changed = true; changed && !halted_;) {
    changed = false;
    // Line 49: a proposal and a quorum of precommits for it, in any round.
    for (auto& [r, rs] : rounds_) {
      if (rs.proposal && power_for(rs.precommits, rs.proposal_hash) >= q) {
        valid(rs.proposal_hash, now);
        if (executed_.at(rs.proposal_hash)) {
          decide(r, rs.proposal_hash, now, out);
          changed = true;
          break;  // rounds_ now belongs to the next height
        }
      }
    }
    if (changed || halted_) continue;
    if (step_ == Step::kCommitWait) {
      wake(now, out);  // e.g. another validator's message of this height (§6.3.1, rule 5)
      changed = step_ != Step::kCommitWait;
      continue;
    }
    RoundState& rs = rounds_[round_];
    const Hash id = rs.proposal_hash;
    if (step_ == Step::kPropose && rs.proposal) {
      std::int64_t vr = rs.proposal->vote.valid_round;
      if (vr == -1) {  // Line 22.
        bool ok = valid(id, now) && (locked_round_ == -1 || locked_value_ == id);
        step_ = Step::kPrevote;
        cast(VoteType::kPrevote, ok ? std::optional<Hash>(id) : std::nullopt, out, now);
        changed = true;
      } else if (vr < static_cast<std::int64_t>(round_) &&
                 power_for(rounds_[static_cast<std::uint64_t>(vr)].prevotes, id) >=
                     q) {  // Line 28.
        bool ok = valid(id, now) && (locked_round_ <= vr || locked_value_ == id);
        step_ = Step::kPrevote;
        cast(VoteType::kPrevote, ok ? std::optional<Hash>(id) : std::nullopt, out, now);
        changed = true;
      }
    }
    if (step_ == Step::kPrevote && !rs.prevote_timeout &&
        power_any(rs.prevotes) >= q) {  // Line 34.
      rs.prevote_timeout = true;
      schedule(Step::kPrevote, round_, config_.prevote_ms + round_ * config_.prevote_delta_ms, now,
               out);
    }
    if ((step_ == Step::kPrevote || step_ == Step::kPrecommit) && rs.proposal && !rs.locked_once &&
        power_for(rs.prevotes, id) >= q && valid(id, now)) {  // Line 36.
      rs.locked_once = true;
      if (step_ == Step::kPrevote) {
        locked_value_ = id;
        locked_round_ = static_cast<std::int64_t>(round_);
        step_ = Step::kPrecommit;
        cast(VoteType::kPrecommit, id, out, now);
      }
      valid_value_ = id;
      valid_round_ = static_cast<std::int64_t>(round_);
      wal_dirty_ = true;
      changed = true;
    }
    if (step_ == Step::kPrevote && power_for(rs.prevotes, std::nullopt) >= q) {  // Line 44.
      step_ = Step::kPrecommit;
      cast(VoteType::kPrecommit, std::nullopt, out, now);
      changed = true;
    }
    if (!rs.precommit_timeout && power_any(rs.precommits) >= q) {  // Line 47.
      rs.precommit_timeout = true;
      schedule(Step::kPrecommit, round_, config_.precommit_ms + round_ * config_.precommit_delta_ms,
               now, out);
    }
    // Line 55: more than a third of the power is in a later round: join it.
    for (auto& [r, later] : rounds_) {
      if (r <= round_) continue;
      std::set<PubKey> who;
      if (later.proposal) who.insert(later.proposal->vote.validator);
      for (const auto& [k, v] : later.prevotes) who.insert(k);
      for (const auto& [k, v] : later.precommits) who.insert(k);
      std::uint64_t p = 0;
      for (const auto& k : who) p += state_.validators().power_of(k);
      if (p >= state_.validators().one_third_plus()) {
        start_round(r, now, out);
        changed = true;
        break;
      }
    }
  }
}

}  // namespace cpc::chain
