// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the strict JSON parser and RFC 8785 canonicalization. Invariants: parse never
// crashes; a parsed value canonicalizes to text that parses to an equal value, and
// canonicalizing that again gives the same bytes.
#include <sodium.h>

#include <cstdlib>

#include "cpc/codec/json.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return sodium_init() < 0 ? 1 : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = cpc::json::parse(text);
  if (!v) return 0;
  std::string canon = cpc::json::canonicalize(*v);
  auto again = cpc::json::parse(canon);
  if (!again || cpc::json::canonicalize(*again) != canon) std::abort();
  return 0;
}
