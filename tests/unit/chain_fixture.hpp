// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the chain tests: a genesis with generated validator and user keys,
// an in-memory chain, and direct block commits (build, execute, certify with the
// validators' precommits, commit) that bypass the consensus engine.
#pragma once

#include <memory>
#include <vector>

#include "cpc/chain/state.hpp"

namespace cpc::chain::testing {

inline CommitCertificate certify(const Block& b, std::uint64_t round,
                                 const std::vector<const keys::SecretKey*>& signers) {
  CommitCertificate c;
  c.height = b.header.height;
  c.round = round;
  c.block = block_hash(b.header);
  for (const auto* sk : signers) {
    Vote v;
    v.type = VoteType::kPrecommit;
    v.chain = b.header.chain;
    v.height = c.height;
    v.round = round;
    v.block = c.block;
    sign_vote(v, *sk);
    c.precommits.push_back({v.validator, v.sig});
  }
  std::sort(c.precommits.begin(), c.precommits.end(),
            [](const Precommit& x, const Precommit& y) { return x.validator < y.validator; });
  return c;
}

struct TestChain {
  std::vector<keys::SecretKey> vals;
  std::vector<keys::SecretKey> users;
  Genesis genesis;
  MemoryStateStore store;
  std::unique_ptr<ChainState> cs;
  std::optional<CommitCertificate> last;
  std::vector<CommittedBlock> blocks;

  explicit TestChain(std::size_t n_vals = 1, std::size_t n_users = 3, std::uint64_t alloc = 1000) {
    genesis.chain = "cpc-test";
    genesis.time_ms = 1'700'000'000'000;
    for (std::size_t i = 0; i < n_vals; ++i) {
      vals.push_back(keys::SecretKey::generate().value());
      genesis.validators.push_back({vals.back().public_key().sign, 1});
    }
    for (std::size_t i = 0; i < n_users; ++i) {
      users.push_back(keys::SecretKey::generate().value());
      genesis.alloc.push_back({users.back().public_key().sign, alloc});
    }
    auto opened = ChainState::open(genesis, store);
    if (!opened) throw std::runtime_error(opened.status().message());
    cs = std::move(*opened);
  }

  const PubKey& user(std::size_t i) const { return users[i].public_key().sign; }

  // An unsigned tx from user i with the next nonce (+ offset for txs not yet committed).
  Tx tx(std::size_t i, Op op, std::uint64_t nonce_offset = 0) const {
    Tx t;
    t.chain = genesis.chain;
    t.from = user(i);
    t.nonce = cs->account(t.from).nonce + nonce_offset;
    t.op = op;
    return t;
  }
  Tx signed_tx(std::size_t i, Tx t) const {
    sign_tx(t, users[i]);
    return t;
  }

  const keys::SecretKey& proposer_key(std::uint64_t round) const {
    PubKey p = cs->proposer(round);
    for (const auto& v : vals) {
      if (v.public_key().sign == p) return v;
    }
    throw std::logic_error("no proposer");
  }

  std::vector<const keys::SecretKey*> all_vals() const {
    std::vector<const keys::SecretKey*> out;
    for (const auto& v : vals) out.push_back(&v);
    return out;
  }

  // Builds, executes, certifies (all validators) and commits a block of `txs`; the
  // transactions the proposer had to skip are returned through `skipped`.
  Status commit_block(const std::vector<Tx>& txs, const std::vector<Evidence>& ev = {},
                      std::vector<Hash>* skipped = nullptr) {
    auto b = cs->build_block(proposer_key(0).public_key().sign, 0, cs->head_time() + 1000, txs, ev,
                             last, {}, skipped);
    CPC_RETURN_IF_ERROR(b);
    auto ex = cs->execute(*b);
    CPC_RETURN_IF_ERROR(ex);
    CommitCertificate c = certify(*b, 0, all_vals());
    CPC_RETURN_IF_ERROR(cs->commit(*b, c, *ex));
    last = c;
    blocks.push_back({*b, c});
    return Status::ok();
  }
};

}  // namespace cpc::chain::testing
