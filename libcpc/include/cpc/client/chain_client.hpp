// SPDX-License-Identifier: Apache-2.0
// cpc::client chain calls (docs/node-api.md §10): what cpc-put --register and cpc-get
// --proof need from a node's chain API — submit a signed transaction, wait until it is
// committed, register a stored object's root CID, fetch a registration with its inclusion
// proof.
//
// Errors: kIo when the node cannot be reached or the wait times out, kBadInput / kRefused
// with the node's reason when it refuses a transaction (400 / 409).
//
// Thread safety: functions without shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "cpc/chain/tx.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/net/http.hpp"
#include "cpc/status.hpp"

namespace cpc::client {

// The node URL without trailing slashes.
std::string node_base(std::string node);
// A node's error answer as a Status: "what: <the node's error>", kBadInput for 400,
// kRefused for 403, 404 and 409, kIo otherwise (with the HTTP status).
Status node_refusal(const net::Response& r, const std::string& what);
// GET url: the JSON object of a 200 answer; node_refusal() otherwise.
Result<json::Value> get_json(const std::string& url, const std::string& what);

struct ChainInfo {
  std::string chain;
  std::uint64_t height = 0;
};

Result<ChainInfo> chain_status(const std::string& node);
// The committed nonce of `account`.
Result<std::uint64_t> account_nonce(const std::string& node, const chain::PubKey& account);
// POST /v1/tx; the transaction id (64 hex).
Result<std::string> submit_tx(const std::string& node, const chain::Tx& tx);
// Polls GET /v1/tx/{id} until committed; the block height.
Result<std::uint64_t> wait_committed(const std::string& node, const std::string& id,
                                     std::chrono::milliseconds timeout);
struct Committed {
  std::string id;            // the transaction id (64 hex)
  std::uint64_t height = 0;  // of the block that committed it
};
// Fills in `tx`'s chain id and the signer's next nonce, signs it with `sk`, submits it and
// waits for its commit.
Result<Committed> sign_submit_wait(const std::string& node, const keys::SecretKey& sk, chain::Tx tx,
                                   std::chrono::milliseconds timeout);
// Builds, signs and submits data.register of `cid` (size bytes) with the sender's next
// nonce and waits for its commit; the transaction id.
Result<std::string> register_data(const std::string& node, const keys::SecretKey& sk,
                                  const std::string& cid, std::uint64_t size,
                                  std::chrono::milliseconds timeout);
// data.offer: puts the sender's registered `cid` up for sale at `price` (docs/sharing.md §6).
Result<Committed> offer_data(const std::string& node, const keys::SecretKey& sk,
                             const std::string& cid, std::uint64_t price,
                             std::chrono::milliseconds timeout);
// data.buy of `cid` at the price of its current offer (kRefused when not offered), with
// deadline = the chain's height + deadline_blocks; the escrow id is the returned tx id.
Result<Committed> buy_data(const std::string& node, const keys::SecretKey& sk,
                           const std::string& cid, std::uint64_t deadline_blocks,
                           std::chrono::milliseconds timeout);
// GET /v1/data/{cid}: the cpc/data-proof record (one line).
Result<std::string> data_proof(const std::string& node, const std::string& cid);

}  // namespace cpc::client
