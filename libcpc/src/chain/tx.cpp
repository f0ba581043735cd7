// SPDX-License-Identifier: Apache-2.0
// Transaction records: encoding, strict parsing, signing and ids (tx.hpp, consensus.md §2).
#include "cpc/chain/tx.hpp"

#include <set>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/group.hpp"
#include "fields.hpp"

namespace cpc::chain {
namespace {

using detail::Fields;
using detail::hex_value;

constexpr std::string_view kTxIdTag = "cpc/chain/tx-id/v1";

struct OpName {
  Op op;
  std::string_view name;
};
constexpr OpName kOps[] = {
    {Op::kTransfer, "transfer"},          {Op::kDataRegister, "data.register"},
    {Op::kDataOffer, "data.offer"},       {Op::kDataBuy, "data.buy"},
    {Op::kAccessGrant, "access.grant"},   {Op::kAccessRevoke, "access.revoke"},
    {Op::kNodeRegister, "node.register"},
};

json::Value body_json(const Tx& tx) {
  json::Value b = json::Value::object();
  switch (tx.op) {
    case Op::kTransfer:
      b["to"] = hex_value(tx.to);
      b["amount"] = tx.amount;
      break;
    case Op::kDataRegister:
      b["cid"] = tx.cid;
      b["size"] = tx.size;
      b["meta"] = tx.meta;
      break;
    case Op::kDataOffer:
      b["cid"] = tx.cid;
      b["price"] = tx.price;
      break;
    case Op::kDataBuy:
      b["cid"] = tx.cid;
      b["price"] = tx.price;
      b["deadline"] = tx.deadline;
      break;
    case Op::kAccessGrant: {
      if (!tx.cid.empty()) b["cid"] = tx.cid;  // absent: every CID the owner registered
      if (tx.owner_key) b["owner_key"] = hex_value(*tx.owner_key);
      b["grantee"] = hex_value(tx.grantee);
      b["threshold"] = tx.threshold;
      json::Value ps = json::Value::array();
      for (const auto& p : tx.proxies)
        ps.push_back({{"node", hex_value(p.node)}, {"kfrag", p.kfrag}});
      b["proxies"] = std::move(ps);
      b["expires"] = tx.expires;
      break;
    }
    case Op::kAccessRevoke:
      b["grant"] = hex_value(tx.grant);
      break;
    case Op::kNodeRegister:
      b["url"] = tx.url;
      b["encrypt"] = hex_value(tx.encrypt);
      break;
  }
  return b;
}

Status read_body(const json::Value& v, Tx& tx) {
  Fields f(v, "tx body");
  switch (tx.op) {
    case Op::kTransfer:
      tx.to = f.hash("to");
      tx.amount = f.u64("amount");
      break;
    case Op::kDataRegister:
      tx.cid = f.str("cid", 121);
      tx.size = f.u64("size");
      if (const json::Value* m = f.value("meta")) tx.meta = *m;
      break;
    case Op::kDataOffer:
      tx.cid = f.str("cid", 121);
      tx.price = f.u64("price");
      break;
    case Op::kDataBuy:
      tx.cid = f.str("cid", 121);
      tx.price = f.u64("price");
      tx.deadline = f.u64("deadline");
      break;
    case Op::kAccessGrant: {
      // Optional members: read only when present (Fields refuses missing ones).
      if (v.is_object() && v.contains("cid")) {
        tx.cid = f.str("cid", 121);
        if (tx.cid.empty()) f.fail("\"cid\" is not a base32 CIDv1");
      }
      if (v.is_object() && v.contains("owner_key")) tx.owner_key = f.hash("owner_key");
      tx.grantee = f.hash("grantee");
      tx.threshold = f.u64("threshold");
      tx.expires = f.u64("expires");
      const json::Value* ps = f.value("proxies");
      if (ps != nullptr && !ps->is_array()) f.fail("\"proxies\" is not an array");
      if (ps != nullptr && ps->is_array() && ps->size() <= kMaxProxies) {
        for (const auto& p : *ps) {
          Fields pf(p, "proxy");
          GrantProxy gp;
          gp.node = pf.hash("node");
          gp.kfrag = pf.str("kfrag", kMaxKfragChars);
          CPC_RETURN_IF_ERROR(pf.finish());
          tx.proxies.push_back(std::move(gp));
        }
      } else if (ps != nullptr && ps->is_array()) {
        f.fail("more than 32 proxies");
      }
      break;
    }
    case Op::kAccessRevoke:
      tx.grant = f.hash("grant");
      break;
    case Op::kNodeRegister:
      tx.url = f.str("url", kMaxNodeUrl);
      tx.encrypt = f.hash("encrypt");
      break;
  }
  return f.finish();
}

}  // namespace

std::string_view op_name(Op op) {
  for (const auto& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "?";
}

bool valid_cid(std::string_view cid) {
  if (cid.size() < 9 || cid.size() > 121 || cid[0] != 'b') return false;
  for (char c : cid.substr(1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

bool valid_node_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || url.size() > kMaxNodeUrl) return false;
  for (char c : rest) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') return false;
  }
  return true;
}

Status check_tx_form(const Tx& tx) {
  auto bad = [](const std::string& m) { return Status::bad_input("tx: " + m); };
  switch (tx.op) {
    case Op::kTransfer:
      if (tx.amount == 0 || tx.amount > kMaxInt) return bad("amount must be in [1, 2^53-1]");
      break;
    case Op::kDataRegister:
      if (!tx.meta.is_object()) return bad("\"meta\" is not an object");
      CPC_RETURN_IF_ERROR(json::validate(tx.meta).with_context("tx: \"meta\""));
      if (json::canonicalize(tx.meta).size() > kMaxMetaBytes) return bad("\"meta\" over 4 KiB");
      if (tx.size > kMaxInt) return bad("size out of range");
      break;
    case Op::kDataOffer:
    case Op::kDataBuy:
      if (tx.price == 0 || tx.price > kMaxInt) return bad("price must be in [1, 2^53-1]");
      if (tx.deadline > kMaxInt) return bad("deadline out of range");
      break;
    case Op::kAccessGrant: {
      if (tx.proxies.empty() || tx.proxies.size() > kMaxProxies) return bad("1 to 32 proxies");
      if (tx.threshold < 1 || tx.threshold > tx.proxies.size()) {
        return bad("threshold must be in [1, number of proxies]");
      }
      std::set<Hash> nodes;
      for (const auto& p : tx.proxies) {
        if (!nodes.insert(p.node).second) return bad("duplicate proxy node");
        if (p.kfrag.size() > kMaxKfragChars) return bad("kfrag too long");
      }
      if (tx.expires > kMaxInt) return bad("expires out of range");
      if (tx.owner_key && !group::Point::decode(view(*tx.owner_key))) {
        return bad("\"owner_key\" is not a ristretto255 public key");
      }
      break;
    }
    case Op::kAccessRevoke:
      break;
    case Op::kNodeRegister:
      if (!valid_node_url(tx.url))
        return bad("\"url\" is not http://HOST:PORT (at most 256 bytes)");
      if (!group::Point::decode(view(tx.encrypt))) {
        return bad("\"encrypt\" is not a ristretto255 public key");
      }
      break;
  }
  // A grant without "cid" covers every CID its owner registered (consensus.md §2).
  const bool cid_optional = tx.op == Op::kAccessGrant && tx.cid.empty();
  const bool has_cid =
      tx.op != Op::kTransfer && tx.op != Op::kAccessRevoke && tx.op != Op::kNodeRegister;
  if (has_cid && !cid_optional && !valid_cid(tx.cid)) {
    return bad("\"cid\" is not a base32 CIDv1");
  }
  if (tx.nonce > kMaxInt) return bad("nonce out of range");
  return Status::ok();
}

json::Value tx_to_json(const Tx& tx, bool with_sig) {
  json::Value v = {{"type", "cpc/tx"},
                   {"chain", tx.chain},
                   {"from", hex_value(tx.from)},
                   {"nonce", tx.nonce},
                   {"op", std::string(op_name(tx.op))},
                   {"body", body_json(tx)}};
  if (with_sig) v["sig"] = detail::hex_sig(tx.sig);
  return v;
}

Result<Tx> tx_from_json(const json::Value& v) {
  Fields f(v, "tx");
  Tx tx;
  if (f.str("type", 16) != "cpc/tx" && f.ok()) return Status::bad_input("tx: type is not cpc/tx");
  tx.chain = f.str("chain", 64);
  tx.from = f.hash("from");
  tx.nonce = f.u64("nonce");
  std::string op = f.str("op", 32);
  tx.sig = f.sig("sig");
  const json::Value* body = f.value("body");
  CPC_RETURN_IF_ERROR(f.finish());
  bool known = false;
  for (const auto& o : kOps) {
    if (o.name == op) {
      tx.op = o.op;
      known = true;
    }
  }
  if (!known) return Status::bad_input("tx: unknown op \"" + op + "\"");
  CPC_RETURN_IF_ERROR(read_body(*body, tx));
  CPC_RETURN_IF_ERROR(check_tx_form(tx));
  return tx;
}

std::string tx_record(const Tx& tx) {
  return json::canonicalize(tx_to_json(tx, true));
}

Result<Tx> parse_tx(std::string_view record) {
  if (record.size() > kMaxTxBytes) return Status::bad_input("tx: larger than 64 KiB");
  auto v = json::parse(record);
  CPC_RETURN_IF_ERROR(v);
  return tx_from_json(*v);
}

void sign_tx(Tx& tx, const keys::SecretKey& sk) {
  tx.from = sk.public_key().sign;
  tx.sig = sign_tagged(kTxTag, json::canonicalize(tx_to_json(tx, false)), sk);
}

Status verify_tx_signature(const Tx& tx) {
  if (!verify_tagged(kTxTag, json::canonicalize(tx_to_json(tx, false)), tx.from, tx.sig)) {
    return Status::refused("signature does not verify (sender " + short_hex(tx.from) + ")");
  }
  return Status::ok();
}

Hash tx_id(const Tx& tx) {
  return tx_id_of_record(tx_record(tx));
}

Hash tx_id_of_record(std::string_view record) {
  return h32(kTxIdTag, {as_bytes(record)});
}

}  // namespace cpc::chain
