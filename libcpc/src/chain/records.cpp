// SPDX-License-Identifier: Apache-2.0
// State keys, value codecs, the Overlay and the state root (records.hpp, consensus.md §5).
#include "records.hpp"

#include <cstdio>
#include <cstdlib>

#include "cpc/chain/merkle.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/io/log.hpp"
#include "fields.hpp"

namespace cpc::chain::detail {
namespace {

constexpr std::string_view kEntryTag = "cpc/chain/state-entry/v1";
constexpr std::string_view kStateTag = "cpc/chain/state/v1";

json::Value parse_stored(std::string_view s) {
  auto v = json::parse(s);
  if (!v) corrupt(v.status().message());
  return std::move(*v);
}

template <typename F>
void check(const F& f, std::string_view what) {
  Status st = f.finish();
  if (!st) corrupt(std::string(what) + ": " + st.message());
}

}  // namespace

void corrupt(std::string_view what) {
  log::error("corrupt chain state", {{"what", std::string(what)}},
             "corrupt chain state (" + std::string(what) + ")");
  std::abort();
}

std::string account_key(const PubKey& k) {
  return "a/" + to_hex(k);
}
std::string data_key(std::string_view cid) {
  return "d/" + std::string(cid);
}
std::string grant_key(const Hash& id) {
  return "g/" + to_hex(id);
}
std::string escrow_key(const Hash& id) {
  return "e/" + to_hex(id);
}
std::string escrow_buyer_key(std::string_view cid, const PubKey& buyer) {
  return "eb/" + std::string(cid) + "/" + to_hex(buyer);
}
std::string escrow_due_key(std::uint64_t deadline) {
  return "ed/" + std::to_string(deadline);
}
std::string grantee_key(const PubKey& grantee) {
  return "gr/" + to_hex(grantee);
}
std::string validator_key(const PubKey& k) {
  return "v/" + to_hex(k);
}
std::string evidence_key(const Hash& id) {
  return "x/" + to_hex(id);
}
std::string node_key(const Hash& node_id) {
  return "n/" + to_hex(node_id);
}
std::string block_key(std::uint64_t height) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "b/%016llx", static_cast<unsigned long long>(height));
  return buf;
}
std::string tx_key(const Hash& id) {
  return "t/" + to_hex(id);
}

bool is_state_key(std::string_view key) {
  return !(key.starts_with("meta/") || key.starts_with("b/") || key.starts_with("t/"));
}

std::string encode(const Account& a) {
  // Canonical JSON written by hand: the hottest record ("balance" < "nonce").
  return "{\"balance\":" + std::to_string(a.balance) + ",\"nonce\":" + std::to_string(a.nonce) +
         "}";
}

std::string encode(const DataRecord& d) {
  json::Value v = {
      {"owner", to_hex(d.owner)}, {"size", d.size}, {"meta", d.meta}, {"height", d.height}};
  if (d.price) v["price"] = *d.price;
  return json::canonicalize(v);
}

std::string encode(const Grant& g) {
  json::Value ps = json::Value::array();
  for (const auto& p : g.proxies) ps.push_back({{"node", to_hex(p.node)}, {"kfrag", p.kfrag}});
  json::Value v = {{"owner", to_hex(g.owner)}, {"grantee", to_hex(g.grantee)},
                   {"threshold", g.threshold}, {"proxies", ps},
                   {"expires", g.expires},     {"height", g.height}};
  if (!g.cid.empty()) v["cid"] = g.cid;
  if (g.owner_key) v["owner_key"] = to_hex(*g.owner_key);
  return json::canonicalize(v);
}

std::string encode(const Escrow& e) {
  json::Value v = {{"buyer", to_hex(e.buyer)},
                   {"seller", to_hex(e.seller)},
                   {"cid", e.cid},
                   {"amount", e.amount},
                   {"deadline", e.deadline}};
  return json::canonicalize(v);
}

std::string encode(const Reputation& r) {
  json::Value v = {{"score", r.score}, {"priority", r.priority}, {"proposed", r.proposed},
                   {"votes", r.votes}, {"missed", r.missed},     {"slashed", r.slashed}};
  return json::canonicalize(v);
}

std::string encode(const NodeRecord& n) {
  json::Value v = {{"sign", to_hex(n.sign)},
                   {"encrypt", to_hex(n.encrypt)},
                   {"url", n.url},
                   {"height", n.height},
                   {"tx", to_hex(n.tx)}};
  return json::canonicalize(v);
}

std::string encode_ids(const std::vector<Hash>& ids) {
  json::Value v = json::Value::array();
  for (const auto& h : ids) v.push_back(to_hex(h));
  return json::canonicalize(v);
}

Account decode_account(std::string_view s) {
  json::Value v = parse_stored(s);
  Fields f(v, "account");
  Account a{f.u64("balance"), f.u64("nonce")};
  check(f, "account");
  return a;
}

