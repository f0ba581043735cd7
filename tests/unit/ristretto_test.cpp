// SPDX-License-Identifier: Apache-2.0
// The point arithmetic and ristretto255 coding of ed25519_point.hpp, one test per operation:
// RFC 9496 Appendix A (the encodings of k·B for k < 16, every invalid encoding of A.2) for
// decoding and encoding, and libsodium's crypto_core_ristretto255_* for addition,
// subtraction, doubling, negation and the identity on random points.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "cpc/codec/hex.hpp"
#include "ed25519_point.hpp"

namespace ed = cpc::ed25519;
using Bytes32 = std::array<std::uint8_t, 32>;

namespace {

nlohmann::json rfc9496() {
  std::ifstream in(std::string(CPC_VECTORS_DIR) + "/rfc9496_ristretto255.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

Bytes32 from_hex(const std::string& h) {
  Bytes32 b{};
  REQUIRE(cpc::hex::decode_into(h, b).is_ok());
  return b;
}

ed::Point decoded(const Bytes32& b) {
  ed::Point p;
  REQUIRE(ed::decode_ristretto_checked(b.data(), p));
  return p;
}

Bytes32 random_point() {
  Bytes32 b;
  crypto_core_ristretto255_random(b.data());
  return b;
}

}  // namespace

TEST_CASE("ristretto255: RFC 9496 A.1 encodings decode and re-encode; k·B by additions",
          "[ed25519][ristretto][vectors]") {
  const auto v = rfc9496();
  std::vector<Bytes32> multiples;
  for (const auto& t : v["tests"]) {
    if (t["section"] == "A.1") multiples.push_back(from_hex(t["point"]));
  }
  REQUIRE(multiples.size() == 16);
  const ed::Cached b = ed::cache(decoded(multiples[1]));
  ed::Point acc = ed::identity();
  for (std::size_t k = 0; k < multiples.size(); ++k) {
    CAPTURE(k);
    const ed::Point p = decoded(multiples[k]);
    CHECK(ed::encode_ristretto(p) == multiples[k]);
    CHECK(ed::encode_ristretto(ed::decode_ristretto(multiples[k])) == multiples[k]);
    CHECK(ed::encode_ristretto(acc) == multiples[k]);  // k·B as B + B + … from the identity
    acc = ed::add(acc, b);
  }
}

TEST_CASE("ristretto255: every RFC 9496 A.2 invalid encoding is refused",
          "[ed25519][ristretto][vectors]") {
  const auto v = rfc9496();
  std::vector<Bytes32> bad;
  for (const auto& t : v["tests"]) {
    if (t["section"] == "A.2") {
      REQUIRE(t["expect"] == "invalid");
      bad.push_back(from_hex(t["point"]));
    }
  }
  REQUIRE(bad.size() == 29);  // all of RFC 9496 A.2
  std::vector<const std::uint8_t*> in;
  for (const auto& b : bad) {
    ed::Point p = ed::identity();
    CAPTURE(cpc::hex::encode(b));
    CHECK_FALSE(ed::decode_ristretto_checked(b.data(), p));
    CHECK(ed::encode_ristretto(p) == Bytes32{});  // `out` left untouched
    in.push_back(b.data());
  }
  std::vector<ed::Point> out(bad.size());
  std::unique_ptr<bool[]> ok(new bool[bad.size()]);
  ed::decode_ristretto_checked_n(in.data(), in.size(), out.data(), ok.get());
  for (std::size_t i = 0; i < bad.size(); ++i) CHECK_FALSE(ok[i]);
  // Bit 255 set on a valid encoding: RFC 9496 requires s < p, so it is refused too.
  Bytes32 b = random_point();
  b[31] |= 0x80;
  ed::Point p;
  CHECK_FALSE(ed::decode_ristretto_checked(b.data(), p));
}

TEST_CASE("ristretto255: decode and encode agree with libsodium on random encodings",
          "[ed25519][ristretto]") {
  for (int i = 0; i < 1000; ++i) {
    Bytes32 b;
    if (i % 2 == 0) {
      b = random_point();
    } else {
      randombytes_buf(b.data(), b.size());
      b[31] &= 0x7f;
    }
    CAPTURE(cpc::hex::encode(b));
    ed::Point p;
    const bool ours = ed::decode_ristretto_checked(b.data(), p);
    REQUIRE(ours == (crypto_core_ristretto255_is_valid_point(b.data()) == 1));
    if (ours) {
      CHECK(ed::encode_ristretto(p) == b);
      CHECK(ed::encode_ristretto(ed::decode_ristretto(b)) == b);
    }
  }
}

TEST_CASE("ristretto255: encode_ristretto_n equals one encoding at a time",
          "[ed25519][ristretto]") {
  for (std::size_t n = 0; n <= 12; ++n) {
    std::vector<Bytes32> want(n);
    std::vector<ed::Point> pts(n);
    for (std::size_t i = 0; i < n; ++i) {
      want[i] = i % 4 == 3 ? Bytes32{} : random_point();
      pts[i] = i % 4 == 3 ? ed::identity() : decoded(want[i]);
    }
    std::vector<Bytes32> got(n);
    ed::encode_ristretto_n(pts.data(), n, got.data());
    for (std::size_t i = 0; i < n; ++i) CHECK(got[i] == want[i]);
  }
}

TEST_CASE("ristretto255: add, add_c, sub_c, negate and dbl agree with libsodium",
          "[ed25519][ristretto]") {
  const Bytes32 zero{};
  for (int i = 0; i < 300; ++i) {
    const Bytes32 x = random_point(), y = random_point();
    Bytes32 sum{}, diff{}, twice{};
    crypto_core_ristretto255_add(sum.data(), x.data(), y.data());
    crypto_core_ristretto255_sub(diff.data(), x.data(), y.data());
    crypto_core_ristretto255_add(twice.data(), x.data(), x.data());
    const ed::Point px = decoded(x), py = decoded(y);
    const ed::Cached cy = ed::cache(py);
    CHECK(ed::encode_ristretto(ed::add(px, cy)) == sum);
    CHECK(ed::encode_ristretto(ed::to_point(ed::add_c(px, cy))) == sum);
    CHECK(ed::encode_ristretto(ed::to_point(ed::sub_c(px, cy))) == diff);
    CHECK(ed::encode_ristretto(ed::add(px, ed::negate(cy))) == diff);
    CHECK(ed::encode_ristretto(ed::add(px, ed::negate(ed::cache(px)))) == zero);
    // Doubling: from the extended point, and from X, Y, Z alone (to_p2 leaves T unusable).
    CHECK(ed::encode_ristretto(ed::to_point(ed::dbl(px))) == twice);
    CHECK(ed::encode_ristretto(ed::add(px, ed::cache(px))) == twice);
    Bytes32 four{};
    crypto_core_ristretto255_add(four.data(), twice.data(), twice.data());
    CHECK(ed::encode_ristretto(ed::to_point(ed::dbl(ed::to_p2(ed::dbl(px))))) == four);
  }
  // The identity: neutral for add, fixed by dbl, encodes as zeros.
  const ed::Point id = ed::identity();
  CHECK(ed::encode_ristretto(id) == zero);
  CHECK(ed::encode_ristretto(ed::to_point(ed::dbl(id))) == zero);
  CHECK(ed::encode_ristretto(ed::add(id, ed::cache(id))) == zero);
  const Bytes32 x = random_point();
  CHECK(ed::encode_ristretto(ed::add(id, ed::cache(decoded(x)))) == x);
  CHECK(ed::encode_ristretto(ed::add(decoded(x), ed::cache(id))) == x);
}
