// SPDX-License-Identifier: Apache-2.0
// State keys and values (consensus.md §5.1), internal to the chain module, and the Overlay:
// a block's pending writes over the committed store, with typed accessors. Values are
// canonical JSON; a stored value that does not decode means a corrupt store and aborts
// (store.hpp).
#pragma once

#include <string>
#include <vector>

#include "cpc/chain/state.hpp"

namespace cpc::chain::detail {

std::string account_key(const PubKey& k);
std::string data_key(std::string_view cid);
std::string grant_key(const Hash& id);
std::string escrow_key(const Hash& id);
std::string escrow_buyer_key(std::string_view cid, const PubKey& buyer);
std::string escrow_due_key(std::uint64_t deadline);
std::string grantee_key(const PubKey& grantee);
std::string validator_key(const PubKey& k);
std::string evidence_key(const Hash& id);
std::string node_key(const Hash& node_id);
std::string block_key(std::uint64_t height);
std::string tx_key(const Hash& id);
inline constexpr std::string_view kGenesisKey = "meta/genesis";
inline constexpr std::string_view kHeadKey = "meta/head";
inline constexpr std::string_view kWalKey = "c/wal";
// State keys enter the state root; chain keys (meta/, b/, t/) do not.
bool is_state_key(std::string_view key);

std::string encode(const Account& a);
std::string encode(const DataRecord& d);
std::string encode(const Grant& g);
std::string encode(const Escrow& e);
std::string encode(const Reputation& r);
std::string encode(const NodeRecord& n);
std::string encode_ids(const std::vector<Hash>& ids);

Account decode_account(std::string_view s);
DataRecord decode_data(std::string_view s);
Grant decode_grant(std::string_view s);
Escrow decode_escrow(std::string_view s);
Reputation decode_reputation(std::string_view s);
NodeRecord decode_node(std::string_view s);
std::vector<Hash> decode_ids(std::string_view s);
// Prints "cpc: corrupt chain state (what)" and aborts.
[[noreturn]] void corrupt(std::string_view what);

// Pending writes of one block over the committed store.
class Overlay {
 public:
  explicit Overlay(const StateStore& base) : base_(base) {}
  std::optional<std::string> get(std::string_view key) const;
  void put(std::string key, std::string value) { batch_.put(std::move(key), std::move(value)); }
  void del(std::string key) { batch_.del(std::move(key)); }
  WriteBatch& batch() { return batch_; }

  Account account(const PubKey& k) const;
  void set_account(const PubKey& k, const Account& a);
  std::optional<DataRecord> data(std::string_view cid) const;
  std::optional<Grant> grant(const Hash& id) const;
  std::optional<Escrow> escrow(const Hash& id) const;
  std::optional<NodeRecord> node(const Hash& id) const;
  std::vector<Hash> ids(const std::string& key) const;
  void set_ids(const std::string& key, const std::vector<Hash>& ids);

 private:
  const StateStore& base_;
  WriteBatch batch_;
};

// consensus.md §5.4.
Hash state_root_after(const Hash& prev_root, std::uint64_t height, const WriteBatch& writes);

}  // namespace cpc::chain::detail
