// SPDX-License-Identifier: Apache-2.0
// The chain's LMDB StateStore (libcpc/src/node/lmdb_state_store.hpp): one write transaction per
// block.
#include "lmdb_state_store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cpc/io/log.hpp"

namespace cpc::node {

namespace {

// A failed read of the chain store: the state cannot be trusted; stop here.
[[noreturn]] void read_failed(const Status& s) {
  log::error("chain store read failed", {{"error", s.message()}},
             "chain store read failed: " + s.message());
  std::abort();
}

}  // namespace

Result<std::unique_ptr<LmdbStateStore>> LmdbStateStore::open(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::io("cannot create " + dir + ": " + std::strerror(errno));
  }
  auto env = store::Env::open(dir);
  CPC_RETURN_IF_ERROR(env);
  std::unique_ptr<LmdbStateStore> s(new LmdbStateStore);
  s->env_ = std::move(*env);
  auto t = s->env_->table("state");
  CPC_RETURN_IF_ERROR(t);
  s->table_ = *t;
  return s;
}

std::optional<std::string> LmdbStateStore::get(std::string_view key) const {
  auto txn = env_->read_txn();
  if (txn) {
    auto v = (*txn)->get(table_, key);
    if (v) {
      if (!v->has_value()) return std::nullopt;
      return std::string(as_chars(**v));
    }
    read_failed(v.status());
  } else {
    read_failed(txn.status());
  }
}

Status LmdbStateStore::commit(const chain::WriteBatch& batch) {
  auto txn = env_->write_txn();
  CPC_RETURN_IF_ERROR(txn);
  for (const auto& [key, value] : batch.writes()) {
    if (value) {
      CPC_RETURN_IF_ERROR((*txn)->put(table_, std::string_view(key), std::string_view(*value)));
    } else {
      auto d = (*txn)->del(table_, std::string_view(key));
      CPC_RETURN_IF_ERROR(d);
    }
  }
  return (*txn)->commit();
}

}  // namespace cpc::node
