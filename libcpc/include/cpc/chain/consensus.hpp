// SPDX-License-Identifier: Apache-2.0
// The consensus engine (consensus.md §6): Tendermint's propose / prevote / precommit with
// locking, as a pure state machine. It never does I/O, never reads a clock and never
// sleeps: the node feeds it messages, timeouts and the time, and carries out the Actions
// it returns — broadcast a proposal, vote or evidence to the other validators, schedule a
// timeout (call on_timeout() at or after `at_ms`), fetch committed blocks from peers
// (RequestBlocks, answered with on_committed_block()), or stop (Halt: the store failed).
// Decided blocks are committed to the ChainState by the engine itself (one atomic batch,
// store.hpp) before the Committed action is returned.
//
// A validator holds its secret key; a follower (key == nullptr) verifies and commits the
// same blocks without voting. A single validator follows the same code path and commits
// alone. Invalid messages (bad signature, not a validator, wrong chain) are dropped and
// counted in dropped_messages().
//
// Thread safety: one thread at a time; the ChainState and Mempool it uses must not be
// used by other threads meanwhile.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "cpc/chain/mempool.hpp"
#include "cpc/chain/state.hpp"

namespace cpc::chain {

struct ConsensusConfig {
  // timeout_X(r) = X_ms + r * X_delta_ms (consensus.md §6.3).
  std::uint64_t propose_ms = 1000, propose_delta_ms = 500;
  std::uint64_t prevote_ms = 500, prevote_delta_ms = 250;
  std::uint64_t precommit_ms = 500, precommit_delta_ms = 250;
  // Wait after a commit before the next height's round 0: commit_ms while the mempool is
  // empty (an idle chain makes two blocks a second), busy_commit_ms as soon as it holds
  // transactions (consensus.md §6.3).
  std::uint64_t commit_ms = 500;
  std::uint64_t busy_commit_ms = 50;
  // After the commit wait, a height with nothing to commit waits for a transaction,
  // evidence, another validator's message of the height, or the heartbeat: this long after
  // the last block's time. 0: always start the next height (consensus.md §6.3.1).
  std::uint64_t empty_block_interval_ms = 60'000;
  std::uint64_t rebroadcast_ms = 1000;
  std::uint64_t max_clock_drift_ms = 10'000;
  BlockLimits block_limits;
  Mempool* mempool = nullptr;  // where proposals take transactions from; may be null
};

enum class Step { kPropose, kPrevote, kPrecommit, kCommitWait };

struct Timeout {
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  Step step = Step::kPropose;
  std::uint64_t at_ms = 0;
};

struct BroadcastProposal {
  Proposal proposal;
};
struct BroadcastVote {
  Vote vote;
};
struct BroadcastEvidence {
  Evidence evidence;
};
struct ScheduleTimeout {
  Timeout timeout;
};
struct Committed {
  CommittedBlock block;  // already stored in the ChainState
};
struct RequestBlocks {
  std::uint64_t from_height = 0;  // the first height this node lacks
};
struct Halt {
  Status status;
};
using Action = std::variant<BroadcastProposal, BroadcastVote, BroadcastEvidence, ScheduleTimeout,
                            Committed, RequestBlocks, Halt>;

class Consensus {
 public:
  // `key` (nullptr for a follower), `state` and config.mempool must outlive the engine.
  Consensus(const keys::SecretKey* key, ChainState& state, ConsensusConfig config = {});

  // Starts the height after the state's head: at round 0, or where the write-ahead record
  // of that height left off after a restart (consensus.md §6.8).
  std::vector<Action> start(std::uint64_t now_ms);
  std::vector<Action> on_proposal(const Proposal& p, std::uint64_t now_ms);
  std::vector<Action> on_vote(const Vote& v, std::uint64_t now_ms);
  std::vector<Action> on_evidence(const Evidence& e, std::uint64_t now_ms);
  std::vector<Action> on_timeout(const Timeout& t, std::uint64_t now_ms);
  // Periodic (e.g. every 100 ms): rebroadcasts this validator's current messages every
  // rebroadcast_ms — and, during a stall, the others' messages of the rounds that matter
  // (consensus.md §6.3) — and repeats block requests while behind.
  std::vector<Action> on_tick(std::uint64_t now_ms);
  // A committed block fetched from a peer: verified and applied (apply_committed) when it
  // is the next one; otherwise ignored.
  std::vector<Action> on_committed_block(const CommittedBlock& cb, std::uint64_t now_ms);

