// SPDX-License-Identifier: Apache-2.0
// The fast homomorphic sum (he.hpp Summer, he_field.hpp): RFC 9496 decoding with checks and
// encoding cross-checked against libsodium, Summer and sum() against a chain of add(), the
// record fast path against the strict parser, and the refusals in the same order.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <random>

#include "cpc/he.hpp"
#include "cpc/hex.hpp"
#include "he_field.hpp"

using cpc::he::Ciphertext;
using cpc::keys::SecretKey;
namespace field = cpc::he::field;

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
    field::Point p;
    bool ours = field::decode_ristretto_checked(b.data(), p);
    CAPTURE(cpc::hex::encode(b));
    // libsodium 1.0.18 ignores the top bit; RFC 9496 (and Point::decode) reject it.
    bool sodium = crypto_core_ristretto255_is_valid_point(b.data()) == 1 && !(b[31] & 0x80);
    REQUIRE(ours == sodium);
    bool nonzero = b != std::array<std::uint8_t, 32>{};
    CHECK(static_cast<bool>(cpc::group::Point::decode(b)) == (ours && nonzero));
    if (ours) CHECK(field::encode_ristretto(p) == b);
  }
  // Non-canonical encodings: s + p for small s, and the identity.
  std::array<std::uint8_t, 32> zero{};
  field::Point p;
  CHECK(field::decode_ristretto_checked(zero.data(), p));
  CHECK(field::encode_ristretto(p) == zero);
  std::array<std::uint8_t, 32> big{};
  big.fill(0xff);
  big[31] = 0x7f;
  big[0] = 0xed;  // p itself: a non-canonical zero
  CHECK_FALSE(field::decode_ristretto_checked(big.data(), p));
  // Sums: our extended-coordinate addition, encoded once, equals libsodium's add.
  std::array<std::uint8_t, 32> x{}, y{}, want{};
  for (int i = 0; i < 200; ++i) {
    crypto_core_ristretto255_random(x.data());
    crypto_core_ristretto255_random(y.data());
    crypto_core_ristretto255_add(want.data(), x.data(), y.data());
    field::Point px, py;
    REQUIRE(field::decode_ristretto_checked(x.data(), px));
    REQUIRE(field::decode_ristretto_checked(y.data(), py));
    CHECK(field::encode_ristretto(field::add(px, field::cache(py))) == want);
    // P + (-P) = identity.
    CHECK(field::encode_ristretto(field::add(px, field::negate(field::cache(px)))) == zero);
  }
}

TEST_CASE("he sum: Summer and sum() equal a chain of add()", "[he][sum]") {
  SecretKey sk = SecretKey::generate();
  std::mt19937_64 rng(3);
  for (std::size_t n : {1, 2, 3, 17, 100}) {
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
  }
}

TEST_CASE("he sum: the record fast path decides exactly as the strict parser", "[he][sum]") {
  SecretKey sk = SecretKey::generate(), other = SecretKey::generate();
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
