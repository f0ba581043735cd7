// SPDX-License-Identifier: Apache-2.0
// The chain's state machine (consensus.md §5): accounts, data records, access grants,
// escrows and validator reputation over a StateStore, and the block-level operations the
// consensus engine and the node need — checking a transaction, building a block for the
// proposer, executing (validating) a proposed block, committing a decided block with its
// certificate, and applying a block fetched from a peer after verifying it.
//
// ChainState caches the head (height, hash, time, state root) and the validators'
// reputation; everything else is read from the store. A block's writes live in an
// overlay until commit(), which stores block + state + head in one atomic batch.
//
// Errors: kBadInput for malformed input, kRefused for a transaction or block that is well
// formed but not allowed (the message says why, consensus.md §2.1, §4.4), kIo when the
// store fails to commit (the state is then unchanged).
//
// Thread safety: one thread at a time (the node serializes access, e.g. on its event loop).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpc/chain/block.hpp"
#include "cpc/chain/genesis.hpp"
#include "cpc/chain/store.hpp"

namespace cpc::chain {

struct Account {
  std::uint64_t balance = 0;
  std::uint64_t nonce = 0;
};

struct DataRecord {
  PubKey owner{};
  std::uint64_t size = 0;
  json::Value meta = json::Value::object();
  std::uint64_t height = 0;            // registered in this block
  std::optional<std::uint64_t> price;  // offered for sale at this price
};

struct Grant {
  std::string cid;  // empty: every CID the owner has registered
  PubKey owner{};
  std::optional<Hash> owner_key;  // the owner's ristretto255 encryption key, when given
  PubKey grantee{};
  std::uint64_t threshold = 0;
  std::vector<GrantProxy> proxies;
  std::uint64_t expires = 0;  // live while height < expires
  std::uint64_t height = 0;   // granted in this block
};

struct Escrow {
  PubKey buyer{};
  PubKey seller{};
  std::string cid;
  std::uint64_t amount = 0;
  std::uint64_t deadline = 0;
};

// A node's registration (consensus.md §2 node.register, §5.1 n/<node id>; docs/peer-auth.md
// §6): its signing key (the transaction's sender), encryption key and URL, as its latest
// committed registration says.
struct NodeRecord {
  PubKey sign{};
  Hash encrypt{};  // ristretto255 public key
  std::string url;
  std::uint64_t height = 0;  // the block of the latest registration
  Hash tx{};                 // that registration's transaction id
};

// The node id of a signing key: BLAKE2b-256(key), no tag (docs/node-api.md §1, the DHT's
// dht::node_id).
Hash node_id_of(const PubKey& sign);

// Reputation of one validator (consensus.md §6.5).
struct Reputation {
  std::uint64_t score = 5000;
  std::int64_t priority = 0;
  std::uint64_t proposed = 0;
  std::uint64_t votes = 0;
  std::uint64_t missed = 0;
  std::uint64_t slashed = 0;
};
inline constexpr std::uint64_t kMaxScore = 10000;

// What executing a block produced: its state writes and resulting root, kept by the
// consensus engine between validation and commit.
struct Executed {
  Hash block_hash{};
  Hash state_root{};
  WriteBatch writes;         // state keys only
  std::vector<Hash> tx_ids;  // in block order
};

struct BlockLimits {
  std::size_t max_txs = 10'000;
  std::size_t max_bytes = std::size_t{16} << 20;  // sum of canonical tx sizes
};

class ChainState;
namespace detail {
class VerifiedSigs;
}

// Transactions applied on top of the committed state as if in the next block, without
// storing anything: the mempool's view of its pending transactions. Valid until the
// ChainState commits another block (then make a new one).
class TxSandbox {
 public:
  ~TxSandbox();
  TxSandbox(TxSandbox&&) noexcept;
  TxSandbox& operator=(TxSandbox&&) noexcept;
  // Applies `tx` (id = tx_id(tx)) after the transactions applied so far; on error nothing
  // changes. check_signature = false skips the Ed25519 check of a tx already verified.
  Status apply(const Tx& tx, const Hash& id, bool check_signature = true);
  Account account(const PubKey& key) const;

