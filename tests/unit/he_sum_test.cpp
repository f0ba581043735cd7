// SPDX-License-Identifier: Apache-2.0
// The fast homomorphic sum (he.hpp Summer, ed25519_point.hpp): RFC 9496 decoding with checks and
// encoding cross-checked against libsodium, Summer and sum() against a chain of add(), the
// record fast path against the strict parser, and the refusals in the same order.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <memory>
#include <random>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/he.hpp"
#include "ed25519_point.hpp"

using cpc::he::Ciphertext;
using cpc::keys::SecretKey;
namespace ed = cpc::ed25519;

namespace {

Ciphertext chain_sum(const std::vector<Ciphertext>& cts) {
  Ciphertext acc = cts.front();
  for (std::size_t i = 1; i < cts.size(); ++i) acc = cpc::he::add(acc, cts[i]).value();
  return acc;
}

void check_same(const Ciphertext& a, const Ciphertext& b) {
  CHECK(cpc::he::he_record(a) == cpc::he::he_record(b));
}

}  // namespace

TEST_CASE("he sum: RFC 9496 decode and encode agree with libsodium", "[he][sum]") {
  std::mt19937_64 rng(7);
  std::array<std::uint8_t, 32> b{};
  for (int i = 0; i < 2000; ++i) {
    if (i % 2 == 0) {
      crypto_core_ristretto255_random(b.data());
    } else {
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
      if (i % 4 == 1) b[31] &= 0x7f;
      if (i % 8 == 1) b[0] &= 0xfe;
    }
    ed::Point p;
    bool ours = ed::decode_ristretto_checked(b.data(), p);
    CAPTURE(cpc::hex::encode(b));
    // libsodium 1.0.18 ignores the top bit; RFC 9496 (and Point::decode) reject it.
    bool sodium = crypto_core_ristretto255_is_valid_point(b.data()) == 1 && !(b[31] & 0x80);
    REQUIRE(ours == sodium);
    bool nonzero = b != std::array<std::uint8_t, 32>{};
    CHECK(static_cast<bool>(cpc::group::Point::decode(b)) == (ours && nonzero));
    if (ours) CHECK(ed::encode_ristretto(p) == b);
  }
  // Non-canonical encodings: s + p for small s, and the identity.
  std::array<std::uint8_t, 32> zero{};
  ed::Point p;
  CHECK(ed::decode_ristretto_checked(zero.data(), p));
  CHECK(ed::encode_ristretto(p) == zero);
  std::array<std::uint8_t, 32> big{};
  big.fill(0xff);
  big[31] = 0x7f;
  big[0] = 0xed;  // p itself: a non-canonical zero
  CHECK_FALSE(ed::decode_ristretto_checked(big.data(), p));
  // Sums: our extended-coordinate addition, encoded once, equals libsodium's add.
  std::array<std::uint8_t, 32> x{}, y{}, want{};
  for (int i = 0; i < 200; ++i) {
    crypto_core_ristretto255_random(x.data());
    crypto_core_ristretto255_random(y.data());
    crypto_core_ristretto255_add(want.data(), x.data(), y.data());
    ed::Point px, py;
    REQUIRE(ed::decode_ristretto_checked(x.data(), px));
    REQUIRE(ed::decode_ristretto_checked(y.data(), py));
    CHECK(ed::encode_ristretto(ed::add(px, ed::cache(py))) == want);
    // P + (-P) = identity.
    CHECK(ed::encode_ristretto(ed::add(px, ed::negate(ed::cache(px)))) == zero);
  }
}

TEST_CASE("he sum: interleaved decoding equals one-at-a-time decoding", "[he][sum]") {
  std::mt19937_64 rng(9);
  for (std::size_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 33u}) {
    for (int iter = 0; iter < 40; ++iter) {
      std::vector<std::array<std::uint8_t, 32>> enc(n);
      std::vector<const std::uint8_t*> ptrs;
      for (auto& b : enc) {
        if (rng() % 3 == 0) {
          for (auto& x : b) x = static_cast<std::uint8_t>(rng());  // mostly invalid
          if (rng() % 2) b[31] &= 0x7f;
        } else if (rng() % 8 == 0) {
          b.fill(0);  // the identity
        } else {
          crypto_core_ristretto255_random(b.data());
        }
        ptrs.push_back(b.data());
      }
      std::vector<ed::Point> out(n);
      std::unique_ptr<bool[]> ok(new bool[n]);
      ed::decode_ristretto_checked_n(ptrs.data(), n, out.data(), ok.get());
      for (std::size_t i = 0; i < n; ++i) {
        ed::Point one;
        bool single = ed::decode_ristretto_checked(enc[i].data(), one);
        CAPTURE(n, i, cpc::hex::encode(enc[i]));
        REQUIRE(ok[i] == single);
        if (single) CHECK(ed::encode_ristretto(out[i]) == enc[i]);
      }
    }
  }
}

