// SPDX-License-Identifier: Apache-2.0
// cpc::node::LmdbStateStore — the chain's StateStore (cpc/chain/store.hpp) over an LMDB
// environment of its own (DATA_DIR/chain, one table "state"): get() reads on a fresh read
// transaction, commit() applies a whole WriteBatch in one write transaction that is durable
// when it returns (docs/consensus.md §9, cpc/store/lmdb_env.hpp "Durability").
//
// Thread safety: get() from any thread; commit() from one thread at a time (LMDB's single
// writer).
#pragma once

#include <memory>
#include <string>

#include "cpc/chain/store.hpp"
#include "cpc/store/lmdb_env.hpp"

namespace cpc::node {

class LmdbStateStore final : public chain::StateStore {
 public:
  // Creates the directory (0700) if needed. Errors: kIo.
  static Result<std::unique_ptr<LmdbStateStore>> open(const std::string& dir);
  // Aborts the process on an LMDB read error (the StateStore contract).
  std::optional<std::string> get(std::string_view key) const override;
  // kIo on failure; nothing is applied then.
  Status commit(const chain::WriteBatch& batch) override;

 private:
  LmdbStateStore() = default;
  std::unique_ptr<store::Env> env_;
  store::Table table_;
};

}  // namespace cpc::node