  std::uint64_t height() const { return height_; }  // the height being decided
  std::uint64_t round() const { return round_; }
  Step step() const { return step_; }
  std::size_t dropped_messages() const { return dropped_; }
  const std::vector<Evidence>& pending_evidence() const { return pending_evidence_; }

 private:
  struct RoundState {
    std::optional<Proposal> proposal;
    Hash proposal_hash{};
    std::map<PubKey, Vote> prevotes;
    std::map<PubKey, Vote> precommits;
    bool prevote_timeout = false;
    bool precommit_timeout = false;
    bool locked_once = false;  // the "for the first time" of the lock rule
  };
  using Out = std::vector<Action>;

  // consensus_rules.cpp
  void start_round(std::uint64_t round, std::uint64_t now, Out& out);
  void propose(std::uint64_t now, Out& out);
  void check_rules(std::uint64_t now, Out& out);
  bool valid(const Hash& id, std::uint64_t now);
  void cast(VoteType type, std::optional<Hash> block, Out& out, std::uint64_t now);
  void schedule(Step step, std::uint64_t round, std::uint64_t delay, std::uint64_t now, Out& out);
  std::uint64_t power_for(const std::map<PubKey, Vote>& votes, const std::optional<Hash>& id) const;
  std::uint64_t power_any(const std::map<PubKey, Vote>& votes) const;
  void decide(std::uint64_t round, const Hash& id, std::uint64_t now, Out& out);
  void enter_height(std::uint64_t now, Out& out);
  // consensus.md §6.3.1: whether an idle height has something to start round 0 for, and
  // leaving the commit wait when it has (else scheduling the heartbeat's wake-up).
  bool has_work(std::uint64_t now) const;
  void end_commit_wait(std::uint64_t now, Out& out);
  void wake(std::uint64_t now, Out& out);
  void relay(Out& out) const;

  // consensus_wal.cpp (consensus.md §6.8)
  bool restore(std::uint64_t now, Out& out);
  std::string wal_record() const;
  // Writes the record if a signed message or the lock changed; on a store failure drops
  // this call's own messages and halts.
  void persist(Out& out);

  // consensus.cpp
  bool accept_proposal(const Proposal& p, Out& out);
  bool accept_vote(const Vote& v, Out& out);
  void note_equivocation(const Vote& first, const Vote& second, Out& out);
  bool buffer_future(std::uint64_t height, const std::variant<Proposal, Vote>& m, std::uint64_t now,
                     Out& out);

  const keys::SecretKey* key_;
  ChainState& state_;
  ConsensusConfig config_;
  std::uint64_t height_ = 0;
  std::uint64_t round_ = 0;
  Step step_ = Step::kCommitWait;
  std::optional<Hash> locked_value_;
  std::int64_t locked_round_ = -1;
  std::optional<Hash> valid_value_;
  std::int64_t valid_round_ = -1;
  std::map<std::uint64_t, RoundState> rounds_;
  std::map<Hash, Block> blocks_;
  std::map<Hash, std::shared_ptr<Executed>> executed_;  // null: invalid
  std::optional<CommitCertificate> last_commit_;
  std::vector<Evidence> pending_evidence_;
  std::vector<std::variant<Proposal, Vote>> future_;  // messages for height_ + 1
  std::vector<Action> own_;                           // this height's own messages, for rebroadcast
  std::vector<Action> decided_;  // the last decided proposal and precommits, likewise
  std::uint64_t future_since_ = 0;
  std::uint64_t height_since_ = 0;  // when this height began
  std::uint64_t active_since_ = 0;  // when this height's rounds began (the commit wait ended)
  bool idle_ = false;               // commit wait over, waiting for work (§6.3.1)
  bool wal_dirty_ = false;
  bool halted_ = false;
  std::uint64_t last_rebroadcast_ = 0;
  std::uint64_t last_request_ = 0;
  std::size_t dropped_ = 0;
};

}  // namespace cpc::chain
