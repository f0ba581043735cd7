// SPDX-License-Identifier: Apache-2.0
// cid.hpp: unsigned varints, CIDv1 text and binary forms, strict parsing. Expected strings
// come from npm multiformats (CID.create(1, code, sha256("hello world"))).
#include <cctype>

#include <catch2/catch.hpp>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/hex.hpp"

using cpc::as_bytes;
using cpc::Bytes;
using cpc::ByteView;
namespace cid = cpc::cid;

namespace {

constexpr const char* kHelloRaw = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
constexpr const char* kHelloDagPb = "bafybeifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
constexpr const char* kHelloDagCbor = "bafyreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
constexpr const char* kHelloV0 = "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4";
constexpr const char* kEmptyRaw = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

Bytes varint(std::uint64_t v) {
  Bytes out;
  cid::put_varint(v, out);
  return out;
}

cpc::Result<std::uint64_t> read_varint(const Bytes& b, std::size_t* left = nullptr) {
  ByteView in = b;
  auto r = cid::get_varint(in);
  if (left) *left = in.size();
  return r;
}

std::string message_of(const cpc::Result<cid::Cid>& r) {
  return r.status().message();
}

}  // namespace

TEST_CASE("varint round trips and known encodings", "[codec][cid]") {
  CHECK(varint(0) == Bytes{0x00});
  CHECK(varint(1) == Bytes{0x01});
  CHECK(varint(127) == Bytes{0x7f});
  CHECK(varint(128) == Bytes{0x80, 0x01});
  CHECK(varint(300) == Bytes{0xac, 0x02});
  CHECK(varint(16384) == Bytes{0x80, 0x80, 0x01});
  for (std::uint64_t v :
       {std::uint64_t{0}, std::uint64_t{0x55}, std::uint64_t{0x70}, std::uint64_t{1} << 20,
        std::uint64_t{1} << 35, (std::uint64_t{1} << 63) - 1}) {
    Bytes b = varint(v);
    b.push_back(0xee);  // the next field: must be left in place
    std::size_t left = 0;
    auto r = read_varint(b, &left);
    REQUIRE(r);
    CHECK(*r == v);
    CHECK(left == 1);
  }
  CHECK(varint((std::uint64_t{1} << 63) - 1).size() == cid::kMaxVarintSize);
}

TEST_CASE("varint rejects truncated, overlong and overflowing input", "[codec][cid]") {
  CHECK_FALSE(read_varint({}));
  CHECK_FALSE(read_varint({0x80}));
  CHECK_FALSE(read_varint({0xff, 0xff}));
  // Non-minimal: 0 as two bytes, 1 padded with a zero group.
  CHECK_FALSE(read_varint({0x80, 0x00}));
  CHECK_FALSE(read_varint({0x81, 0x00}));
  CHECK_FALSE(read_varint({0x81, 0x80, 0x00}));
  // 2^63 needs 10 bytes: beyond the multiformats limit of 9.
  CHECK_FALSE(read_varint(varint(std::uint64_t{1} << 63)));
  CHECK_FALSE(read_varint(Bytes(9, 0xff)));
  // On error the input view is not consumed.
  Bytes b = {0x80, 0x00};
  ByteView in = b;
  CHECK_FALSE(cid::get_varint(in));
  CHECK(in.size() == 2);
}