TEST_CASE("he sum: Summer and sum() equal a chain of add()", "[he][sum]") {
  SecretKey sk = SecretKey::generate().value();
  std::mt19937_64 rng(3);
  for (std::size_t n : {1, 2, 3, 17, 100, 300}) {  // 300: two threads
    std::vector<Ciphertext> cts;
    for (std::size_t i = 0; i < n; ++i) {
      std::int64_t v = static_cast<std::int64_t>(rng() % 200001) - 100000;
      auto c = cpc::he::encrypt(sk.public_key().encrypt, v, 3).value();
      if (i % 5 == 4) c.count = 1 + rng() % 1000;  // sums of sums
      cts.push_back(c);
    }
    auto fast = cpc::he::sum(cts);
    REQUIRE(fast);
    check_same(*fast, chain_sum(cts));
    cpc::he::Summer records;
    for (const auto& c : cts) REQUIRE(records.add_record(cpc::he::he_record(c)));
    CHECK(records.size() == n);
    check_same(records.total().value(), chain_sum(cts));
    if (n >= 3) {  // a different scale at the last index: refused, named, nothing added
      auto bad = cts;
      bad.back().scale = 4;
      auto refused = cpc::he::sum(bad);
      REQUIRE_FALSE(refused);
      CHECK(refused.status().message().find("ciphertext #" + std::to_string(n - 1)) == 0);
      cpc::he::Summer partial;
      std::size_t failed = 0;
      REQUIRE_FALSE(partial.add(bad, failed));
      CHECK(failed == n - 1);
      CHECK(partial.size() == 0);
    }
  }
}

TEST_CASE("he sum: the record fast path decides exactly as the strict parser", "[he][sum]") {
  SecretKey sk = SecretKey::generate().value(), other = SecretKey::generate().value();
  auto c = cpc::he::encrypt(sk.public_key().encrypt, 42, 2).value();
  const std::string rec = cpc::he::he_record(c);
  auto status_of = [](const std::vector<std::string>& recs) {
    cpc::he::Summer s;
    for (const auto& r : recs) {
      if (auto st = s.add_record(r); !st) return st;
    }
    return s.total().status();
  };
  auto strict = [](const std::string& r) { return cpc::he::parse_he_record(r).status(); };
  auto replace = [&rec](const std::string& from, const std::string& to) {
    std::string r = rec;
    r.replace(r.find(from), from.size(), to);
    return r;
  };
  const std::string c1 = cpc::hex::encode(c.c1.bytes());
  std::array<std::uint8_t, 32> bad{};
  bad.fill(0xff);
  bad[31] = 0x7f;
  std::vector<std::string> malformed = {
      replace(c1, std::string(64, '0')),       // identity
      replace(c1, cpc::hex::encode(bad)),      // not canonical
      replace(c1.substr(0, 2), "AB"),          // uppercase hex
      replace("\"scale\":2", "\"scale\":19"),  // scale out of range
      replace("\"scale\":2", "\"scale\":02"),  // leading zero
      replace("\"count\":1", "\"count\":0"),   // count out of range
      replace("}", ",\"x\":1}"),               // unknown field
      rec.substr(0, rec.size() - 1),           // truncated
  };
  for (const auto& r : malformed) {
    CAPTURE(r);
    auto want = strict(r);
    REQUIRE_FALSE(want);
    auto got = status_of({r});
    CHECK(got.code() == cpc::Code::kBadInput);
  }
  // Another spelling the strict parser accepts: fields reordered, whitespace.
  std::string reordered = "{ \"c2\": \"" + cpc::hex::encode(c.c2.bytes()) +
                          "\", \"type\": \"cpc/he\", \"to\": \"" + cpc::hex::encode(c.to.bytes()) +
                          "\", \"scale\": 2, \"count\": 1, \"c1\": \"" + c1 + "\" }";
  cpc::he::Summer s;
  REQUIRE(s.add_record(reordered));
  REQUIRE(s.add_record(rec));
  check_same(s.total().value(), cpc::he::add(c, c).value());
  // Refusals: another key (1), another scale (2), nothing (2).
  auto d = cpc::he::encrypt(other.public_key().encrypt, 1, 2).value();
  CHECK(status_of({rec, cpc::he::he_record(d)}).code() == cpc::Code::kRefused);
  auto e = cpc::he::encrypt(sk.public_key().encrypt, 1, 3).value();
  CHECK(status_of({rec, cpc::he::he_record(e)}).code() == cpc::Code::kBadInput);
  CHECK(status_of({}).code() == cpc::Code::kBadInput);
}

