// SPDX-License-Identifier: Apache-2.0
// cpc::json::parse and validate: RFC 8259 grammar, the I-JSON restrictions of RFC 7493
// (duplicate names, integer range, UTF-8, surrogates, noncharacters), limits and messages.
#include <cmath>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "cpc/codec/json.hpp"

using cpc::json::parse;
using cpc::json::Value;

namespace {

// The error message of a parse that must fail.
std::string parse_error(std::string_view text, const cpc::json::ParseLimits& limits = {}) {
  auto r = parse(text, limits);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == cpc::Code::kBadInput);
  return r.status().message();
}

}  // namespace

TEST_CASE("json parse accepts RFC 8259 texts", "[codec][json]") {
  auto r = parse(R"({"device":"t-17","t":1700000000,"temp":21.5,"ok":true,"x":null,"a":[]})");
  REQUIRE(r);
  CHECK((*r)["device"] == "t-17");
  CHECK((*r)["t"].is_number_integer());
  CHECK((*r)["t"].get<std::int64_t>() == 1700000000);
  CHECK((*r)["temp"].is_number_float());
  CHECK((*r)["temp"].get<double>() == 21.5);
  CHECK((*r)["a"].is_array());

  // Any value at top level, with whitespace around (RFC 8259 §2).
  CHECK(parse(" \t\r\n42\n ").value() == 42);
  CHECK(parse("\"s\"").value() == "s");
  CHECK(parse("null").value().is_null());
  CHECK(parse("[[], {}, [{}]]").value().size() == 3);
  CHECK(parse("-0").value() == 0);
  CHECK(std::signbit(parse("-0.0").value().get<double>()));
  CHECK(parse("1E2").value().get<double>() == 100);
  CHECK(parse("\"\\ud83d\\ude00\"").value() == "\xF0\x9F\x98\x80");    // escaped pair
  CHECK(parse("\"\xF0\x9F\x98\x80\"").value() == "\xF0\x9F\x98\x80");  // raw
  CHECK(parse("\"\\uFFFD\\u2028\\u007f\"").value() == "\xEF\xBF\xBD\xE2\x80\xA8\x7F");
  CHECK(parse("{\"a\":{\"b\":1},\"c\":{\"b\":2}}"));  // same name in different objects
}

TEST_CASE("json parse rejects what RFC 8259 does not allow", "[codec][json]") {
  CHECK(parse_error("{\"a\":1}}") ==
        "malformed JSON at byte 8: unexpected '}'; expected end of input");
  CHECK(parse_error("{\"a\":1,}") ==
        "malformed JSON at byte 8: unexpected '}'; expected string literal");
  CHECK(parse_error("") ==
        "malformed JSON at byte 1: unexpected end of input; expected '[', '{', or a literal");
  CHECK(parse_error("[1] x") == "malformed JSON at byte 5: invalid literal; expected end of input");
  const char* bad[] = {"   ",       "[1,]",     "{} {}",
                       "[1",        "{\"a\"}",  "{a:1}",
                       "'a'",       "01",       "+1",
                       ".5",        "1.",       "0x10",
                       "NaN",       "Infinity", "-Infinity",
                       "tru",       "/*c*/1",   "// c\n1",
                       "[1,2]]",    "\"a",      "\"\\x41\"",
                       "\"\\u12\"", "1 2",      "\"\t\"",
                       "\"\x01\"",  "[,1]",     "{\"a\":1 \"b\":2}"};
  for (const char* text : bad) {
    INFO(text);
    CHECK(parse_error(text).starts_with("malformed JSON at byte "));
  }
  // RFC 8259 §8.1 lets parsers skip a byte order mark; a canonical record has none.
  CHECK(parse_error("\xEF\xBB\xBF{}") == "malformed JSON at byte 1: byte order mark");
}

