// SPDX-License-Identifier: Apache-2.0
// Transaction application: the rules of consensus.md §2.1 and the escrow of §5.2.
#include <algorithm>

#include "apply.hpp"

namespace cpc::chain::detail {
namespace {

Status refused(const std::string& m) {
  return Status::refused(m);
}

void insert_sorted(std::vector<Hash>& ids, const Hash& id) {
  ids.insert(std::upper_bound(ids.begin(), ids.end(), id), id);
}

void erase_id(std::vector<Hash>& ids, const Hash& id) {
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

void credit(Overlay& ov, const PubKey& k, std::uint64_t amount) {
  Account a = ov.account(k);
  a.balance += amount;  // cannot overflow: total supply ≤ 2^53-1 (consensus.md §3)
  ov.set_account(k, a);
}

// consensus.md §5.2, release: pays the buyer's open escrows for `cid` to the seller.
void release_escrows(Overlay& ov, std::string_view cid, const PubKey& buyer, const PubKey& seller) {
  std::string bkey = escrow_buyer_key(cid, buyer);
  std::vector<Hash> ids = ov.ids(bkey);
  for (const Hash& id : ids) {
    auto e = ov.escrow(id);
    if (!e) corrupt("escrow index");
    if (e->seller != seller) continue;
    credit(ov, seller, e->amount);
    std::string due = escrow_due_key(e->deadline);
    std::vector<Hash> dues = ov.ids(due);
    erase_id(dues, id);
    ov.set_ids(due, dues);
    ov.del(escrow_key(id));
  }
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [&](const Hash& id) { return !ov.get(escrow_key(id)); }),
            ids.end());
  ov.set_ids(bkey, ids);
}

Status apply_op(Overlay& ov, const Tx& tx, const Hash& id, Account& sender,
                const ApplyContext& ctx) {
  switch (tx.op) {
    case Op::kTransfer: {
      if (tx.amount > sender.balance) return refused("insufficient balance");
      sender.balance -= tx.amount;
      ov.set_account(tx.from, sender);
      credit(ov, tx.to, tx.amount);
      return Status::ok();
    }
    case Op::kDataRegister: {
      if (ov.get(data_key(tx.cid))) return refused("CID already registered");
      DataRecord d{tx.from, tx.size, tx.meta, ctx.height, std::nullopt};
      ov.put(data_key(tx.cid), encode(d));
      break;
    }
    case Op::kDataOffer: {
      auto d = ov.data(tx.cid);
      if (!d) return refused("no such data");
      if (d->owner != tx.from) return refused("not the owner");
      d->price = tx.price;
      ov.put(data_key(tx.cid), encode(*d));
      break;
    }
    case Op::kDataBuy: {
      auto d = ov.data(tx.cid);
      if (!d || !d->price) return refused("data not for sale");
      if (d->owner == tx.from) return refused("cannot buy one's own data");
      if (*d->price != tx.price) return refused("price differs from the offer");
      if (tx.deadline <= ctx.height || tx.deadline > ctx.height + 1'000'000) {
        return refused("deadline out of range");
      }
      if (tx.price > sender.balance) return refused("insufficient balance");
      sender.balance -= tx.price;
      Escrow e{tx.from, d->owner, tx.cid, tx.price, tx.deadline};
      ov.put(escrow_key(id), encode(e));
      std::vector<Hash> by_buyer = ov.ids(escrow_buyer_key(tx.cid, tx.from));
      insert_sorted(by_buyer, id);
      ov.set_ids(escrow_buyer_key(tx.cid, tx.from), by_buyer);
      std::vector<Hash> due = ov.ids(escrow_due_key(tx.deadline));
      insert_sorted(due, id);
      ov.set_ids(escrow_due_key(tx.deadline), due);
      break;
    }
    case Op::kAccessGrant: {
      // Without a CID the grant covers every CID the owner registered, now or later; it
      // names no data, so it releases no escrow (consensus.md §2, §5.2).
      if (!tx.cid.empty()) {
        auto d = ov.data(tx.cid);
        if (!d) return refused("no such data");
        if (d->owner != tx.from) return refused("not the owner");
      }
      if (tx.expires <= ctx.height) return refused("grant already expired");
      Grant g{tx.cid,       tx.from,    tx.owner_key, tx.grantee,
              tx.threshold, tx.proxies, tx.expires,   ctx.height};
      ov.put(grant_key(id), encode(g));
      std::vector<Hash> to_grantee = ov.ids(grantee_key(tx.grantee));
      insert_sorted(to_grantee, id);
      ov.set_ids(grantee_key(tx.grantee), to_grantee);
      // The sender's account is written first: release credits the sender itself.
      ov.set_account(tx.from, sender);
      if (!tx.cid.empty()) release_escrows(ov, tx.cid, tx.grantee, tx.from);
      return Status::ok();
    }
    case Op::kAccessRevoke: {
      auto g = ov.grant(tx.grant);
      if (!g) return refused("no such grant");
      if (g->owner != tx.from) return refused("not the owner of the grant");
      ov.del(grant_key(tx.grant));
      std::vector<Hash> to_grantee = ov.ids(grantee_key(g->grantee));
      erase_id(to_grantee, tx.grant);
      ov.set_ids(grantee_key(g->grantee), to_grantee);
      break;
    }
    case Op::kNodeRegister: {
      // Open to every key (no fee or stake yet, docs/peer-auth.md §2); a later registration
      // replaces the record. An identical one would only make a block: refused.
      const Hash node = node_id_of(tx.from);
      auto old = ov.node(node);
      if (old && old->url == tx.url && old->encrypt == tx.encrypt) {
        return refused("node already registered with this URL and key");
      }
      ov.put(node_key(node), encode(NodeRecord{tx.from, tx.encrypt, tx.url, ctx.height, id}));
      break;
    }
  }
  ov.set_account(tx.from, sender);
  return Status::ok();
}

}  // namespace

