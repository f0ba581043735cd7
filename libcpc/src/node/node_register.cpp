// SPDX-License-Identifier: Apache-2.0
// A node's own registration on chain (docs/peer-auth.md §6 "Registering", docs/consensus.md
// §2 node.register): the engine thread checks every 5 s whether the committed record holds
// this node's URL and encryption key, and if not submits a registration signed by the node
// key to its own mempool and relays it; a pending one is relayed again, so that a node that
// had no peer yet, or whose relay was lost, still reaches the validators.
#include "chain_node.hpp"
#include "cpc/io/log.hpp"

namespace cpc::node {

namespace {
constexpr std::uint64_t kRegisterPeriodMs = 5000;
}  // namespace

bool ChainNode::registered_as(const Key& id, const keys::PublicKey& key) {
  std::lock_guard lock(mu_);
  auto rec = state_->node(id);
  return rec && rec->sign == key.sign && rec->encrypt == key.encrypt.bytes();
}

void ChainNode::register_self(std::uint64_t now) {
  if (!node_.options.register_node || now < register_due_ms_) return;
  register_due_ms_ = now + kRegisterPeriodMs;
  const keys::PublicKey pub = key_->public_key();
  std::string relay, error;
  {
    std::lock_guard lock(mu_);
    if (halted_) return;
    auto rec = state_->node(node_.id);
    if (rec && rec->url == node_.url && rec->encrypt == pub.encrypt.bytes()) {
      register_tx_.reset();
      return;
    }
    if (register_tx_ && mempool_->contains(*register_tx_)) {
      // Pending: relayed again (the same id: peers that hold it already keep one copy).
      relay = register_record_;
    } else {
      chain::Tx tx;
      tx.chain = state_->genesis().chain;
      tx.op = chain::Op::kNodeRegister;
      tx.url = node_.url;
      tx.encrypt = pub.encrypt.bytes();
      tx.nonce = mempool_->next_nonce(pub.sign);
      chain::sign_tx(tx, *key_);
      if (Status s = mempool_->add(tx); !s) {
        error = s.message();
      } else {
        register_tx_ = chain::tx_id(tx);
        register_record_ = chain::tx_record(tx);
        relay = register_record_;
        log::info("registering node", {{"url", node_.url}, {"tx", chain::to_hex(*register_tx_)}},
                  "registering this node on chain (node.register, " + node_.url + "), tx " +
                      chain::short_hex(*register_tx_));
      }
    }
  }
  if (!error.empty() && error != register_error_) {
    log::write(log::Level::kWarn, "cannot register node", {{"error", error}},
               "cannot register this node on chain yet: " + error);
  }
  register_error_ = error;
  if (!relay.empty()) gossip("/v1/chain/tx", std::move(relay));
}

}  // namespace cpc::node
