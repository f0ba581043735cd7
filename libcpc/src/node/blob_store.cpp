// SPDX-License-Identifier: Apache-2.0
// cpc::node::BlobStore (libcpc/src/node/blob_store.hpp): verification before storage, one committed
// transaction per write, counters kept in memory (recounted at open).
#include "blob_store.hpp"

#include "cpc/codec/unixfs.hpp"

namespace cpc::node {

Status verify_block(const cid::Cid& c, ByteView block) {
  if (block.size() > unixfs::kMaxBlockSize) {
    return Status::bad_input("block larger than " + std::to_string(unixfs::kMaxBlockSize) +
                             " bytes");
  }
  if (!cid::verify(c, block)) return Status::bad_input("block does not match its CID");
  if (c.codec == cid::kDagPb) {
    auto n = unixfs::decode_node(block);
    if (!n) return n.status().with_context("dag-pb block");
  }
  return Status::ok();
}

Result<std::unique_ptr<BlobStore>> BlobStore::open(const std::string& dir) {
  auto env = store::Env::open(dir);
  CPC_RETURN_IF_ERROR(env);
  std::unique_ptr<BlobStore> s(new BlobStore);
  s->env_ = std::move(*env);
  auto b = s->env_->table("blobs");
  CPC_RETURN_IF_ERROR(b);
  auto r = s->env_->table("records");
  CPC_RETURN_IF_ERROR(r);
  s->blocks_ = *b;
  s->records_table_ = *r;
  auto txn = s->env_->read_txn();
  CPC_RETURN_IF_ERROR(txn);
  auto c = store::Cursor::open(**txn, s->blocks_, ByteView{});
  CPC_RETURN_IF_ERROR(c);
  while ((*c)->valid()) {
    s->blobs_ += 1;
    s->bytes_ += (*c)->value().size();
    CPC_RETURN_IF_ERROR((*c)->next());
  }
  auto rc = store::Cursor::open(**txn, s->records_table_, ByteView{});
  CPC_RETURN_IF_ERROR(rc);
  while ((*rc)->valid()) {
    s->records_ += 1;
    CPC_RETURN_IF_ERROR((*rc)->next());
  }
  return s;
}

Result<bool> BlobStore::put_block(const cid::Cid& c, ByteView block) {
  CPC_RETURN_IF_ERROR(verify_block(c, block));
  const Bytes key = cid::to_bytes(c);
  {  // a cheap read first: a repeated store takes no writer lock and no fsync
    auto held = has_block(c);
    CPC_RETURN_IF_ERROR(held);
    if (*held) return false;
  }
  auto txn = env_->write_txn();
  CPC_RETURN_IF_ERROR(txn);
  auto old = (*txn)->get(blocks_, key);
  CPC_RETURN_IF_ERROR(old);
  if (old->has_value()) return false;
  CPC_RETURN_IF_ERROR((*txn)->put(blocks_, key, block));
  CPC_RETURN_IF_ERROR((*txn)->commit());
  blobs_ += 1;
  bytes_ += block.size();
  return true;
}

Result<std::optional<Bytes>> BlobStore::get_block(const cid::Cid& c) const {
  auto txn = env_->read_txn();
  CPC_RETURN_IF_ERROR(txn);
  return (*txn)->get(blocks_, cid::to_bytes(c));
}

Result<bool> BlobStore::has_block(const cid::Cid& c) const {
  auto v = get_block(c);
  CPC_RETURN_IF_ERROR(v);
  return v->has_value();
}

Result<std::vector<cid::Cid>> BlobStore::list_blocks() const {
  std::vector<cid::Cid> out;
  auto txn = env_->read_txn();
  CPC_RETURN_IF_ERROR(txn);
  auto c = store::Cursor::open(**txn, blocks_, ByteView{});
  CPC_RETURN_IF_ERROR(c);
  while ((*c)->valid()) {
    auto parsed = cid::from_bytes((*c)->key());
    if (parsed) out.push_back(*parsed);
    CPC_RETURN_IF_ERROR((*c)->next());
  }
  return out;
}

Result<bool> BlobStore::put_record(const record::Record& r) {
  const record::Key key = record::record_key(r.signer, r.name);
  auto txn = env_->write_txn();
  CPC_RETURN_IF_ERROR(txn);
  auto old = (*txn)->get(records_table_, key);
  CPC_RETURN_IF_ERROR(old);
  if (old->has_value()) {
    auto stored = record::parse(as_chars(**old));
    if (stored) {
      bool same = false;
      CPC_RETURN_IF_ERROR(record::check_replace(*stored, r, same));
      if (same) return false;
    }
  }
  CPC_RETURN_IF_ERROR((*txn)->put(records_table_, key, as_bytes(record::to_json(r))));
  CPC_RETURN_IF_ERROR((*txn)->commit());
  if (!old->has_value()) records_ += 1;
  return true;
}

Result<std::optional<record::Record>> BlobStore::get_record(const record::Key& key) const {
  auto txn = env_->read_txn();
  CPC_RETURN_IF_ERROR(txn);
  auto v = (*txn)->get(records_table_, key);
  CPC_RETURN_IF_ERROR(v);
  if (!v->has_value()) return std::optional<record::Record>{};
  auto r = record::parse(as_chars(**v));
  CPC_RETURN_IF_ERROR(r);
  return std::optional<record::Record>(std::move(*r));
}

Result<std::vector<record::Key>> BlobStore::list_records() const {
  std::vector<record::Key> out;
  auto txn = env_->read_txn();
  CPC_RETURN_IF_ERROR(txn);
  auto c = store::Cursor::open(**txn, records_table_, ByteView{});
  CPC_RETURN_IF_ERROR(c);
  while ((*c)->valid()) {
    if ((*c)->key().size() == 32) {
      record::Key k{};
      std::copy((*c)->key().begin(), (*c)->key().end(), k.begin());
      out.push_back(k);
    }
    CPC_RETURN_IF_ERROR((*c)->next());
  }
  return out;
}

Result<bool> BlobStore::has_key(const std::array<std::uint8_t, 32>& key) const {
  auto txn = env_->read_txn();
  CPC_RETURN_IF_ERROR(txn);
  for (std::uint64_t codec : {cid::kRaw, cid::kDagPb}) {
    cid::Cid c{codec, key};
    auto v = (*txn)->get(blocks_, cid::to_bytes(c));
    CPC_RETURN_IF_ERROR(v);
    if (v->has_value()) return true;
  }
  auto v = (*txn)->get(records_table_, key);
  CPC_RETURN_IF_ERROR(v);
  return v->has_value();
}

}  // namespace cpc::node
