// SPDX-License-Identifier: Apache-2.0
// Strict reading of fixed-shape JSON objects (fields.hpp).
#include "fields.hpp"

#include "cpc/codec/hex.hpp"

namespace cpc::chain::detail {

Fields::Fields(const json::Value& obj, std::string what) : obj_(obj), what_(std::move(what)) {
  if (!obj_.is_object()) status_ = Status::bad_input(what_ + ": not a JSON object");
}

void Fields::fail(const std::string& message) {
  if (status_.is_ok()) status_ = Status::bad_input(what_ + ": " + message);
}

const json::Value* Fields::find(const char* key) {
  if (!status_.is_ok()) return nullptr;
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    fail(std::string("missing \"") + key + "\"");
    return nullptr;
  }
  ++seen_;
  return &*it;
}

std::string Fields::str(const char* key, std::size_t max_len) {
  const json::Value* v = find(key);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    fail(std::string("\"") + key + "\" is not a string");
    return {};
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_len) {
    fail(std::string("\"") + key + "\" longer than " + std::to_string(max_len));
    return {};
  }
  return s;
}

std::uint64_t Fields::u64(const char* key, std::uint64_t min, std::uint64_t max) {
  const json::Value* v = find(key);
  if (v == nullptr) return 0;
  if (!v->is_number_unsigned() && !v->is_number_integer()) {
    fail(std::string("\"") + key + "\" is not an integer");
    return 0;
  }
  if (v->is_number_integer() && !v->is_number_unsigned() && v->get<std::int64_t>() < 0) {
    fail(std::string("\"") + key + "\" is negative");
    return 0;
  }
  std::uint64_t x = v->get<std::uint64_t>();
  if (x < min || x > max) {
    fail(std::string("\"") + key + "\" out of range [" + std::to_string(min) + ", " +
         std::to_string(max) + "]");
    return 0;
  }
  return x;
}

std::int64_t Fields::i64(const char* key, std::int64_t min, std::int64_t max) {
  const json::Value* v = find(key);
  if (v == nullptr) return 0;
  if (!v->is_number_integer()) {
    fail(std::string("\"") + key + "\" is not an integer");
    return 0;
  }
  std::int64_t x = v->get<std::int64_t>();
  if (x < min || x > max) {
    fail(std::string("\"") + key + "\" out of range");
    return 0;
  }
  return x;
}

Hash Fields::hash(const char* key) {
  Hash h{};
  std::string s = str(key, 64);
  if (ok()) {
    Status st = hex::decode_into(s, h);
    if (!st) fail(std::string("\"") + key + "\": " + st.message());
  }
  return h;
}

Signature Fields::sig(const char* key) {
  Signature g{};
  std::string s = str(key, 128);
  if (ok()) {
    Status st = hex::decode_into(s, g);
    if (!st) fail(std::string("\"") + key + "\": " + st.message());
  }
  return g;
}

bool Fields::hash_or_null(const char* key, Hash& out) {
  auto it = obj_.find(key);
  if (status_.is_ok() && it != obj_.end() && it->is_null()) {
    ++seen_;
    return false;
  }
  out = hash(key);
  return true;
}

const json::Value* Fields::value(const char* key) {
  return find(key);
}

Status Fields::finish() const {
  if (!status_.is_ok()) return status_;
  if (seen_ != obj_.size()) return Status::bad_input(what_ + ": unknown member");
  return Status::ok();
}

std::string hex_sig(const Signature& s) {
  return hex::encode(ByteView(s.data(), s.size()));
}

}  // namespace cpc::chain::detail