void VerifiedSigs::insert(const Hash& id) {
  if (!set_.insert(id).second) return;
  order_.push_back(id);
  if (order_.size() > kCapacity) {
    set_.erase(order_.front());
    order_.pop_front();
  }
}

Status apply_tx(Overlay& ov, const Tx& tx, const Hash& id, const ApplyContext& ctx) {
  CPC_RETURN_IF_ERROR(check_tx_form(tx));
  if (tx.chain != ctx.genesis.chain) return refused("wrong chain id \"" + tx.chain + "\"");
  if (ctx.check_signature) {
    if (ctx.verified != nullptr && ctx.verified->contains(id)) {
      ++ctx.verified->hits;
    } else {
      CPC_RETURN_IF_ERROR(verify_tx_signature(tx));
      if (ctx.verified != nullptr) ctx.verified->insert(id);
    }
  }
  Account sender = ov.account(tx.from);
  if (tx.nonce < sender.nonce) {
    return refused("nonce " + std::to_string(tx.nonce) + " already used (replay)");
  }
  if (tx.nonce > sender.nonce) {
    return refused("nonce " + std::to_string(tx.nonce) + " out of order; expected " +
                   std::to_string(sender.nonce));
  }
  sender.nonce += 1;
  return apply_op(ov, tx, id, sender, ctx);
}

void refund_due_escrows(Overlay& ov, const ApplyContext& ctx) {
  if (ctx.height < 2) return;
  std::string due = escrow_due_key(ctx.height - 1);
  std::vector<Hash> ids = ov.ids(due);
  for (const Hash& id : ids) {
    auto e = ov.escrow(id);
    if (!e) corrupt("escrow due index");
    credit(ov, e->buyer, e->amount);
    std::string bkey = escrow_buyer_key(e->cid, e->buyer);
    std::vector<Hash> by_buyer = ov.ids(bkey);
    erase_id(by_buyer, id);
    ov.set_ids(bkey, by_buyer);
    ov.del(escrow_key(id));
  }
  if (!ids.empty()) ov.del(due);
}

}  // namespace cpc::chain::detail
