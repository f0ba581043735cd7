// SPDX-License-Identifier: Apache-2.0
// cpc::json::canonicalize (RFC 8785): the RFC's examples, string escaping, UTF-16 member
// order, ECMAScript number formatting, and the vectors of tests/vectors/jcs_*.json computed
// by npm `canonicalize` (an independent implementation).
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "cpc/codec/json.hpp"

using cpc::json::canonicalize;
using cpc::json::parse;
using cpc::json::Value;

namespace {

Value load_vectors(const std::string& name) {
  std::ifstream in(std::string(CPC_VECTORS_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parse(text.str());
  REQUIRE(doc);
  REQUIRE((*doc)["vectors"].is_array());
  return std::move(doc).value();
}

std::string jcs(std::string_view text) {
  auto v = parse(text);
  REQUIRE(v);
  return canonicalize(*v);
}

}  // namespace

TEST_CASE("jcs canonicalizes a sensor record", "[codec][jcs]") {
  const std::string record = R"({"device":"t-17","t":1700000000,"temp":21.5})";
  CHECK(jcs(record) == record);
  CHECK(jcs(" { \"temp\" : 21.50 ,\n\"t\":1.7e9, \"device\":\"t-\\u00317\" } ") == record);
  CHECK(jcs("[]") == "[]");
  CHECK(jcs("{}") == "{}");
  CHECK(jcs("[null,true,false,{},[[]]]") == "[null,true,false,{},[[]]]");

  std::string out = "prefix:";
  cpc::json::canonicalize_append(parse(record).value(), out);
  CHECK(out == "prefix:" + record);
}

TEST_CASE("jcs RFC 8785 §3.2.2 example", "[codec][jcs]") {
  const char* input = R"({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
  CHECK(jcs(input) ==
        "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST_CASE("jcs sorts members by UTF-16 code units (RFC 8785 §3.2.3)", "[codec][jcs]") {
  const char* input = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";
  CHECK(jcs(input) ==
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
        "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
        "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
        "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");

  // UTF-8 byte order (the std::map's) puts U+E000 before U+1F600; UTF-16 puts the
  // surrogate pair D83D DE00 first.
  CHECK(jcs(R"({"\ue000":1,"\ud83d\ude00":2})") == "{\"\xF0\x9F\x98\x80\":2,\"\xEE\x80\x80\":1}");
  CHECK(jcs(R"({"\uffef":1,"\ud800\udc00":2,"\ud7ff":3})") ==
        "{\"\xED\x9F\xBF\":3,\"\xF0\x90\x80\x80\":2,\"\xEF\xBF\xAF\":1}");
  // A prefix sorts first; comparison continues past equal characters.
  CHECK(jcs(R"({"a\uffef":1,"a\ud83d\ude00":2,"a":3,"b":4})") ==
        "{\"a\":3,\"a\xF0\x9F\x98\x80\":2,\"a\xEF\xBF\xAF\":1,\"b\":4}");
  // Nested objects are sorted too.
  CHECK(jcs(R"({"z":{"\ue000":1,"\ud83d\ude00":2},"a":[{"b":1,"a":2}]})") ==
        "{\"a\":[{\"a\":2,\"b\":1}],\"z\":{\"\xF0\x9F\x98\x80\":2,\"\xEE\x80\x80\":1}}");
}

TEST_CASE("jcs escapes exactly what RFC 8785 §3.2.2.2 says", "[codec][jcs]") {
  const char* expected[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  for (int c = 0; c < 32; ++c) {
    INFO(c);
    CHECK(canonicalize(Value(std::string(1, static_cast<char>(c)))) ==
          "\"" + std::string(expected[c]) + "\"");
  }
  CHECK(canonicalize(Value("\"\\")) == R"("\"\\")");
  // Not escaped: '/', DEL, U+2028/U+2029, non-ASCII.
  CHECK(canonicalize(Value("/\x7F\xE2\x80\xA8\xE2\x80\xA9\xC3\xA9\xF0\x9F\x98\x80")) ==
        "\"/\x7F\xE2\x80\xA8\xE2\x80\xA9\xC3\xA9\xF0\x9F\x98\x80\"");
  CHECK(canonicalize(Value("a\tb\"c\\d\x01"
                           "e")) == R"("a\tb\"c\\d\u0001e")");
  CHECK(canonicalize(Value{{"k\n", "v"}}) == R"({"k\n":"v"})");
}

TEST_CASE("jcs formats numbers as ECMAScript does", "[codec][jcs]") {
  auto num = [](double x) { return canonicalize(Value(x)); };
  CHECK(num(0.0) == "0");
  CHECK(num(-0.0) == "0");
  CHECK(num(1.0) == "1");
  CHECK(num(-1.5) == "-1.5");
  CHECK(num(21.5) == "21.5");
  CHECK(num(0.1 + 0.2) == "0.30000000000000004");
  CHECK(num(1e21) == "1e+21");
  CHECK(num(1e20) == "100000000000000000000");
  CHECK(num(123e18) == "123000000000000000000");
  CHECK(num(1e-6) == "0.000001");
  CHECK(num(1e-7) == "1e-7");
  CHECK(num(-1.5e-7) == "-1.5e-7");
  CHECK(num(1.2345e-5) == "0.000012345");
  CHECK(num(5e-324) == "5e-324");
  CHECK(num(1.7976931348623157e308) == "1.7976931348623157e+308");
  // Not I-JSON: written as JSON.stringify does.
  CHECK(num(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(num(-std::numeric_limits<double>::infinity()) == "null");

  // Integers print as the double nearest to them would.
  CHECK(canonicalize(Value(0)) == "0");
  CHECK(canonicalize(Value(-7)) == "-7");
  CHECK(canonicalize(Value(1700000000)) == "1700000000");
  CHECK(canonicalize(Value(9007199254740992LL)) == "9007199254740992");
  CHECK(canonicalize(Value(-9007199254740992LL)) == "-9007199254740992");
  CHECK(canonicalize(Value(9007199254740993LL)) == "9007199254740992");
  CHECK(canonicalize(Value(std::numeric_limits<std::int64_t>::max())) == "9223372036854776000");
  CHECK(canonicalize(Value(std::numeric_limits<std::int64_t>::min())) == "-9223372036854776000");
  CHECK(canonicalize(Value(std::numeric_limits<std::uint64_t>::max())) == "18446744073709552000");
  CHECK(canonicalize(Value(std::uint64_t{1} << 53)) == "9007199254740992");
  for (std::int64_t i = -1000; i <= 1000; ++i) {
    REQUIRE(canonicalize(Value(i)) == canonicalize(Value(static_cast<double>(i))));
  }
}

TEST_CASE("jcs number vectors from npm canonicalize", "[codec][jcs][vectors]") {
  Value doc = load_vectors("jcs_numbers.json");
  REQUIRE(doc["vectors"].size() >= 24);  // RFC 8785 Appendix B first
  std::string out;
  for (const auto& v : doc["vectors"]) {
    const std::string& bits = v["bits"].get_ref<const std::string&>();
    const std::string& expected = v["canonical"].get_ref<const std::string&>();
    double x = std::bit_cast<double>(std::stoull(bits, nullptr, 16));
    INFO(bits);
    out.clear();
    cpc::json::canonicalize_append(Value(x), out);
    REQUIRE(out == expected);
    // Integral values in the safe range print the same when stored as an integer.
    if (std::abs(x) <= 9007199254740991.0 && std::trunc(x) == x) {
      REQUIRE(canonicalize(Value(static_cast<std::int64_t>(x))) == expected);
    }
    // The canonical text reads back as the same double (parse() refuses integer digits
    // beyond ±(2^53-1), which ES writes for integral values from 2^53 to 1e21).
    if (auto back = parse(expected)) REQUIRE(back->get<double>() == (x == 0 ? 0.0 : x));
  }
}

TEST_CASE("jcs object vectors from npm canonicalize", "[codec][jcs][vectors]") {
  Value doc = load_vectors("jcs_objects.json");
  REQUIRE(doc["vectors"].size() >= 2);  // RFC 8785 §3.2.2 and §3.2.3 first
  for (const auto& v : doc["vectors"]) {
    const std::string& input = v["input"].get_ref<const std::string&>();
    const std::string& expected = v["canonical"].get_ref<const std::string&>();
    INFO(input);
    auto value = parse("\n " + input + " \r\n");
    REQUIRE(value);
    REQUIRE(cpc::json::validate(*value));
    REQUIRE(canonicalize(*value) == expected);
    // Canonicalization is idempotent.
    auto again = parse(expected);
    REQUIRE(again);
    REQUIRE(canonicalize(*again) == expected);
  }
}
