// SPDX-License-Identifier: Apache-2.0
// cpc::store: tables, transactions, prefix cursors, map full, and durability of committed
// writes across a SIGKILLed child process.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>

#include "cpc/store/lmdb_env.hpp"

namespace fs = std::filesystem;
using cpc::as_bytes;

namespace {

// A fresh directory under /tmp, removed with everything in it at scope exit.
struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cpc-store-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

std::string str(const cpc::Bytes& b) {
  return std::string(b.begin(), b.end());
}

}  // namespace

TEST_CASE("store put, get, del and abort on destruction", "[store]") {
  TempDir dir;
  auto env = cpc::store::Env::open(dir.path);
  REQUIRE(env);
  auto t = (*env)->table("blobs");
  REQUIRE(t);
  {
    auto w = (*env)->write_txn();
    REQUIRE(w);
    REQUIRE((*w)->put(*t, "a", "1"));
    REQUIRE((*w)->put(*t, "b", "2"));
    auto own = (*w)->get(*t, "a");  // a writer sees its own writes
    REQUIRE(own);
    CHECK(str(own->value()) == "1");
    REQUIRE((*w)->commit());
    CHECK_FALSE((*w)->put(*t, "c", "3"));  // finished
  }
  {
    auto w = (*env)->write_txn();
    REQUIRE(w);
    REQUIRE((*w)->put(*t, "aborted", "x"));
    auto d = (*w)->del(*t, "a");
    REQUIRE(d);
    CHECK(*d);
  }  // destroyed without commit: aborted
  auto r = (*env)->read_txn();
  REQUIRE(r);
  CHECK(str((*r)->get(*t, "a")->value()) == "1");
  CHECK_FALSE((*r)->get(*t, "aborted")->has_value());
  CHECK_FALSE((*r)->get(*t, "")->has_value());
  auto w = (*env)->write_txn();
  CHECK(!(*w)->put(*t, "", "empty key"));
  CHECK((*w)->put(*t, "", "x").code() == cpc::Code::kBadInput);
  CHECK((*w)->put(*t, std::string(512, 'k'), "x").code() == cpc::Code::kBadInput);
  CHECK_FALSE((*w)->del(*t, "missing").value());
  CHECK_FALSE(cpc::store::Env::open("").is_ok());
}

TEST_CASE("store read transactions are snapshots and can move between threads", "[store]") {
  TempDir dir;
  auto env = cpc::store::Env::open(dir.path);
  REQUIRE(env);
  auto t = (*env)->table("t").value();
  auto r = (*env)->read_txn();
  REQUIRE(r);
  {
    auto w = (*env)->write_txn().value();
    REQUIRE(w->put(t, "k", "v"));
    REQUIRE(w->commit());
  }
  bool seen_in_old = true, seen_in_new = false;
  std::thread other([&] {  // MDB_NOTLS: a read txn may be used (and ended) on another thread
    seen_in_old = (*r)->get(t, "k").value().has_value();
    r = cpc::Status::io("moved");  // ends the snapshot on this thread
    auto fresh = (*env)->read_txn().value();
    seen_in_new = fresh->get(t, "k").value().has_value();
  });
  other.join();
  CHECK_FALSE(seen_in_old);
  CHECK(seen_in_new);
}

TEST_CASE("store cursor iterates a prefix in key order", "[store]") {
  TempDir dir;
  auto env = cpc::store::Env::open(dir.path).value();
  auto t = env->table("t").value();
  auto other = env->table("other").value();
  {
    auto w = env->write_txn().value();
    for (const char* k : {"p/3", "p/1", "p/2", "o/1", "q", "p", "pz"}) REQUIRE(w->put(t, k, k));
    REQUIRE(w->put(other, "p/9", "other table"));
    REQUIRE(w->commit());
  }
  auto r = env->read_txn().value();
  std::vector<std::string> keys;
  {
    auto c = cpc::store::Cursor::open(*r, t, "p/");
    REQUIRE(c);
    while ((*c)->valid()) {
      keys.emplace_back(cpc::as_chars((*c)->key()));
      CHECK(cpc::as_chars((*c)->value()) == keys.back());
      REQUIRE((*c)->next());
    }
  }
  CHECK(keys == std::vector<std::string>{"p/1", "p/2", "p/3"});
  auto all = cpc::store::Cursor::open(*r, t, std::string_view());
  REQUIRE(all);
  int n = 0;
  for (; (*all)->valid(); ++n) REQUIRE((*all)->next());
  CHECK(n == 7);
  auto none = cpc::store::Cursor::open(*r, t, "zz");
  REQUIRE(none);
  CHECK_FALSE((*none)->valid());
}

TEST_CASE("store reports a full map as kIo and keeps what was committed", "[store]") {
  TempDir dir;
  cpc::store::Options o;
  o.map_size = 1 << 20;
  auto env = cpc::store::Env::open(dir.path, o).value();
  auto t = env->table("t").value();
  std::string value(4096, 'v');
  cpc::Status failed;
  int committed = 0;
  for (int i = 0; i < 1000 && failed; ++i) {
    auto w = env->write_txn().value();
    failed = w->put(t, "k" + std::to_string(i), value);
    if (failed) failed = w->commit();
    if (failed) committed = i + 1;
  }
  REQUIRE_FALSE(failed);
  CHECK(failed.code() == cpc::Code::kIo);
  CHECK(failed.message().find("store is full") != std::string::npos);
  CHECK(committed > 100);
  auto r = env->read_txn().value();
  CHECK(r->get(t, "k0").value().has_value());
  CHECK(r->get(t, "k" + std::to_string(committed - 1)).value().has_value());
}

// docs/architecture.md §5: "writes that must survive a crash are committed before the node
// answers". A child commits one transaction at a time and acknowledges each on a pipe only after
// commit() returned; the parent SIGKILLs it mid-stream, reopens, and finds every ack.
TEST_CASE("store keeps every acknowledged commit across a SIGKILLed writer", "[store][crash]") {
  TempDir dir;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto env = cpc::store::Env::open(dir.path);
    if (!env) ::_exit(3);
    auto t = (*env)->table("acked");
    if (!t) ::_exit(3);
    for (std::uint32_t i = 0;; ++i) {
      auto w = (*env)->write_txn();
      if (!w) ::_exit(3);
      std::string key = "k" + std::to_string(i);
      if (!(*w)->put(*t, key, std::string(1000, 'a' + i % 26)) || !(*w)->commit()) ::_exit(3);
      if (::write(fds[1], &i, sizeof i) != sizeof i) ::_exit(3);
    }
  }
  ::close(fds[1]);
  std::uint32_t last = 0, got = 0;
  int acks = 0;
  while (acks < 200 && ::read(fds[0], &got, sizeof got) == sizeof got) {
    last = got;
    ++acks;
  }
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  ::close(fds[0]);
  REQUIRE(acks == 200);
  CHECK(WIFSIGNALED(wstatus));

  auto env = cpc::store::Env::open(dir.path);  // also clears the dead child's reader slot
  REQUIRE(env);
  auto t = (*env)->table("acked").value();
  auto r = (*env)->read_txn().value();
  for (std::uint32_t i = 0; i <= last; ++i) {
    auto v = r->get(t, "k" + std::to_string(i));
    REQUIRE(v);
    REQUIRE(v->has_value());
    CHECK(str(**v) == std::string(1000, 'a' + i % 26));
  }
  // The store stays writable after the crash.
  auto w = (*env)->write_txn().value();
  CHECK(w->put(t, "after", "crash"));
  CHECK(w->commit());
}
