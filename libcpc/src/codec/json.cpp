// SPDX-License-Identifier: Apache-2.0
// Strict I-JSON parsing and validation (json.hpp). parse() drives nlohmann's iterative SAX
// parser with a handler of our own that builds the Value, so that duplicate names, depth,
// integer range and noncharacters are refused while parsing, before any of it is stored.
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpc/codec/json.hpp"

namespace cpc::json {
namespace {

// RFC 7493 §2.2: integers beyond this magnitude are not exact in every peer's IEEE double.
constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

std::string hex_code_point(std::uint32_t cp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s = "U+";
  int shift = cp > 0xFFFFF ? 20 : cp > 0xFFFF ? 16 : 12;  // 4 to 6 digits, as Unicode writes them
  for (; shift >= 0; shift -= 4) s.push_back(kDigits[(cp >> shift) & 0xF]);
  return s;
}

// Empty when `s` is well-formed UTF-8 (RFC 3629) holding no surrogate and no noncharacter
// (RFC 7493 §2.1); otherwise why not. The empty string does not allocate.
std::string check_text(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    std::uint32_t cp = *p;
    if (cp < 0x80) {
      ++p;
      continue;
    }
    std::ptrdiff_t n;
    std::uint32_t min;
    if ((cp & 0xE0) == 0xC0) {
      n = 2, cp &= 0x1F, min = 0x80;
    } else if ((cp & 0xF0) == 0xE0) {
      n = 3, cp &= 0x0F, min = 0x800;
    } else if ((cp & 0xF8) == 0xF0) {
      n = 4, cp &= 0x07, min = 0x10000;
    } else {
      return "invalid UTF-8";
    }
    if (end - p < n) return "invalid UTF-8";
    for (std::ptrdiff_t i = 1; i < n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return "invalid UTF-8";
      cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF) return "invalid UTF-8";
    if (cp >= 0xD800 && cp <= 0xDFFF) return "surrogate " + hex_code_point(cp);
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
      return "noncharacter " + hex_code_point(cp);
    }
    p += n;
  }
  return {};
}

