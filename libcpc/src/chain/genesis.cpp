// SPDX-License-Identifier: Apache-2.0
// The genesis record and the validator set (genesis.hpp, consensus.md §3, §6.1).
#include "cpc/chain/genesis.hpp"

#include <algorithm>
#include <set>

#include "cpc/codec/json.hpp"
#include "fields.hpp"

namespace cpc::chain {
namespace {

constexpr std::string_view kGenesisTag = "cpc/chain/genesis/v1";

bool valid_chain_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

Status check_genesis(const Genesis& g) {
  auto bad = [](const std::string& m) { return Status::bad_input("genesis: " + m); };
  if (!valid_chain_id(g.chain)) return bad("chain id must be 1-64 characters of [a-z0-9._-]");
  if (g.time_ms > kMaxInt) return bad("time out of range");
  if (g.validators.empty() || g.validators.size() > kMaxValidators) {
    return bad("1 to 128 validators");
  }
  std::set<PubKey> keys;
  for (const auto& v : g.validators) {
    if (!keys.insert(v.key).second) return bad("duplicate validator " + short_hex(v.key));
    if (v.power < 1 || v.power > kMaxPower) return bad("validator power must be in [1, 10^6]");
  }
  std::set<PubKey> accounts;
  std::uint64_t total = 0;
  for (const auto& a : g.alloc) {
    if (!accounts.insert(a.account).second) return bad("duplicate account " + short_hex(a.account));
    if (a.amount < 1 || a.amount > kMaxInt - total) return bad("allocations exceed 2^53-1");
    total += a.amount;
  }
  return Status::ok();
}

Result<Genesis> parse_genesis(std::string_view record) {
  auto v = json::parse(record);
  CPC_RETURN_IF_ERROR(v);
  detail::Fields f(*v, "genesis");
  Genesis g;
  if (f.str("type", 32) != "cpc/genesis" && f.ok()) return Status::bad_input("genesis: wrong type");
  if (f.u64("version") != 1 && f.ok()) return Status::bad_input("genesis: unsupported version");
  g.chain = f.str("chain", 64);
  g.time_ms = f.u64("time");
  const json::Value* vs = f.value("validators");
  const json::Value* as = f.value("alloc");
  CPC_RETURN_IF_ERROR(f.finish());
  if (!vs->is_array() || !as->is_array()) return Status::bad_input("genesis: lists expected");
  if (vs->size() > kMaxValidators) return Status::bad_input("genesis: 1 to 128 validators");
  for (const auto& e : *vs) {
    detail::Fields vf(e, "genesis validator");
    Validator val{vf.hash("key"), vf.u64("power")};
    CPC_RETURN_IF_ERROR(vf.finish());
    g.validators.push_back(val);
  }
  for (const auto& e : *as) {
    detail::Fields af(e, "genesis alloc");
    Allocation a{af.hash("account"), af.u64("amount")};
    CPC_RETURN_IF_ERROR(af.finish());
    g.alloc.push_back(a);
  }
  CPC_RETURN_IF_ERROR(check_genesis(g));
  return g;
}

std::string genesis_record(const Genesis& g) {
  json::Value vs = json::Value::array();
  for (const auto& v : g.validators) vs.push_back({{"key", to_hex(v.key)}, {"power", v.power}});
  json::Value as = json::Value::array();
  for (const auto& a : g.alloc)
    as.push_back({{"account", to_hex(a.account)}, {"amount", a.amount}});
  json::Value rec = {{"type", "cpc/genesis"}, {"version", 1},     {"chain", g.chain},
                     {"time", g.time_ms},     {"validators", vs}, {"alloc", as}};
  return json::canonicalize(rec);
}

Hash genesis_hash(const Genesis& g) {
  std::string rec = genesis_record(g);
  return h32(kGenesisTag, {as_bytes(rec)});
}

ValidatorSet::ValidatorSet(const std::vector<Validator>& validators) : validators_(validators) {
  std::sort(validators_.begin(), validators_.end(),
            [](const Validator& a, const Validator& b) { return a.key < b.key; });
  for (const auto& v : validators_) total_ += v.power;
}

std::optional<std::size_t> ValidatorSet::index_of(const PubKey& key) const {
  auto it = std::lower_bound(validators_.begin(), validators_.end(), key,
                             [](const Validator& v, const PubKey& k) { return v.key < k; });
  if (it == validators_.end() || it->key != key) return std::nullopt;
  return static_cast<std::size_t>(it - validators_.begin());
}

std::uint64_t ValidatorSet::power_of(const PubKey& key) const {
  auto i = index_of(key);
  return i ? validators_[*i].power : 0;
}

}  // namespace cpc::chain
