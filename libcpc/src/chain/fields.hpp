// SPDX-License-Identifier: Apache-2.0
// Strict reading of fixed-shape JSON objects (internal to the chain module): every member
// is typed and range-checked, unknown members are refused, and the first problem becomes
// a kBadInput Status naming the member ("tx: \"nonce\": integer out of range").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cpc/chain/types.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/status.hpp"

namespace cpc::chain::detail {

class Fields {
 public:
  // `what` prefixes error messages. A non-object is an error right away.
  Fields(const json::Value& obj, std::string what);

  // Each accessor records the member as seen and returns a default on error.
  std::string str(const char* key, std::size_t max_len);
  std::uint64_t u64(const char* key, std::uint64_t min = 0, std::uint64_t max = kMaxInt);
  std::int64_t i64(const char* key, std::int64_t min, std::int64_t max);
  Hash hash(const char* key);
  Signature sig(const char* key);
  // A member that may be JSON null (returns false for null).
  bool hash_or_null(const char* key, Hash& out);
  // Any value (nullptr when missing; the error is recorded).
  const json::Value* value(const char* key);
  // Fails on an error so far, or when the object has members no accessor asked for.
  Status finish() const;
  bool ok() const { return status_.is_ok(); }
  void fail(const std::string& message);

 private:
  const json::Value* find(const char* key);
  const json::Value& obj_;
  std::string what_;
  std::size_t seen_ = 0;
  Status status_;
};

// Typed helpers for building values.
inline json::Value hex_value(const Hash& h) {
  return to_hex(h);
}
std::string hex_sig(const Signature& s);

}  // namespace cpc::chain::detail
