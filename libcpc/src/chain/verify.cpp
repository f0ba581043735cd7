// SPDX-License-Identifier: Apache-2.0
// Inclusion proofs and chain verification (verify.hpp, consensus.md §6.7, §8).
#include "cpc/chain/verify.hpp"

#include "cpc/chain/merkle.hpp"
#include "cpc/codec/hex.hpp"
#include "fields.hpp"

namespace cpc::chain {

Result<TxProof> prove_tx(const ChainState& state, const Hash& id) {
  auto loc = state.locate_tx(id);
  if (!loc) return Status::refused("transaction " + short_hex(id) + " is not on the chain");
  auto cb = state.block_at(loc->first);
  CPC_RETURN_IF_ERROR(cb);
  std::vector<Hash> ids;
  for (const auto& t : cb->block.txs) ids.push_back(tx_id(t));
  TxProof p;
  p.header = cb->block.header;
  p.commit = cb->commit;
  p.tx = cb->block.txs.at(loc->second);
  p.index = loc->second;
  p.size = ids.size();
  p.path = merkle_path(ids, loc->second);
  return p;
}

std::string proof_record(const TxProof& p) {
  json::Value path = json::Value::array();
  for (const auto& h : p.path) path.push_back(to_hex(h));
  json::Value v = {{"type", "cpc/tx-proof"},
                   {"header", header_to_json(p.header)},
                   {"commit", commit_to_json(p.commit)},
                   {"tx", tx_to_json(p.tx)},
                   {"index", p.index},
                   {"size", p.size},
                   {"path", path}};
  return json::canonicalize(v);
}

Result<TxProof> parse_proof(std::string_view record) {
  auto v = json::parse(record);
  CPC_RETURN_IF_ERROR(v);
  detail::Fields f(*v, "proof");
  if (f.str("type", 32) != "cpc/tx-proof" && f.ok()) return Status::bad_input("proof: wrong type");
  TxProof p;
  const json::Value* h = f.value("header");
  const json::Value* c = f.value("commit");
  const json::Value* t = f.value("tx");
  const json::Value* path = f.value("path");
  p.index = f.u64("index");
  p.size = f.u64("size", 1);
  CPC_RETURN_IF_ERROR(f.finish());
  auto header = header_from_json(*h);
  CPC_RETURN_IF_ERROR(header);
  auto commit = commit_from_json(*c);
  CPC_RETURN_IF_ERROR(commit);
  auto tx = tx_from_json(*t);
  CPC_RETURN_IF_ERROR(tx);
  if (!path->is_array() || path->size() > 64) return Status::bad_input("proof: bad path");
  for (const auto& e : *path) {
    Hash x{};
    if (!e.is_string() || !hex::decode_into(e.get_ref<const std::string&>(), x)) {
      return Status::bad_input("proof: bad path entry");
    }
    p.path.push_back(x);
  }
  p.header = std::move(*header);
  p.commit = std::move(*commit);
  p.tx = std::move(*tx);
  return p;
}

Status verify_proof(const TxProof& p, const Genesis& genesis) {
  if (p.header.chain != genesis.chain) return Status::refused("proof: block of another chain");
  ValidatorSet vs(genesis.validators);
  CPC_RETURN_IF_ERROR(
      verify_certificate(p.commit, vs, genesis.chain, p.header.height, block_hash(p.header))
          .with_context("proof"));
  auto root = merkle_root_from_path(tx_id(p.tx), p.index, p.size, p.path);
  CPC_RETURN_IF_ERROR(root);
  if (*root != p.header.tx_root) {
    return Status::refused("proof: the Merkle path does not lead to the block's transaction root");
  }
  return Status::ok();
}

Result<std::unique_ptr<ChainVerifier>> ChainVerifier::create(const Genesis& genesis) {
  std::unique_ptr<ChainVerifier> v(new ChainVerifier());
  auto st = ChainState::open(genesis, v->store_);
  CPC_RETURN_IF_ERROR(st);
  v->state_ = std::move(st).value();
  return v;
}

Status ChainVerifier::add(const CommittedBlock& cb) {
  // Generous limits: a verifier checks what validators accepted, whatever their config.
  BlockLimits limits{1'000'000, std::size_t{1} << 30};
  return state_->apply_committed(cb, limits)
      .with_context("block " + std::to_string(cb.block.header.height));
}

Status verify_chain(const Genesis& genesis, std::span<const CommittedBlock> blocks) {
  auto v = ChainVerifier::create(genesis);
  CPC_RETURN_IF_ERROR(v);
  for (const auto& cb : blocks) CPC_RETURN_IF_ERROR((*v)->add(cb));
  return Status::ok();
}

}  // namespace cpc::chain
