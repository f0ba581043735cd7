// SPDX-License-Identifier: Apache-2.0
// cpc::store — the node's persistent state: one LMDB environment per node (docs/architecture.md
// §5), holding named tables of byte keys to byte values, read through snapshot transactions and
// written through a single writer at a time.
//
// Durability. The environment is opened with LMDB's default synchronous commit (neither
// MDB_NOSYNC nor MDB_NOMETASYNC nor MDB_MAPASYNC): WriteTxn::commit() returns only after the
// data pages and then the meta page have been fsync'ed. Therefore a write transaction whose
// commit() returned ok survives a crash of the process (kill -9, abort) and of the
// operating system; a transaction that was not committed leaves no trace. The database file
// is never left half-written: after any crash, reopening shows exactly the state of the last
// committed transaction. MDB_WRITEMAP is not used, so a stray pointer in the process cannot
// scribble on the database; the map is read-only memory.
//
// Thread safety. An Env is safe to share between threads. It is opened with MDB_NOTLS, so a
// ReadTxn is not bound to the thread that began it: it may be handed to another thread (e.g.
// between libmicrohttpd worker threads), but must be used by one thread at a time. A WriteTxn
// holds the environment's single writer lock and must be begun, used and ended on one
// thread; a second write_txn() on another thread blocks until the first ends. A thread that
// holds a WriteTxn must not begin another WriteTxn (self-deadlock). Cursors belong to their
// transaction and share its thread rules.
//
// Processes. One Env per path per process (an LMDB rule: opening the same environment twice
// in one process corrupts its locks). Several processes may open the same path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

struct MDB_env;
struct MDB_txn;
struct MDB_cursor;

namespace cpc::store {

struct Options {
  // Upper bound of the database size. The file is sparse and grows with the data; the bound
  // only reserves address space (64 GiB is cheap on a 64-bit system).
  std::size_t map_size = std::size_t{64} << 30;
  // Maximum number of named tables.
  unsigned max_tables = 64;
  // Maximum number of concurrently open read transactions (across processes).
  unsigned max_readers = 256;
};

// A named table. A plain handle: cheap to copy, valid for the lifetime of its Env.
struct Table {
  unsigned dbi = 0;
  std::string name;
};

class Env;

// What a read transaction can do; WriteTxn sees its own uncommitted writes through these.
class Txn {
 public:
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  virtual ~Txn() = default;

  // The value stored under `key`, copied out; std::nullopt when there is none.
  // Errors: kIo for an LMDB failure (e.g. a table from another Env).
  Result<std::optional<Bytes>> get(const Table& t, ByteView key) const;
  Result<std::optional<Bytes>> get(const Table& t, std::string_view key) const {
    return get(t, as_bytes(key));
  }

 protected:
  explicit Txn(MDB_txn* txn) : txn_(txn) {}
  friend class Cursor;
  MDB_txn* txn_;
};

// A consistent snapshot of every table as of the moment it began; writers committed later
// are not visible. Ended by destruction. Keep it short: an open reader pins old pages, so
// the file cannot reuse them while it lives.
class ReadTxn : public Txn {
 public:
  ~ReadTxn() override;

 private:
  friend class Env;
  explicit ReadTxn(MDB_txn* txn) : Txn(txn) {}
};

// The single writer. Its writes are visible to itself at once, to others after commit().
// Destroying it without commit() aborts it: nothing it wrote is kept.
class WriteTxn : public Txn {
 public:
  ~WriteTxn() override;

  // Stores value under key, replacing any previous value. Keys are 1..511 bytes (LMDB's
  // default limit); values any size up to the map. Errors: kBadInput for an empty or
  // too-long key; kIo "store is full" when the map is full (the transaction must then be
  // abandoned), kIo for other LMDB failures.
  Status put(const Table& t, ByteView key, ByteView value);
  Status put(const Table& t, std::string_view key, std::string_view value) {
    return put(t, as_bytes(key), as_bytes(value));
  }
  // Removes key. Returns true if it was present, false if not.
  Result<bool> del(const Table& t, ByteView key);
  Result<bool> del(const Table& t, std::string_view key) { return del(t, as_bytes(key)); }

  // Makes every write durable (see the file comment) and visible to transactions begun
  // afterwards. After commit(), whatever it returned, the transaction is finished; further
  // use returns kIo. Errors: kIo (disk full, map full, I/O error) — nothing was kept.
  Status commit();

 private:
  friend class Env;
  explicit WriteTxn(MDB_txn* txn) : Txn(txn) {}
  bool done_ = false;
};

// Iterates, in ascending byte order of keys, over the entries of one table whose key starts
// with a prefix (all entries for an empty prefix). Valid while its transaction lives; the
// ByteViews it returns point into the map and are valid until the next call that moves the
// cursor or until the transaction ends. REQUIRES: the Cursor is destroyed before its
// transaction ends (LMDB frees a write transaction's cursors at commit).
//
//   auto c = store::Cursor::open(txn, table, "blob/");
//   CPC_RETURN_IF_ERROR(c);
//   while ((*c)->valid()) {
//     use((*c)->key(), (*c)->value());
//     CPC_RETURN_IF_ERROR((*c)->next());
//   }
class Cursor {
 public:
  // Errors: kIo for an LMDB failure.
  static Result<std::unique_ptr<Cursor>> open(const Txn& txn, const Table& t, ByteView prefix);
  static Result<std::unique_ptr<Cursor>> open(const Txn& txn, const Table& t,
                                              std::string_view prefix) {
    return open(txn, t, as_bytes(prefix));
  }
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  bool valid() const { return valid_; }
  // REQUIRES: valid().
  ByteView key() const { return key_; }
  ByteView value() const { return value_; }
  // Moves to the next entry with the prefix; valid() becomes false past the last one.
  Status next();

 private:
  Cursor(MDB_cursor* c, Bytes prefix) : cursor_(c), prefix_(std::move(prefix)) {}
  Status settle(int rc);
  MDB_cursor* cursor_;
  Bytes prefix_;
  bool valid_ = false;
  ByteView key_, value_;
};

class Env {
 public:
  // Opens (creating if needed, mode 0700 for the directory, 0600 for the files) the LMDB
  // environment in directory `path`. Clears reader slots left by dead processes (a killed
  // node leaves them behind). Errors: kIo naming the path and the reason.
  static Result<std::unique_ptr<Env>> open(const std::string& path, const Options& options = {});
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  // The named table, created (durably) if absent. Thread-safe; call it at start-up, not
  // while this thread holds a WriteTxn. Errors: kBadInput for an empty name, kIo when the
  // table limit (Options::max_tables) is reached or LMDB fails.
  Result<Table> table(const std::string& name);

  // Begins a snapshot read. Errors: kIo when all reader slots are taken.
  Result<std::unique_ptr<ReadTxn>> read_txn() const;
  // Begins the write transaction, waiting for any other writer to finish.
  Result<std::unique_ptr<WriteTxn>> write_txn();

  const std::string& path() const { return path_; }

 private:
  Env(MDB_env* env, std::string path) : env_(env), path_(std::move(path)) {}
  MDB_env* env_;
  std::string path_;
};

}  // namespace cpc::store
