// SPDX-License-Identifier: Apache-2.0
// cpc::store transactions and prefix cursors over LMDB. Thread rules are those of
// cpc/store/lmdb_env.hpp: a transaction and its cursors are used by one thread at a time.
#include <algorithm>

#include "cpc/store/lmdb_env.hpp"
#include "lmdb_status.hpp"

namespace cpc::store {

using detail::from_val;
using detail::lmdb_status;
using detail::to_val;

namespace {
constexpr std::size_t kMaxKeySize = 511;  // LMDB's compile-time default (mdb_env_get_maxkeysize)
}

Result<std::optional<Bytes>> Txn::get(const Table& t, ByteView key) const {
  if (txn_ == nullptr) return Status::io("get from table " + t.name + ": transaction ended");
  if (key.empty() || key.size() > kMaxKeySize) return std::optional<Bytes>();
  MDB_val k = to_val(key), v{};
  int rc = mdb_get(txn_, t.dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<Bytes>();
  if (rc != 0) return lmdb_status(rc, "get from table " + t.name);
  ByteView b = from_val(v);
  return std::optional<Bytes>(Bytes(b.begin(), b.end()));
}

ReadTxn::~ReadTxn() {
  mdb_txn_abort(txn_);
}

WriteTxn::~WriteTxn() {
  if (!done_) mdb_txn_abort(txn_);
}

Status WriteTxn::put(const Table& t, ByteView key, ByteView value) {
  const std::string what = "put into table " + t.name;
  if (done_) return Status::io(what + ": transaction ended");
  if (key.empty() || key.size() > kMaxKeySize) {
    return Status::bad_input(what + ": key must be 1.." + std::to_string(kMaxKeySize) + " bytes");
  }
  MDB_val k = to_val(key), v = to_val(value);
  int rc = mdb_put(txn_, t.dbi, &k, &v, 0);
  if (rc != 0) return lmdb_status(rc, what);
  return Status::ok();
}

Result<bool> WriteTxn::del(const Table& t, ByteView key) {
  const std::string what = "delete from table " + t.name;
  if (done_) return Status::io(what + ": transaction ended");
  if (key.empty() || key.size() > kMaxKeySize) return false;
  MDB_val k = to_val(key);
  int rc = mdb_del(txn_, t.dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_status(rc, what);
  return true;
}

Status WriteTxn::commit() {
  if (done_) return Status::io("commit: transaction ended");
  done_ = true;  // mdb_txn_commit frees the transaction whatever it returns
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  if (rc != 0) return lmdb_status(rc, "commit");
  return Status::ok();
}

Result<std::unique_ptr<Cursor>> Cursor::open(const Txn& txn, const Table& t, ByteView prefix) {
  const std::string what = "scan table " + t.name;
  if (txn.txn_ == nullptr) return Status::io(what + ": transaction ended");
  MDB_cursor* c = nullptr;
  int rc = mdb_cursor_open(txn.txn_, t.dbi, &c);
  if (rc != 0) return lmdb_status(rc, what);
  std::unique_ptr<Cursor> cursor(new Cursor(c, Bytes(prefix.begin(), prefix.end())));
  MDB_val k = to_val(prefix), v{};
  rc = prefix.empty() ? mdb_cursor_get(c, &k, &v, MDB_FIRST)
                      : mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
  if (rc == 0) {
    cursor->key_ = from_val(k);
    cursor->value_ = from_val(v);
  }
  CPC_RETURN_IF_ERROR(cursor->settle(rc));
  return cursor;
}

Cursor::~Cursor() {
  mdb_cursor_close(cursor_);
}

Status Cursor::next() {
  if (!valid_) return Status::ok();
  MDB_val k{}, v{};
  int rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
  if (rc == 0) {
    key_ = from_val(k);
    value_ = from_val(v);
  }
  return settle(rc);
}

// After a positioning call: valid_ iff it found an entry whose key has the prefix.
Status Cursor::settle(int rc) {
  valid_ = false;
  if (rc == MDB_NOTFOUND) return Status::ok();
  if (rc != 0) return lmdb_status(rc, "scan");
  valid_ =
      key_.size() >= prefix_.size() && std::equal(prefix_.begin(), prefix_.end(), key_.begin());
  return Status::ok();
}

}  // namespace cpc::store