// A name or number as it may appear in an error message: quoted, escaped, at most ~40 bytes.
std::string display_quoted(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  std::size_t i = 0;
  for (; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      static constexpr char kDigits[] = "0123456789abcdef";
      out += "\\u00";
      out += kDigits[c >> 4];
      out += kDigits[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  // Do not end inside a multi-byte character.
  while (i < s.size() && i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
    out.pop_back();
    --i;
  }
  out += i < s.size() ? "\"…" : "\"";
  return out;
}

// `integer` is the ASCII token as written, which may be megabytes long.
std::string out_of_range(std::string_view integer) {
  constexpr std::size_t kMax = 40;
  std::string shown(integer.substr(0, kMax));
  if (integer.size() > kMax) shown += "…";
  return "integer " + shown + " outside ±(2^53-1)";
}

// nlohmann's messages carry a prefix and the raw token ("last read: '…'"), which may be
// long or not UTF-8; keep only the reason and what was expected.
std::string short_reason(const nlohmann::detail::exception& ex) {
  if (ex.id == 406) return "number out of range";
  std::string_view w = ex.what();
  if (auto dash = w.find(" - "); dash != w.npos) w.remove_prefix(dash + 3);
  auto last_read = w.find("; last read: ");
  if (last_read == w.npos) return std::string(w);
  std::string reason(w.substr(0, last_read));
  if (auto expected = w.rfind("; expected"); expected != w.npos && expected > last_read) {
    reason += w.substr(expected);
  }
  return reason;
}

// Builds the Value from SAX events (the shape of nlohmann's json_sax_dom_parser), refusing
// what I-JSON forbids. Each callback returns false to stop the parse; error_ says why.
class Builder {
 public:
  explicit Builder(std::size_t max_depth) : max_depth_(max_depth) {}

  Value& root() { return root_; }
  const std::string& error() const { return error_; }

  bool null() { return put(nullptr); }
  bool boolean(bool b) { return put(b); }
  bool number_integer(std::int64_t v) {
    if (v < -kMaxSafeInteger || v > kMaxSafeInteger) return large_integer(std::to_string(v));
    return put(v);
  }
  bool number_unsigned(std::uint64_t v) {
    if (v > static_cast<std::uint64_t>(kMaxSafeInteger)) return large_integer(std::to_string(v));
    return put(v);
  }
  bool number_float(double v, const std::string& token) {
    if (!std::isfinite(v)) return fail("number out of range");
    // An integer token too long for int64/uint64 arrives here as a double.
    if (token.find_first_of(".eE") == std::string::npos) return large_integer(token);
    return put(v);
  }
  // An integer beyond ±(2^53-1) names a double only approximately. It is accepted when it is
  // written exactly as RFC 8785 writes that double (e.g. 100000000000000000000 for 1e20), so
  // canonical output always parses back to itself; any other spelling would silently change
  // value and is refused (docs/json.md).
  bool large_integer(const std::string& token) {
    double d = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(d) || canonicalize(Value(d)) != token) return fail(out_of_range(token));
    return put(d);
  }
  bool string(std::string& s) {
    if (auto why = check_text(s); !why.empty()) return fail("string contains " + why);
    return put(std::move(s));
  }
  bool binary(Value::binary_t&) { return fail("binary value"); }  // never from JSON text

  bool start_object(std::size_t) { return open(Value::value_t::object); }
  bool key(std::string& k) {
    if (auto why = check_text(k); !why.empty()) return fail("name contains " + why);
    auto& members = stack_.back()->get_ref<Value::object_t&>();
    auto [it, inserted] = members.try_emplace(std::move(k));
    if (!inserted) return fail("duplicate key " + display_quoted(k));  // k not moved from
    member_ = &it->second;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Value::value_t::array); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    return fail("malformed JSON at byte " + std::to_string(position) + ": " + short_reason(ex));
  }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // Stores v where the grammar says it goes; returns its address.
  Value* place(Value&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    if (Value* top = stack_.back(); top->is_array()) {
      auto& items = top->get_ref<Value::array_t&>();
      items.push_back(std::move(v));
      return &items.back();
    }
    *member_ = std::move(v);
    return member_;
  }
  bool put(Value&& v) {
    place(std::move(v));
    return true;
  }
  bool open(Value::value_t type) {
    if (stack_.size() >= max_depth_) {
      return fail("JSON nested deeper than " + std::to_string(max_depth_) + " levels");
    }
    // The container's address is stable until it is closed: nothing else is added to its
    // parent meanwhile.
    stack_.push_back(place(Value(type)));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::size_t max_depth_;
  Value root_;
  std::vector<Value*> stack_;
  Value* member_ = nullptr;
  std::string error_;
};

Status validate_at(const Value& v, std::size_t depth, std::size_t max_depth) {
  using T = Value::value_t;
  switch (v.type()) {
    case T::object:
    case T::array:
      if (depth >= max_depth) {
        return Status::bad_input("JSON nested deeper than " + std::to_string(max_depth) +
                                 " levels");
      }
      if (v.is_array()) {
        for (const auto& item : v) CPC_RETURN_IF_ERROR(validate_at(item, depth + 1, max_depth));
        return Status::ok();
      }
      for (const auto& [name, member] : v.get_ref<const Value::object_t&>()) {
        if (auto why = check_text(name); !why.empty()) {
          return Status::bad_input("name " + display_quoted(name) + " contains " + why);
        }
        CPC_RETURN_IF_ERROR(validate_at(member, depth + 1, max_depth));
      }
      return Status::ok();
    case T::string:
      if (auto why = check_text(v.get_ref<const std::string&>()); !why.empty()) {
        return Status::bad_input("string contains " + why);
      }
      return Status::ok();
    case T::number_integer: {
      auto i = v.get<std::int64_t>();
      if (i < -kMaxSafeInteger || i > kMaxSafeInteger) {
        return Status::bad_input(out_of_range(std::to_string(i)));
      }
      return Status::ok();
    }
    case T::number_unsigned: {
      auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(kMaxSafeInteger)) {
        return Status::bad_input(out_of_range(std::to_string(u)));
      }
      return Status::ok();
    }
    case T::number_float:
      if (!std::isfinite(v.get<double>())) return Status::bad_input("non-finite number");
      return Status::ok();
    case T::null:
    case T::boolean:
      return Status::ok();
    case T::binary:
      return Status::bad_input("binary value is not JSON");
    case T::discarded:
      break;
  }
  return Status::bad_input("discarded value is not JSON");
}

}  // namespace

Result<Value> parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_size) {
    return Status::bad_input("JSON text longer than " + std::to_string(limits.max_size) + " bytes");
  }
  // RFC 8259 §8.1 lets a parser ignore a byte order mark; nlohmann does. We refuse it: a
  // record has one spelling.
  if (text.starts_with("\xEF\xBB\xBF")) {
    return Status::bad_input("malformed JSON at byte 1: byte order mark");
  }
  try {
    Builder builder(limits.max_depth);
    bool ok =
        Value::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                         /*strict=*/true, /*ignore_comments=*/false);
    if (!ok) return Status::bad_input(builder.error());
    return std::move(builder.root());
  } catch (const std::exception& e) {  // allocation failure; nlohmann reports via the handler
    return Status::bad_input(std::string("JSON parse failed: ") + e.what());
  }
}

Status validate(const Value& value, const ParseLimits& limits) {
  return validate_at(value, 0, limits.max_depth);
}

}  // namespace cpc::json