TEST_CASE("CIDs of known blocks", "[codec][cid]") {
  const cid::Cid hello = cid::raw_cid(as_bytes("hello world"));
  CHECK(hello.codec == cid::kRaw);
  CHECK(cpc::hex::encode(hello.digest) ==
        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  CHECK(cid::to_string(hello) == kHelloRaw);
  CHECK(cid::to_string(cid::cid_of(cid::kDagPb, as_bytes("hello world"))) == kHelloDagPb);
  CHECK(cid::to_string(cid::raw_cid({})) == kEmptyRaw);
  CHECK(cid::to_string(hello).size() == cid::kStringSize);
  CHECK(cid::verify(hello, as_bytes("hello world")));
  CHECK_FALSE(cid::verify(hello, as_bytes("hello world!")));
  CHECK_FALSE(cid::verify(hello, {}));
}

TEST_CASE("CID text form round trips", "[codec][cid]") {
  for (const char* s : {kHelloRaw, kHelloDagPb, kEmptyRaw}) {
    auto c = cid::parse(s);
    REQUIRE(c);
    CHECK(cid::to_string(*c) == s);
  }
  CHECK(cid::parse(kHelloDagPb)->codec == cid::kDagPb);
  CHECK(*cid::parse(kHelloRaw) == cid::raw_cid(as_bytes("hello world")));
}

TEST_CASE("CID parsing is strict", "[codec][cid]") {
  const std::string good = kHelloRaw;
  CHECK_FALSE(cid::parse(""));
  CHECK_FALSE(cid::parse("b"));
  auto v0 = cid::parse(kHelloV0);
  REQUIRE_FALSE(v0);
  CHECK(v0.status().code() == cpc::Code::kBadInput);
  CHECK(message_of(v0).find("CIDv0") != std::string::npos);
  CHECK(message_of(cid::parse("z" + good.substr(1))).find("multibase") != std::string::npos);
  std::string upper = good;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  CHECK_FALSE(cid::parse(upper));                  // 'B' prefix: base32upper
  CHECK_FALSE(cid::parse("b" + upper.substr(1)));  // uppercase digits
  CHECK_FALSE(cid::parse(good + "="));             // padding
  CHECK_FALSE(cid::parse(good + "aaaaaaaa"));      // 5 trailing bytes
  CHECK_FALSE(cid::parse(good + "a"));             // impossible base32 length
  CHECK_FALSE(cid::parse(good.substr(0, 50)));     // truncated digest
  CHECK_FALSE(cid::parse(good + " "));
  CHECK_FALSE(cid::parse(" " + good));
  // Last character carries 3 data bits and 2 padding bits: 'e' = 00100 is canonical,
  // 'f' = 00101 sets a padding bit.
  CHECK_FALSE(cid::parse(good.substr(0, good.size() - 1) + "f"));
  auto cbor = cid::parse(kHelloDagCbor);
  REQUIRE_FALSE(cbor);
  CHECK(message_of(cbor).find("codec 0x71") != std::string::npos);
}

TEST_CASE("CID binary form", "[codec][cid]") {
  const cid::Cid c = cid::cid_of(cid::kDagPb, as_bytes("x"));
  Bytes b = cid::to_bytes(c);
  REQUIRE(b.size() == cid::kBinarySize);
  CHECK(cpc::hex::encode(ByteView(b).first(4)) == "01701220");
  auto back = cid::from_bytes(b);
  REQUIRE(back);
  CHECK(*back == c);

  Bytes trailing = b;
  trailing.push_back(0);
  CHECK(message_of(cid::from_bytes(trailing)).find("trailing") != std::string::npos);
  CHECK_FALSE(cid::from_bytes(ByteView(b).first(35)));
  CHECK_FALSE(cid::from_bytes({}));

  Bytes v0(b.begin() + 2, b.end());  // 0x12 0x20 digest: a CIDv0
  CHECK(message_of(cid::from_bytes(v0)).find("CIDv0") != std::string::npos);
  Bytes v2 = b;
  v2[0] = 0x02;
  CHECK_FALSE(cid::from_bytes(v2));
  Bytes sha512 = b;  // multihash sha2-512 (0x13) with a 32-byte digest
  sha512[2] = 0x13;
  CHECK(message_of(cid::from_bytes(sha512)).find("multihash 0x13") != std::string::npos);
  Bytes blake = b;  // blake2b-256 (0xb220): a two-byte varint code
  blake.erase(blake.begin() + 2);
  blake.insert(blake.begin() + 2, {0xa0, 0xe4, 0x02});
  CHECK_FALSE(cid::from_bytes(blake));
  Bytes short_digest = b;
  short_digest[3] = 0x14;
  CHECK_FALSE(cid::from_bytes(short_digest));
  Bytes overlong_codec = b;  // codec 0x70 spelled as two varint bytes
  overlong_codec[1] = 0xf0;
  overlong_codec.insert(overlong_codec.begin() + 2, 0x00);
  CHECK_FALSE(cid::from_bytes(overlong_codec));
}
