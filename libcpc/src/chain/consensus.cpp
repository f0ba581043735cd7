// SPDX-License-Identifier: Apache-2.0
// The consensus engine's inputs (consensus.hpp): message intake with signature checks and
// equivocation detection (consensus.md §7), buffering of the next height's messages,
// timeouts, rebroadcast and catch-up (§6.3, §6.7). The rules are in consensus_rules.cpp.
#include <algorithm>
#include <set>

#include "cpc/chain/consensus.hpp"

namespace cpc::chain {

Consensus::Consensus(const keys::SecretKey* key, ChainState& state, ConsensusConfig config)
    : key_(key), state_(state), config_(config), height_(state.height() + 1) {}

std::vector<Action> Consensus::start(std::uint64_t now) {
  Out out;
  if (state_.height() > 0) {
    auto cb = state_.block_at(state_.height());
    if (cb) last_commit_ = cb->commit;
  }
  enter_height(now, out);
  // No record of this height: begin it as after a commit wait, so that restarting an idle
  // node makes no block before the heartbeat (consensus.md §6.3.1).
  if (!restore(now, out)) end_commit_wait(now, out);
  check_rules(now, out);
  persist(out);
  return out;
}

bool Consensus::accept_proposal(const Proposal& p, Out& out) {
  const Vote& v = p.vote;
  if (v.validator != state_.proposer(v.round)) {
    ++dropped_;
    return false;
  }
  Hash h = block_hash(p.block.header);
  if (!v.block || *v.block != h) {
    ++dropped_;
    return false;
  }
  RoundState& rs = rounds_[v.round];
  if (rs.proposal) {
    if (!rs.proposal->vote.same_value(v) && verify_vote_signature(v)) {
      note_equivocation(rs.proposal->vote, v, out);
    }
    return false;
  }
  if (!verify_vote_signature(v)) {
    ++dropped_;
    return false;
  }
  rs.proposal = p;
  rs.proposal_hash = h;
  blocks_.emplace(h, p.block);
  return true;
}

bool Consensus::accept_vote(const Vote& v, Out& out) {
  if (v.type == VoteType::kProposal || !state_.validators().index_of(v.validator)) {
    ++dropped_;
    return false;
  }
  RoundState& rs = rounds_[v.round];
  auto& votes = v.type == VoteType::kPrevote ? rs.prevotes : rs.precommits;
  auto it = votes.find(v.validator);
  if (it != votes.end()) {
    // Only the first vote counts; a different second one is equivocation.
    if (!it->second.same_value(v) && verify_vote_signature(v))
      note_equivocation(it->second, v, out);
    return false;
  }
  if (!verify_vote_signature(v)) {
    ++dropped_;
    return false;
  }
  votes.emplace(v.validator, v);
  return true;
}

void Consensus::note_equivocation(const Vote& first, const Vote& second, Out& out) {
  auto e = make_evidence(first, second);
  if (!e) return;
  Hash id = evidence_id(*e);
  for (const auto& p : pending_evidence_) {
    if (evidence_id(p) == id) return;
  }
  if (state_.evidence_applied(id)) return;
  pending_evidence_.push_back(*e);
  out.push_back(BroadcastEvidence{*e});
}

bool Consensus::buffer_future(std::uint64_t height, const std::variant<Proposal, Vote>& m,
                              std::uint64_t now, Out& out) {
  if (height == height_ + 1 && future_.size() < 4 * kMaxValidators) {
    if (future_.empty()) future_since_ = now;
    future_.push_back(m);
  }
  // Two or more heights ahead: this node missed a block; fetch it (rate-limited).
  if (height > height_ + 1 &&
      (last_request_ == 0 || now >= last_request_ + config_.rebroadcast_ms)) {
    last_request_ = now;
    out.push_back(RequestBlocks{state_.height() + 1});
  }
  return false;
}

std::vector<Action> Consensus::on_proposal(const Proposal& p, std::uint64_t now) {
  Out out;
  if (halted_) return out;
  const Vote& v = p.vote;
  if (v.type != VoteType::kProposal || v.chain != state_.genesis().chain) {
    ++dropped_;
    return out;
  }
  if (v.height < height_) return out;
  if (v.height > height_) {
    buffer_future(v.height, p, now, out);
    return out;
  }
  if (accept_proposal(p, out)) check_rules(now, out);
  persist(out);
  return out;
}

std::vector<Action> Consensus::on_vote(const Vote& v, std::uint64_t now) {
  Out out;
  if (halted_) return out;
  if (v.chain != state_.genesis().chain) {
    ++dropped_;
    return out;
  }
  if (v.height < height_) return out;
  if (v.height > height_) {
    buffer_future(v.height, v, now, out);
    return out;
  }
  if (accept_vote(v, out)) check_rules(now, out);
  persist(out);
  return out;
}

std::vector<Action> Consensus::on_evidence(const Evidence& e, std::uint64_t) {
  Out out;
  if (!verify_evidence(e, state_.validators(), state_.genesis().chain)) {
    ++dropped_;
    return out;
  }
  Hash id = evidence_id(e);
  for (const auto& p : pending_evidence_) {
    if (evidence_id(p) == id) return out;
  }
  if (!state_.evidence_applied(id)) pending_evidence_.push_back(e);
  return out;
}

std::vector<Action> Consensus::on_timeout(const Timeout& t, std::uint64_t now) {
  Out out;
  if (halted_ || t.height != height_) return out;
  switch (t.step) {
    case Step::kCommitWait:
      if (step_ == Step::kCommitWait) end_commit_wait(now, out);
      break;
    case Step::kPropose:
      if (t.round == round_ && step_ == Step::kPropose) {
        step_ = Step::kPrevote;
        cast(VoteType::kPrevote, std::nullopt, out, now);
      }
      break;
    case Step::kPrevote:
      if (t.round == round_ && step_ == Step::kPrevote) {
        step_ = Step::kPrecommit;
        cast(VoteType::kPrecommit, std::nullopt, out, now);
      }
      break;
    case Step::kPrecommit:
      if (t.round == round_ && step_ != Step::kCommitWait) start_round(round_ + 1, now, out);
      break;
  }
  check_rules(now, out);
  persist(out);
  return out;
}

std::vector<Action> Consensus::on_tick(std::uint64_t now) {
  Out out;
  if (halted_) return out;
  if (now >= last_rebroadcast_ + config_.rebroadcast_ms) {
    last_rebroadcast_ = now;
    out.insert(out.end(), decided_.begin(), decided_.end());
    out.insert(out.end(), own_.begin(), own_.end());
    if (step_ != Step::kCommitWait && now >= active_since_ + 2 * config_.rebroadcast_ms) {
      relay(out);
    }
  }
  // Transactions arrived during the commit wait: start the height now (§6.3); or an idle
  // height has work now: a transaction, evidence, the heartbeat (§6.3.1).
  const bool busy = config_.mempool != nullptr && config_.mempool->size() > 0;
  if (step_ == Step::kCommitWait &&
      (idle_ || (busy && now >= height_since_ + config_.busy_commit_ms))) {
    if (busy) idle_ = true;  // the commit wait is cut short
    wake(now, out);
    check_rules(now, out);
    persist(out);
  }
  // Messages of the next height for a while and still no decision here: fetch the block.
  if (!future_.empty() && now >= future_since_ + config_.rebroadcast_ms &&
      (last_request_ == 0 || now >= last_request_ + config_.rebroadcast_ms)) {
    last_request_ = now;
    out.push_back(RequestBlocks{state_.height() + 1});
  }
  return out;
}

std::vector<Action> Consensus::on_committed_block(const CommittedBlock& cb, std::uint64_t now) {
  Out out;
  if (halted_ || cb.block.header.height != state_.height() + 1) return out;
  if (!state_.apply_committed(cb, config_.block_limits)) {
    ++dropped_;
    return out;
  }
  last_commit_ = cb.commit;
  decided_.clear();
  out.push_back(Committed{cb});
  if (config_.mempool != nullptr) config_.mempool->update();
  enter_height(now, out);
  // A fetched block needs no commit wait; the next height starts when it has work (§6.3.1).
  end_commit_wait(now, out);
  check_rules(now, out);
  persist(out);
  return out;
}

void Consensus::relay(Out& out) const {
  if (key_ == nullptr) return;
  const PubKey me = key_->public_key().sign;
  std::set<std::uint64_t> which = {round_};
  if (valid_round_ >= 0) which.insert(static_cast<std::uint64_t>(valid_round_));
  if (locked_round_ >= 0) which.insert(static_cast<std::uint64_t>(locked_round_));
  for (std::uint64_t r : which) {
    auto it = rounds_.find(r);
    if (it == rounds_.end()) continue;
    const RoundState& rs = it->second;
    if (rs.proposal && rs.proposal->vote.validator != me) {
      out.push_back(BroadcastProposal{*rs.proposal});
    }
    for (const auto* votes : {&rs.prevotes, &rs.precommits}) {
      for (const auto& [k, v] : *votes) {
        if (k != me) out.push_back(BroadcastVote{v});
      }
    }
  }
}

}  // namespace cpc::chain
