// SPDX-License-Identifier: Apache-2.0
// hex and base64: RFC 4648 §10 vectors, strictness, round trips.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/hex.hpp"

using cpc::as_bytes;

TEST_CASE("hex round trip and strictness", "[codec][hex]") {
  cpc::Bytes b = {0x00, 0x01, 0xab, 0xff};
  CHECK(cpc::hex::encode(b) == "0001abff");
  auto d = cpc::hex::decode("0001abff");
  REQUIRE(d);
  CHECK(*d == b);
  CHECK_FALSE(cpc::hex::decode("0001ABFF"));  // one spelling only
  CHECK_FALSE(cpc::hex::decode("abc"));
  CHECK_FALSE(cpc::hex::decode("zz"));
  CHECK_FALSE(cpc::hex::decode("0001", 3));
  CHECK(cpc::hex::decode("0001").value().size() == 2);
}

TEST_CASE("base64 RFC 4648 vectors", "[codec][base64]") {
  const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(cpc::base64::encode(as_bytes(in[i])) == out[i]);
    auto d = cpc::base64::decode(out[i]);
    REQUIRE(d);
    CHECK(std::string(d->begin(), d->end()) == in[i]);
  }
}

TEST_CASE("base64 rejects non-canonical input", "[codec][base64]") {
  CHECK_FALSE(cpc::base64::decode("Zg="));     // length
  CHECK_FALSE(cpc::base64::decode("Zh=="));    // trailing bits set
  CHECK_FALSE(cpc::base64::decode("Zm9="));    // trailing bits set
  CHECK_FALSE(cpc::base64::decode("Zm 9"));    // whitespace
  CHECK_FALSE(cpc::base64::decode("Z==="));    // too much padding
  CHECK_FALSE(cpc::base64::decode("=Zm9"));    // padding first
  CHECK_FALSE(cpc::base64::decode("Zm9v\n"));  // newline
  CHECK_FALSE(cpc::base64::decode("Zm-_"));    // url alphabet
}

TEST_CASE("base64 round trips random data of every small length", "[codec][base64]") {
  for (std::size_t n = 0; n < 200; ++n) {
    cpc::Bytes b(n);
    if (n > 0) randombytes_buf(b.data(), b.size());
    std::string e = cpc::base64::encode(b);
    // Cross-check with libsodium's constant-time implementation.
    std::string ref(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(ref.data(), ref.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
    ref.resize(ref.size() - 1);
    CHECK(e == ref);
    auto d = cpc::base64::decode(e);
    REQUIRE(d);
    CHECK(*d == b);
  }
}
