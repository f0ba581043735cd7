// SPDX-License-Identifier: Apache-2.0
// Strict JSON in, canonical JSON out. Every record cpchain signs or hashes is first parsed
// with parse(), which accepts only I-JSON (RFC 7493) texts, and then serialized with
// canonicalize(), the RFC 8785 JSON Canonicalization Scheme (JCS), so that two parties that
// hold the same record compute the same bytes. The rules are written down in docs/json.md.
//
// Thread safety: pure functions; distinct threads may use distinct Values freely.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cpc/status.hpp"

namespace cpc::json {

// A parsed JSON value. Objects keep their members in a std::map (sorted by UTF-8 bytes),
// so a Value never holds two members with the same name.
using Value = nlohmann::json;

struct ParseLimits {
  std::size_t max_depth = 64;       // arrays and objects nested at most this deep
  std::size_t max_size = 16 << 20;  // bytes of JSON text
};

// Parses one JSON text (RFC 8259 §2), optionally surrounded by whitespace, and checks that
// it is an I-JSON message (RFC 7493 §2) that JCS can represent exactly:
//   - strings and names are valid UTF-8 with no lone surrogate (escaped or raw) and no
//     Unicode noncharacter (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF) (RFC 7493 §2.1);
//   - no object has two members with the same name (RFC 7493 §2.3);
//   - integers (numbers without fraction or exponent) lie within ±(2^53−1), and every
//     number is finite as an IEEE 754 double (RFC 7493 §2.2);
//   - no byte order mark, no comments, nothing but whitespace after the value;
//   - at most limits.max_size bytes and limits.max_depth levels of nesting. The parser is
//     iterative, so a hostile text cannot exhaust the stack.
// Integers are stored as int64/uint64, other numbers as double.
// Errors (kBadInput), one line each, e.g.:
//   "malformed JSON at byte 17: unexpected '}'; expected end of input"
//   "duplicate key \"a\"", "JSON nested deeper than 64 levels",
//   "integer 9007199254740993 outside ±(2^53-1)", "JSON text longer than 16777216 bytes".
// Allocates the returned Value; throws nothing.
Result<Value> parse(std::string_view text, const ParseLimits& limits = {});

// Checks that a Value built in code satisfies everything parse() guarantees (the limits
// apply to depth only): valid UTF-8 without noncharacters, integers within ±(2^53−1),
// finite numbers, no binary or discarded values. Call it before canonicalize() on any
// Value that did not come from parse(). Errors: kBadInput naming the first problem.
Status validate(const Value& value, const ParseLimits& limits = {});

// Appends the RFC 8785 canonical form of `value` to `out`:
//   - no whitespace; object members sorted by the UTF-16 code units of their names
//     (RFC 8785 §3.2.3), which differs from UTF-8 byte order for U+E000..U+FFFF versus
//     characters above U+FFFF;
//   - strings escape only '"', '\\' and U+0000..U+001F, as \b \t \n \f \r or lowercase
//     \u00xx; everything else is copied as raw UTF-8 (RFC 8785 §3.2.2.2);
//   - numbers as ECMAScript Number.prototype.toString (RFC 8785 §3.2.2.3): shortest
//     round-trip digits, exponent form below 1e-6 and from 1e21, -0 as 0. An int64/uint64
//     prints exactly as the double nearest to it would.
// REQUIRES: validate(value) succeeds (always true of a Value from parse()). Otherwise the
// output is deterministic but not JCS: non-finite numbers, binary and discarded values are
// written as null (as JSON.stringify does) and strings are copied byte for byte.
// Recursion depth equals the Value's nesting depth. Allocates only by growing `out`
// (and, for objects with names at or above U+E000, a small scratch vector).
void canonicalize_append(const Value& value, std::string& out);

// canonicalize_append() into a fresh string.
std::string canonicalize(const Value& value);

}  // namespace cpc::json