// add_records (two threads from Summer::kParallelRecords records) against a chain of
// add_record: the same total, and for a bad record anywhere in the batch (either half, in a
// decode group or alone, fast path or strict parser) the same error, its index, and nothing
// of the batch added.
TEST_CASE("he sum: add_records equals a chain of add_record", "[he][sum]") {
  SecretKey sk = SecretKey::generate().value(), other = SecretKey::generate().value();
  std::mt19937_64 rng(21);
  std::vector<std::string> recs;
  for (int i = 0; i < 600; ++i) {
    auto c = cpc::he::encrypt(sk.public_key().encrypt, static_cast<std::int64_t>(rng() % 65536), 1);
    recs.push_back(cpc::he::he_record(c.value()));
  }
  // One record in another spelling (strict parser path).
  auto c0 = cpc::he::parse_he_record(recs[7]).value();
  recs[7] = "{ \"c2\": \"" + cpc::hex::encode(c0.c2.bytes()) +
            "\", \"type\": \"cpc/he\", \"to\": \"" + cpc::hex::encode(c0.to.bytes()) +
            "\", \"scale\": 1, \"count\": 1, \"c1\": \"" + cpc::hex::encode(c0.c1.bytes()) + "\" }";
  auto views = [](const std::vector<std::string>& v) {
    return std::vector<std::string_view>(v.begin(), v.end());
  };
  auto chain = [](const std::vector<std::string>& v, std::size_t& failed) {
    cpc::he::Summer s;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto st = s.add_record(v[i]); !st) {
        failed = i;
        return cpc::Result<cpc::he::Ciphertext>(st);
      }
    }
    return s.total();
  };
  std::size_t failed = 0;
  {
    cpc::he::Summer s;
    auto v = views(recs);
    REQUIRE(s.add_records(v, failed));
    REQUIRE(s.add_records(std::span<const std::string_view>(v).first(3), failed));  // serial path
    CHECK(s.size() == 603);
    auto want_recs = recs;
    want_recs.insert(want_recs.end(), recs.begin(), recs.begin() + 3);
    std::size_t unused = 0;
    check_same(s.total().value(), chain(want_recs, unused).value());
  }
  const std::string c1 = cpc::hex::encode(cpc::he::parse_he_record(recs[0]).value().c1.bytes());
  const std::string c2 = cpc::hex::encode(cpc::he::parse_he_record(recs[0]).value().c2.bytes());
  std::array<std::uint8_t, 32> bad{};
  bad.fill(0xff);
  bad[31] = 0x7f;
  auto d = cpc::he::encrypt(other.public_key().encrypt, 1, 1).value();
  auto e = cpc::he::encrypt(sk.public_key().encrypt, 1, 2).value();
  auto replace = [](std::string r, const std::string& from, const std::string& to) {
    r.replace(r.find(from), from.size(), to);
    return r;
  };
  std::vector<std::string> bads = {
      replace(recs[0], c1, std::string(64, '0')),      // c1 identity
      replace(recs[0], c2, cpc::hex::encode(bad)),     // c2 not canonical
      replace(recs[0], c1, cpc::hex::encode(bad)),     // c1 not canonical
      replace(recs[0], "\"count\":1", "\"count\":0"),  // strict parser refuses
      cpc::he::he_record(d),                           // another recipient (a valid "to")
      cpc::he::he_record(e),                           // another scale
  };
  std::string bad_to = recs[0];
  bad_to.replace(bad_to.find("\"to\":\"") + 6, 64, cpc::hex::encode(bad));
  bads.push_back(bad_to);  // an invalid "to"
  for (std::size_t b = 0; b < bads.size(); ++b) {
    for (std::size_t pos : {0u, 1u, 2u, 5u, 299u, 300u, 301u, 598u, 599u}) {
      CAPTURE(b, pos);
      auto v = recs;
      v[pos] = bads[b];
      if (b == 0) v[pos + (pos < 599 ? 1 : -1)] = bads[1];  // a second bad record next to it
      // The chain starts, as the Summer below, with recs[1] already added.
      auto prefixed = v;
      prefixed.insert(prefixed.begin(), recs[1]);
      std::size_t want_failed = 0;
      auto want = chain(prefixed, want_failed);
      REQUIRE(want_failed >= 1);
      --want_failed;
      REQUIRE_FALSE(want);
      cpc::he::Summer s;
      REQUIRE(s.add_record(recs[1]));
      auto vv = views(v);
      auto got = s.add_records(vv, failed);
      REQUIRE_FALSE(got);
      CHECK(got.code() == want.status().code());
      CHECK(got.message() == want.status().message());
      CHECK(failed == want_failed);
      CHECK(s.size() == 1);  // nothing of the failed batch
      check_same(s.total().value(), cpc::he::parse_he_record(recs[1]).value());
    }
  }
}
