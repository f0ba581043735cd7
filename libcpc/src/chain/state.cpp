// SPDX-License-Identifier: Apache-2.0
// ChainState: opening a chain, the genesis state, queries, commit and catch-up
// (state.hpp, consensus.md §3, §5, §6.7).
#include "cpc/chain/state.hpp"

#include <sodium.h>

#include "apply.hpp"
#include "cpc/codec/hex.hpp"
#include "fields.hpp"
#include "records.hpp"

namespace cpc::chain {

using detail::Overlay;

Hash node_id_of(const PubKey& sign) {
  Hash id{};
  crypto_generichash(id.data(), id.size(), sign.data(), sign.size(), nullptr, 0);
  return id;
}

ChainState::ChainState(const Genesis& g, StateStore& s)
    : genesis_(g),
      genesis_hash_(chain::genesis_hash(g)),
      validators_(g.validators),
      store_(s),
      verified_(std::make_unique<detail::VerifiedSigs>()) {}

ChainState::~ChainState() = default;

std::uint64_t ChainState::verified_signature_hits() const {
  return verified_->hits;
}

Result<std::unique_ptr<ChainState>> ChainState::open(const Genesis& genesis, StateStore& store) {
  CPC_RETURN_IF_ERROR(check_genesis(genesis));
  std::unique_ptr<ChainState> cs(new ChainState(genesis, store));
  CPC_RETURN_IF_ERROR(cs->init_or_load());
  return cs;
}

Status ChainState::init_or_load() {
  auto stored = store_.get(detail::kGenesisKey);
  if (stored) {
    if (*stored != to_hex(genesis_hash_)) {
      return Status::bad_input("the state store holds another chain (genesis " +
                               stored->substr(0, 8) + "…)");
    }
    auto head = store_.get(detail::kHeadKey);
    if (!head) detail::corrupt("no head");
    auto v = json::parse(*head);
    if (!v) detail::corrupt("head");
    detail::Fields f(*v, "head");
    height_ = f.u64("height");
    head_hash_ = f.hash("hash");
    state_root_ = f.hash("state_root");
    head_time_ = f.u64("time");
    if (!f.finish()) detail::corrupt("head");
    reload_reputation();
    return Status::ok();
  }
  // consensus.md §5.4: state_root_0 over the genesis writes.
  Overlay ov(store_);
  for (const auto& a : genesis_.alloc) ov.set_account(a.account, Account{a.amount, 0});
  for (const auto& v : validators_.validators()) {
    ov.put(detail::validator_key(v.key), detail::encode(Reputation{}));
  }
  Hash root = detail::state_root_after(Hash{}, 0, ov.batch());
  WriteBatch& b = ov.batch();
  b.put(std::string(detail::kGenesisKey), to_hex(genesis_hash_));
  json::Value head = {{"height", 0},
                      {"hash", to_hex(genesis_hash_)},
                      {"state_root", to_hex(root)},
                      {"time", genesis_.time_ms}};
  b.put(std::string(detail::kHeadKey), json::canonicalize(head));
  CPC_RETURN_IF_ERROR(store_.commit(b));
  height_ = 0;
  head_hash_ = genesis_hash_;
  state_root_ = root;
  head_time_ = genesis_.time_ms;
  reload_reputation();
  return Status::ok();
}

void ChainState::reload_reputation() {
  Overlay ov(store_);
  reputation_ = detail::load_reputation(ov, validators_);
}

Account ChainState::account(const PubKey& key) const {
  return Overlay(store_).account(key);
}

std::optional<DataRecord> ChainState::data(std::string_view cid) const {
  return Overlay(store_).data(cid);
}

std::optional<Grant> ChainState::grant(const Hash& id) const {
  return Overlay(store_).grant(id);
}

bool ChainState::grant_live(const Hash& id) const {
  auto g = grant(id);
  return g && height_ + 1 < g->expires;
}

std::vector<std::pair<Hash, Grant>> ChainState::grants_to(const PubKey& grantee) const {
  Overlay ov(store_);
  std::vector<std::pair<Hash, Grant>> out;
  for (const Hash& id : ov.ids(detail::grantee_key(grantee))) {
    auto g = ov.grant(id);
    if (!g) detail::corrupt("grantee index");
    out.emplace_back(id, std::move(*g));
  }
  return out;
}

std::optional<Escrow> ChainState::escrow(const Hash& id) const {
  return Overlay(store_).escrow(id);
}

std::optional<NodeRecord> ChainState::node(const Hash& id) const {
  return Overlay(store_).node(id);
}

bool ChainState::evidence_applied(const Hash& id) const {
  return store_.get(detail::evidence_key(id)).has_value();
}

std::optional<std::string> ChainState::consensus_wal() const {
  return store_.get(detail::kWalKey);
}

Status ChainState::save_consensus_wal(std::string record) {
  WriteBatch b;
  b.put(std::string(detail::kWalKey), std::move(record));
  return store_.commit(b);
}

PubKey ChainState::proposer(std::uint64_t round) const {
  std::vector<Reputation> reps = reputation_;
  std::size_t chosen = 0;
  for (std::uint64_t r = 0; r <= round; ++r) chosen = detail::wrr_step(validators_, reps);
  return validators_.validators()[chosen].key;
}

struct TxSandbox::Impl {
  Overlay ov;
  detail::ApplyContext ctx;
};

TxSandbox::TxSandbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TxSandbox::~TxSandbox() = default;
TxSandbox::TxSandbox(TxSandbox&&) noexcept = default;
TxSandbox& TxSandbox::operator=(TxSandbox&&) noexcept = default;

Status TxSandbox::apply(const Tx& tx, const Hash& id, bool check_signature) {
  impl_->ctx.check_signature = check_signature;
  return detail::apply_tx(impl_->ov, tx, id, impl_->ctx);
}

Account TxSandbox::account(const PubKey& key) const {
  return impl_->ov.account(key);
}

TxSandbox ChainState::sandbox() const {
  return TxSandbox(std::make_unique<TxSandbox::Impl>(TxSandbox::Impl{
      Overlay(store_),
      detail::ApplyContext{genesis_, validators_, height_ + 1, true, verified_.get()}}));
}

Status ChainState::check_tx(const Tx& tx) const {
  Overlay ov(store_);
  detail::ApplyContext ctx{genesis_, validators_, height_ + 1, true, verified_.get()};
  return detail::apply_tx(ov, tx, tx_id(tx), ctx);
}

Status ChainState::commit(const Block& block, const CommitCertificate& commit,
                          const Executed& executed) {
  const BlockHeader& h = block.header;
  if (h.height != height_ + 1 || h.prev != head_hash_ || executed.block_hash != block_hash(h)) {
    return Status::bad_input("commit: the executed block does not extend the head");
  }
  WriteBatch batch = executed.writes;
  batch.put(detail::block_key(h.height), committed_block_record({block, commit}));
  for (std::size_t i = 0; i < executed.tx_ids.size(); ++i) {
    json::Value loc = {{"height", h.height}, {"index", i}};
    batch.put(detail::tx_key(executed.tx_ids[i]), json::canonicalize(loc));
  }
  json::Value head = {{"height", h.height},
                      {"hash", to_hex(executed.block_hash)},
                      {"state_root", to_hex(executed.state_root)},
                      {"time", h.time_ms}};
  batch.put(std::string(detail::kHeadKey), json::canonicalize(head));
  CPC_RETURN_IF_ERROR(store_.commit(batch));
  height_ = h.height;
  head_hash_ = executed.block_hash;
  head_time_ = h.time_ms;
  state_root_ = executed.state_root;
  reload_reputation();
  return Status::ok();
}

Status ChainState::apply_committed(const CommittedBlock& cb, const BlockLimits& limits) {
  const BlockHeader& h = cb.block.header;
  if (h.height != height_ + 1) {
    return Status::refused("block height " + std::to_string(h.height) + ", expected " +
                           std::to_string(height_ + 1));
  }
  CPC_RETURN_IF_ERROR(
      verify_certificate(cb.commit, validators_, genesis_.chain, h.height, block_hash(h)));
  auto ex = execute(cb.block, limits);
  CPC_RETURN_IF_ERROR(ex);
  return commit(cb.block, cb.commit, *ex);
}

Result<CommittedBlock> ChainState::block_at(std::uint64_t height) const {
  auto rec = store_.get(detail::block_key(height));
  if (!rec) return Status::refused("no block at height " + std::to_string(height));
  auto cb = parse_committed_block(*rec);
  if (!cb) detail::corrupt("block record");
  return cb;
}

std::optional<std::pair<std::uint64_t, std::size_t>> ChainState::locate_tx(const Hash& id) const {
  auto rec = store_.get(detail::tx_key(id));
  if (!rec) return std::nullopt;
  auto v = json::parse(*rec);
  if (!v) detail::corrupt("tx index");
  detail::Fields f(*v, "tx index");
  std::pair<std::uint64_t, std::size_t> loc{f.u64("height"), f.u64("index")};
  if (!f.finish()) detail::corrupt("tx index");
  return loc;
}

}  // namespace cpc::chain