TEST_CASE("json parse rejects duplicate names", "[codec][json]") {
  CHECK(parse_error(R"({"a":1,"a":2})") == "duplicate key \"a\"");
  CHECK(parse_error(R"({"a":1,"b":{"c":1,"c":1}})") == "duplicate key \"c\"");
  // Names are compared after unescaping.
  CHECK(parse_error(R"({"a":1,"\u0061":2})") == "duplicate key \"a\"");
  CHECK(parse_error(R"({"\n":1,"\n":2})") == "duplicate key \"\\u000a\"");
  std::string long_name(100, 'k');
  CHECK(parse_error("{\"" + long_name + "\":1,\"" + long_name + "\":1}") ==
        "duplicate key \"" + std::string(40, 'k') + "\"…");
}

TEST_CASE("json parse enforces the depth and size limits", "[codec][json]") {
  std::string ok = std::string(64, '[') + std::string(64, ']');
  CHECK(parse(ok));
  std::string deep = std::string(65, '[') + std::string(65, ']');
  CHECK(parse_error(deep) == "JSON nested deeper than 64 levels");
  std::string objects;
  for (int i = 0; i < 65; ++i) objects += "{\"a\":";
  objects += "1" + std::string(65, '}');
  CHECK(parse_error(objects) == "JSON nested deeper than 64 levels");

  cpc::json::ParseLimits limits;
  limits.max_depth = 2;
  CHECK(parse("[[1]]", limits));
  CHECK(parse_error("[[[1]]]", limits) == "JSON nested deeper than 2 levels");
  CHECK(parse_error("[{\"a\":[]}]", limits) == "JSON nested deeper than 2 levels");
  limits.max_depth = 0;
  CHECK(parse("7", limits));
  CHECK_FALSE(parse("[]", limits));

  // A hostile text a million levels deep fails fast, without exhausting the stack, even
  // when the caller lifts the depth limit (the parser and Value destruction are iterative).
  std::string hostile(1'000'000, '[');
  CHECK(parse_error(hostile) == "JSON nested deeper than 64 levels");
  limits.max_depth = 2'000'000;
  CHECK_FALSE(parse(hostile, limits));
  CHECK(parse(hostile + std::string(1'000'000, ']'), limits));

  limits = {};
  limits.max_size = 10;
  CHECK(parse("[1,2,3,45]", limits));
  CHECK(parse_error("[1,2,3,456]", limits) == "JSON text longer than 10 bytes");
}

TEST_CASE("json parse keeps numbers within I-JSON", "[codec][json]") {
  CHECK(parse("9007199254740991").value() == 9007199254740991LL);
  CHECK(parse("-9007199254740991").value() == -9007199254740991LL);
  CHECK(parse_error("9007199254740993") == "integer 9007199254740993 outside ±(2^53-1)");
  CHECK(parse_error("-9007199254740993") == "integer -9007199254740993 outside ±(2^53-1)");
  CHECK(parse_error("1152921504606846976") ==  // 2^60 exactly, but not its canonical spelling
        "integer 1152921504606846976 outside ±(2^53-1)");
  // Large integers already in RFC 8785 form are the doubles they name, so canonical output
  // always parses back to itself.
  for (const char* canonical : {"9007199254740992", "-9007199254740992", "1152921504606847000",
                                "100000000000000000000", "295147905179352830000"}) {
    auto v = cpc::json::parse(canonical);
    REQUIRE(v);
    CHECK(v->is_number_float());
    CHECK(cpc::json::canonicalize(*v) == canonical);
  }
  CHECK(parse_error("[18446744073709551615]") == "integer 18446744073709551615 outside ±(2^53-1)");
  CHECK(parse_error("-9223372036854775809") == "integer -9223372036854775809 outside ±(2^53-1)");
  CHECK(parse_error(std::string(50, '9')) ==
        "integer " + std::string(40, '9') + "… outside ±(2^53-1)");
  // Numbers with a fraction or an exponent are doubles: any finite one is allowed.
  CHECK(parse("1e20").value().get<double>() == 1e20);
  CHECK(parse("9007199254740993.0").value().is_number_float());
  CHECK(parse("1.7976931348623157e308"));
  CHECK(parse("5e-324"));
  CHECK(parse("1e-400").value().get<double>() == 0);  // underflow rounds to zero
  CHECK(parse_error("1e400") == "malformed JSON at byte 5: number out of range");
  CHECK(parse_error("[-1.8e308]").find("number out of range") != std::string::npos);
}