DataRecord decode_data(std::string_view s) {
  json::Value v = parse_stored(s);
  Fields f(v, "data");
  DataRecord d;
  d.owner = f.hash("owner");
  d.size = f.u64("size");
  d.height = f.u64("height");
  if (const json::Value* m = f.value("meta")) d.meta = *m;
  if (v.contains("price")) d.price = f.u64("price");
  check(f, "data");
  return d;
}

Grant decode_grant(std::string_view s) {
  json::Value v = parse_stored(s);
  Fields f(v, "grant");
  Grant g;
  if (v.contains("cid")) g.cid = f.str("cid", 121);
  if (v.contains("owner_key")) g.owner_key = f.hash("owner_key");
  g.owner = f.hash("owner");
  g.grantee = f.hash("grantee");
  g.threshold = f.u64("threshold");
  g.expires = f.u64("expires");
  g.height = f.u64("height");
  if (const json::Value* ps = f.value("proxies")) {
    for (const auto& p : *ps) {
      Fields pf(p, "proxy");
      g.proxies.push_back({pf.hash("node"), pf.str("kfrag", kMaxKfragChars)});
      check(pf, "grant proxy");
    }
  }
  check(f, "grant");
  return g;
}

Escrow decode_escrow(std::string_view s) {
  json::Value v = parse_stored(s);
  Fields f(v, "escrow");
  Escrow e{f.hash("buyer"), f.hash("seller"), f.str("cid", 121), f.u64("amount"),
           f.u64("deadline")};
  check(f, "escrow");
  return e;
}

Reputation decode_reputation(std::string_view s) {
  json::Value v = parse_stored(s);
  Fields f(v, "reputation");
  Reputation r;
  r.score = f.u64("score", 0, kMaxScore);
  r.priority =
      f.i64("priority", -static_cast<std::int64_t>(kMaxInt), static_cast<std::int64_t>(kMaxInt));
  r.proposed = f.u64("proposed");
  r.votes = f.u64("votes");
  r.missed = f.u64("missed");
  r.slashed = f.u64("slashed");
  check(f, "reputation");
  return r;
}

NodeRecord decode_node(std::string_view s) {
  json::Value v = parse_stored(s);
  Fields f(v, "node");
  NodeRecord n;
  n.sign = f.hash("sign");
  n.encrypt = f.hash("encrypt");
  n.url = f.str("url", kMaxNodeUrl);
  n.height = f.u64("height");
  n.tx = f.hash("tx");
  check(f, "node");
  return n;
}

std::vector<Hash> decode_ids(std::string_view s) {
  json::Value v = parse_stored(s);
  std::vector<Hash> out;
  if (!v.is_array()) corrupt("id list");
  for (const auto& e : v) {
    Hash h{};
    if (!e.is_string() || !hex::decode_into(e.get_ref<const std::string&>(), h)) corrupt("id list");
    out.push_back(h);
  }
  return out;
}

std::optional<std::string> Overlay::get(std::string_view key) const {
  if (const auto* w = batch_.find(key)) return *w;
  return base_.get(key);
}

Account Overlay::account(const PubKey& k) const {
  auto v = get(account_key(k));
  return v ? decode_account(*v) : Account{};
}

void Overlay::set_account(const PubKey& k, const Account& a) {
  put(account_key(k), encode(a));
}

std::optional<DataRecord> Overlay::data(std::string_view cid) const {
  auto v = get(data_key(cid));
  if (!v) return std::nullopt;
  return decode_data(*v);
}

std::optional<Grant> Overlay::grant(const Hash& id) const {
  auto v = get(grant_key(id));
  if (!v) return std::nullopt;
  return decode_grant(*v);
}

std::optional<Escrow> Overlay::escrow(const Hash& id) const {
  auto v = get(escrow_key(id));
  if (!v) return std::nullopt;
  return decode_escrow(*v);
}

std::optional<NodeRecord> Overlay::node(const Hash& id) const {
  auto v = get(node_key(id));
  if (!v) return std::nullopt;
  return decode_node(*v);
}

std::vector<Hash> Overlay::ids(const std::string& key) const {
  auto v = get(key);
  return v ? decode_ids(*v) : std::vector<Hash>{};
}

void Overlay::set_ids(const std::string& key, const std::vector<Hash>& ids) {
  if (ids.empty()) {
    del(key);
  } else {
    put(key, encode_ids(ids));
  }
}

Hash state_root_after(const Hash& prev_root, std::uint64_t height, const WriteBatch& writes) {
  std::vector<Hash> entries;
  entries.reserve(writes.size());
  std::string value;
  for (const auto& [k, v] : writes.writes()) {
    if (!is_state_key(k)) continue;
    value.assign(1, v ? '\x01' : '\x00');
    if (v) value += *v;
    entries.push_back(h32(kEntryTag, {as_bytes(k), as_bytes(value)}));
  }
  Hash delta = merkle_root(entries);
  std::uint8_t h[8];
  for (int i = 0; i < 8; ++i) h[i] = static_cast<std::uint8_t>(height >> (8 * i));
  return h32(kStateTag, {view(prev_root), ByteView(h, 8), view(delta)});
}

}  // namespace cpc::chain::detail
