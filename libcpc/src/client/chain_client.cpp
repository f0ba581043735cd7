// SPDX-License-Identifier: Apache-2.0
// Chain calls of the clients (cpc/client/chain_client.hpp) over net::HttpClient.
#include "cpc/client/chain_client.hpp"

#include <thread>

#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/net/http_client.hpp"

namespace cpc::client {

std::string node_base(std::string node) {
  while (!node.empty() && node.back() == '/') node.pop_back();
  return node;
}

// The node's {"error":…} as a Status of the matching code.
Status node_refusal(const net::Response& r, const std::string& what) {
  std::string msg = r.body;
  if (auto j = json::parse(r.body);
      j && j->is_object() && j->contains("error") && (*j)["error"].is_string()) {
    msg = (*j)["error"].get<std::string>();
  }
  msg = what + ": " + msg;
  if (r.status == 400) return Status::bad_input(msg);
  if (r.status == 403 || r.status == 404 || r.status == 409) return Status::refused(msg);
  return Status::io(msg + " (HTTP " + std::to_string(r.status) + ")");
}

Result<json::Value> get_json(const std::string& url, const std::string& what) {
  net::HttpClient http;
  auto r = http.get(url);
  CPC_RETURN_IF_ERROR(r);
  if (r->status != 200) return node_refusal(*r, what);
  auto j = json::parse(r->body);
  if (!j || !j->is_object()) return Status::io(what + ": not a JSON object");
  return std::move(*j);
}

Result<ChainInfo> chain_status(const std::string& node) {
  auto j = get_json(node_base(node) + "/v1/chain/status", "chain status");
  CPC_RETURN_IF_ERROR(j);
  ChainInfo c;
  if (!(*j)["chain"].is_string() || !(*j)["height"].is_number_integer()) {
    return Status::io("chain status: bad reply");
  }
  c.chain = (*j)["chain"].get<std::string>();
  c.height = (*j)["height"].get<std::uint64_t>();
  return c;
}

Result<std::uint64_t> account_nonce(const std::string& node, const chain::PubKey& account) {
  auto j = get_json(node_base(node) + "/v1/accounts/" + hex::encode(account), "account");
  CPC_RETURN_IF_ERROR(j);
  if (!(*j)["nonce"].is_number_integer()) return Status::io("account: bad reply");
  return (*j)["nonce"].get<std::uint64_t>();
}

Result<std::string> submit_tx(const std::string& node, const chain::Tx& tx) {
  net::HttpClient http;
  auto r = http.post(node_base(node) + "/v1/tx", chain::tx_record(tx));
  CPC_RETURN_IF_ERROR(r);
  if (r->status != 200 && r->status != 202) return node_refusal(*r, "transaction refused");
  return chain::to_hex(chain::tx_id(tx));
}

Result<std::uint64_t> wait_committed(const std::string& node, const std::string& id,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  net::HttpClient http;
  for (;;) {
    auto r = http.get(node_base(node) + "/v1/tx/" + id);
    if (r && r->status == 200) {
      auto j = json::parse(r->body);
      if (j && j->is_object() && (*j)["status"] == "committed" &&
          (*j)["height"].is_number_integer()) {
        return (*j)["height"].get<std::uint64_t>();
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::io("transaction " + id + " not committed within " +
                        std::to_string(timeout.count() / 1000) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<Committed> sign_submit_wait(const std::string& node, const keys::SecretKey& sk, chain::Tx tx,
                                   std::chrono::milliseconds timeout) {
  auto info = chain_status(node);
  CPC_RETURN_IF_ERROR(info);
  auto nonce = account_nonce(node, sk.public_key().sign);
  CPC_RETURN_IF_ERROR(nonce);
  tx.chain = info->chain;
  tx.nonce = *nonce;
  CPC_RETURN_IF_ERROR(chain::check_tx_form(tx));
  chain::sign_tx(tx, sk);
  auto id = submit_tx(node, tx);
  CPC_RETURN_IF_ERROR(id);
  auto h = wait_committed(node, *id, timeout);
  CPC_RETURN_IF_ERROR(h);
  return Committed{*id, *h};
}

Result<std::string> register_data(const std::string& node, const keys::SecretKey& sk,
                                  const std::string& cid, std::uint64_t size,
                                  std::chrono::milliseconds timeout) {
  chain::Tx tx;
  tx.op = chain::Op::kDataRegister;
  tx.cid = cid;
  tx.size = size;
  auto c = sign_submit_wait(node, sk, std::move(tx), timeout);
  CPC_RETURN_IF_ERROR(c);
  return c->id;
}

Result<Committed> offer_data(const std::string& node, const keys::SecretKey& sk,
                             const std::string& cid, std::uint64_t price,
                             std::chrono::milliseconds timeout) {
  chain::Tx tx;
  tx.op = chain::Op::kDataOffer;
  tx.cid = cid;
  tx.price = price;
  return sign_submit_wait(node, sk, std::move(tx), timeout);
}

Result<Committed> buy_data(const std::string& node, const keys::SecretKey& sk,
                           const std::string& cid, std::uint64_t deadline_blocks,
                           std::chrono::milliseconds timeout) {
  auto rec = get_json(node_base(node) + "/v1/data/" + cid, cid);
  CPC_RETURN_IF_ERROR(rec);
  if (!rec->contains("price")) return Status::refused(cid + ": not offered for sale");
  if (!(*rec)["price"].is_number_unsigned()) return Status::io(cid + ": bad reply");
  auto info = chain_status(node);
  CPC_RETURN_IF_ERROR(info);
  chain::Tx tx;
  tx.op = chain::Op::kDataBuy;
  tx.cid = cid;
  tx.price = (*rec)["price"].get<std::uint64_t>();
  tx.deadline = info->height + deadline_blocks;
  return sign_submit_wait(node, sk, std::move(tx), timeout);
}

Result<std::string> data_proof(const std::string& node, const std::string& cid) {
  net::HttpClient http;
  auto r = http.get(node_base(node) + "/v1/data/" + cid);
  CPC_RETURN_IF_ERROR(r);
  if (r->status != 200) return node_refusal(*r, cid);
  return r->body;
}

}  // namespace cpc::client