TEST_CASE("json parse rejects invalid UTF-8, surrogates and noncharacters", "[codec][json]") {
  const char* bad_utf8[] = {
      "\"\xFF\"",              // never valid
      "\"\xC0\xAF\"",          // overlong '/'
      "\"\xE0\x80\xAF\"",      // overlong, 3 bytes
      "\"\xE2\x82\"",          // truncated €
      "\"\x80\"",              // stray continuation byte
      "\"\xED\xA0\x80\"",      // raw surrogate U+D800
      "\"\xF4\x90\x80\x80\"",  // above U+10FFFF
      "{\"\xFF\":1}",          // in a name
  };
  for (const char* text : bad_utf8) {
    INFO(text);
    CHECK(parse_error(text).find("ill-formed UTF-8 byte") != std::string::npos);
  }
  // Escaped lone surrogates (RFC 8259 §8.2; RFC 7493 §2.1).
  for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\ude00\ud83d")",
                           R"("a\udbff")", R"({"\ud800":1})"}) {
    INFO(text);
    CHECK(parse_error(text).find("surrogate") != std::string::npos);
  }
  // Noncharacters (RFC 7493 §2.1), escaped or raw, in strings and names.
  CHECK(parse_error(R"("\uffff")") == "string contains noncharacter U+FFFF");
  CHECK(parse_error(R"("\uFDD0")") == "string contains noncharacter U+FDD0");
  CHECK(parse_error(R"("\ufdef")") == "string contains noncharacter U+FDEF");
  CHECK(parse_error("\"\xEF\xBF\xBE\"") == "string contains noncharacter U+FFFE");
  CHECK(parse_error(R"("\ud83f\udffe")") == "string contains noncharacter U+1FFFE");
  CHECK(parse_error(R"("\udbff\udfff")") == "string contains noncharacter U+10FFFF");
  CHECK(parse_error(R"({"\uffff":1})") == "name contains noncharacter U+FFFF");
  CHECK(parse(R"("\ufdcf\ufdf0\ufffd\ud83f\udffd")"));  // neighbours are fine
}

TEST_CASE("json validate checks Values built in code", "[codec][json]") {
  using cpc::json::validate;
  CHECK(validate(Value{{"a", 1}, {"b", {1.5, "x", nullptr, true}}}));
  CHECK(validate(Value(9007199254740991LL)));
  CHECK(validate(Value(-9007199254740991LL)));
  CHECK(validate(Value(1e300)));

  CHECK(validate(Value(9007199254740992LL)).message() ==
        "integer 9007199254740992 outside ±(2^53-1)");
  CHECK_FALSE(validate(Value(std::numeric_limits<std::uint64_t>::max())));
  CHECK_FALSE(validate(Value(std::numeric_limits<std::int64_t>::min())));
  CHECK(validate(Value(std::nan(""))).message() == "non-finite number");
  CHECK_FALSE(validate(Value{{"a", {1, std::numeric_limits<double>::infinity()}}}));
  CHECK(validate(Value("\xFF")).message() == "string contains invalid UTF-8");
  CHECK(validate(Value("\xED\xA0\x80")).message() == "string contains surrogate U+D800");
  CHECK(validate(Value{{"\xEF\xBF\xBF", 1}}).message() ==
        "name \"\xEF\xBF\xBF\" contains noncharacter U+FFFF");
  CHECK_FALSE(validate(Value::binary({1, 2, 3})));
  CHECK_FALSE(validate(Value(Value::value_t::discarded)));

  cpc::json::ParseLimits limits;
  limits.max_depth = 1;
  CHECK(validate(Value{1, 2}, limits));
  CHECK(validate(Value::array({Value::array({1, 2})}), limits).message() ==
        "JSON nested deeper than 1 levels");
}