 private:
  friend class ChainState;
  struct Impl;
  explicit TxSandbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class ChainState {
 public:
  // Opens the chain in `store`: an empty store is initialised with the genesis state
  // (one batch); a non-empty one must hold this genesis (kBadInput otherwise).
  // `store` must outlive the ChainState.
  static Result<std::unique_ptr<ChainState>> open(const Genesis& genesis, StateStore& store);
  ~ChainState();
  // Signature verifications skipped because the transaction's id had verified before
  // (a mempool admission, then the block's execution).
  std::uint64_t verified_signature_hits() const;

  const Genesis& genesis() const { return genesis_; }
  const Hash& genesis_hash() const { return genesis_hash_; }
  const ValidatorSet& validators() const { return validators_; }
  // The head: the last committed block (height 0 = genesis, whose hash is genesis_hash()).
  std::uint64_t height() const { return height_; }
  const Hash& head_hash() const { return head_hash_; }
  std::uint64_t head_time() const { return head_time_; }
  const Hash& state_root() const { return state_root_; }

  // Committed state.
  Account account(const PubKey& key) const;
  std::optional<DataRecord> data(std::string_view cid) const;
  std::optional<Grant> grant(const Hash& id) const;
  // True while the grant exists (not revoked) and height() + 1 < expires, i.e. it is live
  // for the next block.
  bool grant_live(const Hash& id) const;
  // The grants (not revoked; expired ones included) to `grantee`, in grant-id order, from
  // the state index gr/<grantee> (consensus.md §5.1).
  std::vector<std::pair<Hash, Grant>> grants_to(const PubKey& grantee) const;
  std::optional<Escrow> escrow(const Hash& id) const;
  // The registration of the node with this id (node_id_of its signing key), if any.
  std::optional<NodeRecord> node(const Hash& id) const;
  // Reputation of each validator, in validators() order.
  const std::vector<Reputation>& reputation() const { return reputation_; }
  // The proposer of (height() + 1, round) (consensus.md §6.5).
  PubKey proposer(std::uint64_t round) const;

  // A sandbox over the committed state (see TxSandbox).
  TxSandbox sandbox() const;

  // Checks `tx` against the committed state as if applied in the next block:
  // form, chain id, signature, nonce, and the rules of its operation.
  Status check_tx(const Tx& tx) const;

  // Builds the proposer's block for height() + 1: applies `candidates` in order, skipping
  // (and listing in `skipped`, if given) those that fail; then computes the roots.
  // `evidence` entries that fail are dropped too. The result executes successfully;
  // `executed`, if given, receives what execute() would return for it.
  Result<Block> build_block(const PubKey& proposer, std::uint64_t round, std::uint64_t time_ms,
                            std::span<const Tx> candidates, std::span<const Evidence> evidence,
                            std::optional<CommitCertificate> last_commit,
                            const BlockLimits& limits = {}, std::vector<Hash>* skipped = nullptr,
                            Executed* executed = nullptr) const;

  // Validates `block` as the next block (consensus.md §4.4) and returns its writes.
  // Verifies every transaction signature (one Ed25519 verification per tx) and the body's
  // last_commit certificate. Does not check the block's own certificate.
  Result<Executed> execute(const Block& block, const BlockLimits& limits = {}) const;

  // Stores a decided block: `executed` must come from execute(block) on the current head.
  // Writes state, the committed-block record, the tx index and the head in one batch.
  Status commit(const Block& block, const CommitCertificate& commit, const Executed& executed);

  // Catch-up (consensus.md §6.7): verifies the certificate against the genesis validators
  // and the block hash, executes the block, and commits it. Nothing is written on error.
  Status apply_committed(const CommittedBlock& cb, const BlockLimits& limits = {});

  // Committed blocks and the transaction index.
  Result<CommittedBlock> block_at(std::uint64_t height) const;
  // (height, index) of a committed transaction.
  std::optional<std::pair<std::uint64_t, std::size_t>> locate_tx(const Hash& id) const;

  // True when evidence with this id was applied in a committed block.
  bool evidence_applied(const Hash& id) const;

  // The consensus engine's write-ahead record (consensus.md §6.8), outside the state
  // root: read at start, replaced (durably, one batch) before a signed message leaves.
  std::optional<std::string> consensus_wal() const;
  Status save_consensus_wal(std::string record);

 private:
  ChainState(const Genesis& g, StateStore& s);
  Status init_or_load();
  void reload_reputation();

  Genesis genesis_;
  Hash genesis_hash_{};
  ValidatorSet validators_;
  StateStore& store_;
  std::uint64_t height_ = 0;
  Hash head_hash_{};
  std::uint64_t head_time_ = 0;
  Hash state_root_{};
  std::vector<Reputation> reputation_;
  std::unique_ptr<detail::VerifiedSigs> verified_;
};

}  // namespace cpc::chain
