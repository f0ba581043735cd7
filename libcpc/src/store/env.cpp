// SPDX-License-Identifier: Apache-2.0
// cpc::store::Env: opening the LMDB environment, named tables, beginning transactions.
// Flag choices and their reasons are in cpc/store/lmdb_env.hpp; thread safety as documented there.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "cpc/store/lmdb_env.hpp"
#include "lmdb_status.hpp"

namespace cpc::store {

using detail::lmdb_status;

Result<std::unique_ptr<Env>> Env::open(const std::string& path, const Options& options) {
  const std::string what = "open store " + path;
  if (path.empty()) return Status::bad_input("open store: empty path");
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::io(what + ": " + std::strerror(errno));
  }
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return lmdb_status(rc, what);
  auto fail = [&](int code) {
    mdb_env_close(env);
    return lmdb_status(code, what);
  };
  if ((rc = mdb_env_set_mapsize(env, options.map_size)) != 0) return fail(rc);
  if ((rc = mdb_env_set_maxdbs(env, options.max_tables)) != 0) return fail(rc);
  if ((rc = mdb_env_set_maxreaders(env, options.max_readers)) != 0) return fail(rc);
  // MDB_NOTLS: read transactions may move between threads (the HTTP server's workers).
  // No MDB_NOSYNC / MDB_NOMETASYNC / MDB_WRITEMAP: a returned commit is durable.
  if ((rc = mdb_env_open(env, path.c_str(), MDB_NOTLS, 0600)) != 0) return fail(rc);
  int dead = 0;
  if ((rc = mdb_reader_check(env, &dead)) != 0) return fail(rc);
  return std::unique_ptr<Env>(new Env(env, path));
}

Env::~Env() {
  mdb_env_close(env_);
}

Result<Table> Env::table(const std::string& name) {
  if (name.empty()) return Status::bad_input("store table: empty name");
  const std::string what = "open table " + name;
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc != 0) return lmdb_status(rc, what);
  MDB_dbi dbi = 0;
  rc = mdb_dbi_open(txn, name.c_str(), MDB_CREATE, &dbi);
  if (rc != 0) {
    mdb_txn_abort(txn);
    return lmdb_status(rc, what);
  }
  if ((rc = mdb_txn_commit(txn)) != 0) return lmdb_status(rc, what);
  return Table{dbi, name};
}

Result<std::unique_ptr<ReadTxn>> Env::read_txn() const {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
  if (rc != 0) return lmdb_status(rc, "begin read in " + path_);
  return std::unique_ptr<ReadTxn>(new ReadTxn(txn));
}

Result<std::unique_ptr<WriteTxn>> Env::write_txn() {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc != 0) return lmdb_status(rc, "begin write in " + path_);
  return std::unique_ptr<WriteTxn>(new WriteTxn(txn));
}

}  // namespace cpc::store
