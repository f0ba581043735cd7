// SPDX-License-Identifier: Apache-2.0
// cpc::Status and cpc::Result (cpc/status.hpp): a Result always holds a value or an error,
// and catch_alloc turns an allocation failure into kIo; SecretBytes::allocate reports
// instead of throwing (cpc/crypto/secure_memory.hpp).
#include <catch2/catch.hpp>

#include <new>
#include <string>

#include "cpc/crypto/secure_memory.hpp"
#include "cpc/status.hpp"

using namespace cpc;

TEST_CASE("a Result built from an OK status holds an error, not nothing", "[status]") {
  Result<int> r(Status::ok());
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kIo);
  CHECK(r.status().message().find("internal error") != std::string::npos);
  Result<int> v(7);
  REQUIRE(v);
  CHECK(*v == 7);
  CHECK(v.status().is_ok());
  Result<int> e(Status::refused("no"));
  CHECK(e.status().code() == Code::kRefused);
  CHECK(e.status().message() == "no");
}

TEST_CASE("catch_alloc turns std::bad_alloc into kIo and passes the rest through", "[status]") {
  Status s = catch_alloc("test buffer", []() -> Status { throw std::bad_alloc(); });
  CHECK(s.code() == Code::kIo);
  CHECK(s.message() == "out of memory (test buffer)");
  Result<int> r = catch_alloc("x", []() -> Result<int> { return 3; });
  REQUIRE(r);
  CHECK(*r == 3);
  Status bad = catch_alloc("x", [] { return Status::bad_input("malformed"); });
  CHECK(bad.code() == Code::kBadInput);
}

TEST_CASE("SecretBytes::allocate gives zeroed secure memory or a Status", "[status][keys]") {
  auto b = SecretBytes::allocate(48);
  REQUIRE(b);
  CHECK(b->size() == 48);
  CHECK_FALSE(b->empty());
  for (std::size_t i = 0; i < b->size(); ++i) CHECK(b->data()[i] == 0);
  // More than the address space can hold: sodium_malloc fails, allocate says so.
  auto huge = SecretBytes::allocate(std::size_t{1} << 62);
  REQUIRE_FALSE(huge);
  CHECK(huge.status().code() == Code::kIo);
  CHECK(huge.status().message().find("out of secure memory") != std::string::npos);
}
