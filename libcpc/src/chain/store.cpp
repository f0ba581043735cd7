// SPDX-License-Identifier: Apache-2.0
// The in-memory StateStore (store.hpp).
#include "cpc/chain/store.hpp"

namespace cpc::chain {

std::optional<std::string> MemoryStateStore::get(std::string_view key) const {
  auto it = map_.find(std::string(key));
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

Status MemoryStateStore::commit(const WriteBatch& batch) {
  if (fail_next_commit) {
    fail_next_commit = false;
    return Status::io("state store: commit failed (injected)");
  }
  for (const auto& [k, v] : batch.writes()) {
    if (v) {
      map_[k] = *v;
    } else {
      map_.erase(k);
    }
  }
  return Status::ok();
}

}  // namespace cpc::chain
