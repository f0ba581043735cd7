// SPDX-License-Identifier: Apache-2.0
// Where the chain keeps its state (consensus.md §5.5): a committed key-value view and an
// atomic batch commit. The library reads committed values with get(), gathers a block's
// writes (state, block record, head, tx index) in a WriteBatch, and hands the batch to
// commit() once — so a block and the state it produces are stored together or not at all.
// The node implements StateStore over LMDB (one write transaction per commit);
// MemoryStateStore serves tests, benchmarks and verify_chain().
//
// Contract for implementations:
//   - get() returns the value of the last committed batch that wrote the key (nullopt if
//     none, or if that batch deleted it). It never sees uncommitted writes.
//   - commit() applies every put and delete of the batch atomically, and durably when it
//     returns ok: after a crash either the whole batch is visible or none of it. On error
//     (kIo) nothing is applied and the caller may retry.
//   - A read error (corrupt environment) is not reportable through get(): implementations
//     abort the process with a message; the library likewise aborts on a stored value it
//     cannot decode (the node must then be restored from peers).
//
// Thread safety: the library calls a StateStore from one thread at a time (the thread that
// owns the ChainState); implementations may allow concurrent readers on their side.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cpc/status.hpp"

namespace cpc::chain {

// Puts and deletes by key; the last write to a key wins. Iterates in key byte order.
class WriteBatch {
 public:
  using Map = std::map<std::string, std::optional<std::string>, std::less<>>;
  void put(std::string key, std::string value) { writes_[std::move(key)] = std::move(value); }
  void del(std::string key) { writes_[std::move(key)] = std::nullopt; }
  // The pending write of `key` (a value or a deletion), or nullptr when untouched.
  const std::optional<std::string>* find(std::string_view key) const {
    auto it = writes_.find(key);
    return it == writes_.end() ? nullptr : &it->second;
  }
  const Map& writes() const { return writes_; }
  std::size_t size() const { return writes_.size(); }
  bool empty() const { return writes_.empty(); }
  void clear() { writes_.clear(); }

 private:
  Map writes_;
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<std::string> get(std::string_view key) const = 0;
  virtual Status commit(const WriteBatch& batch) = 0;
};

// In memory, for tests and verification. commit() cannot fail unless a test arms
// fail_next_commit (to exercise the caller's error path).
class MemoryStateStore final : public StateStore {
 public:
  std::optional<std::string> get(std::string_view key) const override;
  Status commit(const WriteBatch& batch) override;
  std::size_t size() const { return map_.size(); }
  bool fail_next_commit = false;

 private:
  std::unordered_map<std::string, std::string> map_;
};

}  // namespace cpc::chain
