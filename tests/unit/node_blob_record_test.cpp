// SPDX-License-Identifier: Apache-2.0
// cpc::node::BlobStore and cpc::record: blocks are verified against their CIDs before they
// are stored, records by signature and sequence (docs/node-api.md §3, §5); both survive a
// reopen of the store.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "blob_store.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/wire/record.hpp"

using cpc::Bytes;
using cpc::node::BlobStore;
namespace cid = cpc::cid;
namespace record = cpc::record;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/cpc-node-test.XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};
Bytes bytes_of(const std::string& s) {
  return Bytes(s.begin(), s.end());
}
}  // namespace

TEST_CASE("verify_block accepts matching raw and dag-pb blocks only", "[node][blob]") {
  Bytes hello = bytes_of("hello world");
  auto c = cid::raw_cid(hello);
  CHECK(cpc::node::verify_block(c, hello));
  Bytes other = bytes_of("hello WORLD");
  auto s = cpc::node::verify_block(c, other);
  CHECK(s.code() == cpc::Code::kBadInput);
  CHECK(s.message() == "block does not match its CID");
  // A dag-pb CID over bytes that hash right but are not a UnixFS node.
  auto fake = cid::cid_of(cid::kDagPb, hello);
  CHECK(cpc::node::verify_block(fake, hello).code() == cpc::Code::kBadInput);
  // A real node.
  cpc::unixfs::FileNode n;
  n.links = {{c, hello.size()}, {c, hello.size()}};
  n.blocksizes = {hello.size(), hello.size()};
  n.filesize = 2 * hello.size();
  Bytes block = cpc::unixfs::encode_node(n);
  CHECK(cpc::node::verify_block(cid::cid_of(cid::kDagPb, block), block));
  Bytes huge(cpc::unixfs::kMaxBlockSize + 1, 0);
  CHECK(cpc::node::verify_block(cid::raw_cid(huge), huge).code() == cpc::Code::kBadInput);
}

TEST_CASE("BlobStore stores verified blocks durably and counts them", "[node][blob]") {
  TempDir dir;
  Bytes a = bytes_of("block a"), b(1000, 7);
  {
    auto s = BlobStore::open(dir.path);
    REQUIRE(s);
    CHECK(*(*s)->put_block(cid::raw_cid(a), a) == true);
    CHECK(*(*s)->put_block(cid::raw_cid(a), a) == false);  // already held
    CHECK((*s)->put_block(cid::raw_cid(a), b).status().code() == cpc::Code::kBadInput);
    CHECK(*(*s)->put_block(cid::raw_cid(b), b) == true);
    CHECK((*s)->blobs() == 2);
    CHECK((*s)->bytes() == a.size() + b.size());
    CHECK(*(*s)->has_key(cid::raw_cid(b).digest));
  }
  auto s = BlobStore::open(dir.path);
  REQUIRE(s);
  CHECK((*s)->blobs() == 2);
  CHECK((*s)->bytes() == a.size() + b.size());
  auto got = (*s)->get_block(cid::raw_cid(a));
  REQUIRE(got);
  REQUIRE(got->has_value());
  CHECK(**got == a);
  CHECK(!(*(*s)->get_block(cid::raw_cid(bytes_of("absent")))).has_value());
  CHECK((*s)->list_blocks()->size() == 2);
}

TEST_CASE("records: key, signature, JSON round trip, newer seq wins", "[node][record]") {
  auto sk = cpc::keys::SecretKey::generate().value();
  auto r1 = record::make(sk, "sensor-7/latest", 1, bytes_of("v1"));
  REQUIRE(r1);
  auto parsed = record::parse(record::to_json(*r1));
  REQUIRE(parsed);
  CHECK(*parsed == *r1);
  CHECK(record::record_key(sk.public_key().sign, "sensor-7/latest") ==
        record::record_key(parsed->signer, parsed->name));
  CHECK(record::record_key(sk.public_key().sign, "a") !=
        record::record_key(sk.public_key().sign, "b"));

  // A forged signature, a changed value or seq: refused.
  for (int which = 0; which < 3; ++which) {
    record::Record forged = *r1;
    if (which == 0) forged.sig[5] ^= 1;
    if (which == 1) forged.value = bytes_of("v2");
    if (which == 2) forged.seq = 2;
    auto p = record::parse(record::to_json(forged));
    CHECK(p.status().code() == cpc::Code::kRefused);
    CHECK(p.status().message().rfind("record signature does not verify (signer ", 0) == 0);
  }
  // Malformed.
  CHECK(record::parse("{").status().code() == cpc::Code::kBadInput);
  CHECK(record::parse(R"({"type":"cpc/record"})").status().code() == cpc::Code::kBadInput);
  CHECK(!record::make(sk, "", 1, bytes_of("x")));
  CHECK(!record::make(sk, "n", record::kMaxSeq + 1, bytes_of("x")));

  auto r2 = record::make(sk, "sensor-7/latest", 2, bytes_of("v2"));
  bool same = false;
  CHECK(record::check_replace(*r1, *r2, same));
  CHECK(!same);
  CHECK(record::check_replace(*r2, *r2, same));
  CHECK(same);
  auto older = record::check_replace(*r2, *r1, same);
  CHECK(older.code() == cpc::Code::kRefused);
  CHECK(older.message() == "record seq 1 is older than the stored seq 2");
  auto r2b = record::make(sk, "sensor-7/latest", 2, bytes_of("other"));
  CHECK(record::check_replace(*r2, *r2b, same).code() == cpc::Code::kRefused);

  TempDir dir;
  auto s = BlobStore::open(dir.path);
  REQUIRE(s);
  CHECK(*(*s)->put_record(*r2) == true);
  CHECK(*(*s)->put_record(*r2) == false);
  CHECK((*s)->put_record(*r1).status().code() == cpc::Code::kRefused);
  auto key = record::record_key(r2->signer, r2->name);
  CHECK((*s)->get_record(key)->value() == *r2);
  CHECK(*(*s)->has_key(key));
  CHECK((*s)->records() == 1);
}
