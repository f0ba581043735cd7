// SPDX-License-Identifier: Apache-2.0
// RFC 8785 JSON Canonicalization Scheme (json.hpp: canonicalize). This is on the signing hot
// path (~10^5 small records per second), so it appends straight into the caller's string,
// escapes strings in runs, formats numbers with std::to_chars, and sorts object members
// only when their UTF-16 order can differ from the std::map's UTF-8 order.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "cpc/codec/json.hpp"

namespace cpc::json {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// RFC 8785 §3.2.2.2: the character after '\' for each byte that must be escaped ('u' for
// \u00xx), 0 for bytes copied as they are.
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 'u';
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

void append_string(std::string_view s, std::string& out) {
  out.push_back('"');
  const char* run = s.data();
  const char* end = run + s.size();
  for (const char* p = run; p < end; ++p) {
    char e = kEscapes[static_cast<unsigned char>(*p)];
    if (e == 0) continue;
    out.append(run, p);
    if (e == 'u') {
      auto c = static_cast<unsigned char>(*p);
      const char esc[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
      out.append(esc, sizeof esc);
    } else {
      const char esc[2] = {'\\', e};
      out.append(esc, sizeof esc);
    }
    run = p + 1;
  }
  out.append(run, end);
  out.push_back('"');
}

// RFC 8785 §3.2.2.3: ECMAScript Number.prototype.toString (ECMA-262 Number::toString).
void append_double(double x, std::string& out) {
  if (!std::isfinite(x)) {  // not I-JSON; JSON.stringify writes null
    out += "null";
    return;
  }
  if (x == 0) {  // +0 and -0
    out.push_back('0');
    return;
  }
  if (x < 0) {
    out.push_back('-');
    x = -x;
  }
  // Shortest digits that round-trip, closest to x on ties: the s and k of ECMA-262.
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  // buf is "d[.ddd]e±XX": collect the k significant digits and the decimal exponent.
  char digits[20];
  int k = 0;
  const char* p = buf;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  ++p;
  bool negative_exp = *p == '-';
  int exp = 0;
  for (++p; p < r.ptr; ++p) exp = exp * 10 + (*p - '0');
  int n = (negative_exp ? -exp : exp) + 1;  // x = 0.digits × 10^n

  if (k <= n && n <= 21) {  // integer: digits then n−k zeros
    out.append(digits, k);
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {  // point inside the digits
    out.append(digits, n);
    out.push_back('.');
    out.append(digits + n, k - n);
  } else if (-6 < n && n <= 0) {  // 0.000ddd
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out.append(digits, k);
  } else {  // d[.ddd]e±X
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits + 1, k - 1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    char e[4];
    auto er = std::to_chars(e, e + sizeof e, std::abs(n - 1));
    out.append(e, er.ptr);
  }
}

// Integers up to 2^53 print as their decimal digits, which is what Number::toString gives
// for them; beyond, they print as the nearest double does.
template <typename Int>
void append_integer(Int v, std::string& out) {
  constexpr Int kExact = Int{1} << 53;
  bool exact = v <= kExact;
  if constexpr (std::is_signed_v<Int>) exact = exact && v >= -kExact;
  if (!exact) {
    append_double(static_cast<double>(v), out);
    return;
  }
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The rank of the next character in UTF-16 code-unit order. Code points map to themselves
// except U+E000..U+FFFF, which UTF-16 puts after the surrogate pairs of U+10000 and above.
std::uint32_t next_utf16_rank(const unsigned char*& p, const unsigned char* end) {
  std::uint32_t c = *p++;
  int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (more > 0) c &= 0x3Fu >> more;
  for (; more > 0 && p < end; --more) c = c << 6 | (*p++ & 0x3Fu);
  return c >= 0xE000 && c <= 0xFFFF ? c + 0x200000 : c;
}

bool utf16_less(std::string_view a, std::string_view b) {
  const auto* pa = reinterpret_cast<const unsigned char*>(a.data());
  const auto* pb = reinterpret_cast<const unsigned char*>(b.data());
  const auto* ea = pa + a.size();
  const auto* eb = pb + b.size();
  while (pa < ea && pb < eb) {
    std::uint32_t ra = next_utf16_rank(pa, ea);
    std::uint32_t rb = next_utf16_rank(pb, eb);
    if (ra != rb) return ra < rb;
  }
  return pa == ea && pb != eb;
}

// UTF-8 byte order is code point order; it differs from UTF-16 order only when a name holds
// a character at or above U+E000, whose UTF-8 lead byte is 0xEE or more.
bool map_order_is_utf16_order(const Value::object_t& members) {
  for (const auto& [name, member] : members) {
    for (char c : name) {
      if (static_cast<unsigned char>(c) >= 0xEE) return false;
    }
  }
  return true;
}

void append_value(const Value& v, std::string& out);

void append_member(const Value::object_t::value_type& m, bool first, std::string& out) {
  if (!first) out.push_back(',');
  append_string(m.first, out);
  out.push_back(':');
  append_value(m.second, out);
}

void append_object(const Value::object_t& members, std::string& out) {
  out.push_back('{');
  bool first = true;
  if (map_order_is_utf16_order(members)) {
    for (const auto& m : members) {
      append_member(m, first, out);
      first = false;
    }
  } else {  // RFC 8785 §3.2.3
    std::vector<const Value::object_t::value_type*> sorted;
    sorted.reserve(members.size());
    for (const auto& m : members) sorted.push_back(&m);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return utf16_less(a->first, b->first); });
    for (const auto* m : sorted) {
      append_member(*m, first, out);
      first = false;
    }
  }
  out.push_back('}');
}

void append_value(const Value& v, std::string& out) {
  using T = Value::value_t;
  switch (v.type()) {
    case T::object:
      append_object(v.get_ref<const Value::object_t&>(), out);
      return;
    case T::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.get_ref<const Value::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_value(item, out);
      }
      out.push_back(']');
      return;
    }
    case T::string:
      append_string(v.get_ref<const Value::string_t&>(), out);
      return;
    case T::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case T::number_integer:
      append_integer(v.get<std::int64_t>(), out);
      return;
    case T::number_unsigned:
      append_integer(v.get<std::uint64_t>(), out);
      return;
    case T::number_float:
      append_double(v.get<double>(), out);
      return;
    case T::null:
    case T::binary:
    case T::discarded:
      break;
  }
  out += "null";
}

}  // namespace

void canonicalize_append(const Value& value, std::string& out) {
  append_value(value, out);
}

std::string canonicalize(const Value& value) {
  std::string out;
  append_value(value, out);
  return out;
}

}  // namespace cpc::json
