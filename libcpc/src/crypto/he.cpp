// SPDX-License-Identifier: Apache-2.0
// Exponential ElGamal (he.hpp, crypto.md §5.5): encryption, componentwise addition,
// re-randomization, decryption through the cached discrete-log table, fixed-point
// decimals and the cpc/he record (formats-pre.md §3).
#include "cpc/crypto/he.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "cpc/codec/hex.hpp"

namespace cpc::he {

using group::Point;
using group::Scalar;

namespace {

// m·G + extra, where m·G for negative m is (L - |m|)·G; m = 0 gives `extra` itself.
Result<Point> add_plain(std::int64_t m, const Point& extra) {
  if (m == 0) return extra;
  std::uint64_t mag = m < 0 ? 0 - static_cast<std::uint64_t>(m) : static_cast<std::uint64_t>(m);
  Scalar s = Scalar::from_u64(mag);
  if (m < 0) s = s.negate();
  return Point::base_mul(s).add(extra);
}

}  // namespace

Result<Ciphertext> encrypt(const Point& to, std::int64_t m, unsigned scale) {
  if (m > kMaxAbs || m < -kMaxAbs) return Status::bad_input("value outside ±2^40");
  if (scale > kMaxScale) return Status::bad_input("scale must be 0..18");
  for (;;) {
    Scalar r = Scalar::random();
    auto c2 = add_plain(m, to.mul(r).value());  // to is not the identity, r != 0
    if (!c2) continue;                          // m·G = -r·A: probability 2^-252, draw again
    return Ciphertext{to, Point::base_mul(r), *c2, scale, 1};
  }
}

Result<Ciphertext> add(const Ciphertext& a, const Ciphertext& b) {
  if (!(a.to == b.to)) return Status::refused("ciphertexts are for different recipients");
  if (a.scale != b.scale) {
    return Status::bad_input("ciphertexts have different scales (" + std::to_string(a.scale) +
                             " and " + std::to_string(b.scale) + ")");
  }
  if (a.count > kMaxCount - b.count) return Status::bad_input("count overflow");
  auto c1 = a.c1.add(b.c1);
  auto c2 = a.c2.add(b.c2);
  if (!c1 || !c2) return Status::bad_input("ciphertext sum has an identity component");
  return Ciphertext{a.to, *c1, *c2, a.scale, a.count + b.count};
}

Ciphertext rerandomize(const Ciphertext& c) {
  for (;;) {
    Scalar r = Scalar::random();
    auto c1 = c.c1.add(Point::base_mul(r));
    auto c2 = c.c2.add(c.to.mul(r).value());
    if (c1 && c2) return Ciphertext{c.to, *c1, *c2, c.scale, c.count};
  }
}

Result<std::int64_t> decrypt(const keys::SecretKey& sk, const Ciphertext& c, const DlogTable& table,
                             unsigned range_bits) {
  if (!(c.to == sk.public_key().encrypt)) {
    return Status::refused("ciphertext is for another key");
  }
  // M = c2 - a·c1 through the raw API: M is the identity when m = 0.
  std::array<std::uint8_t, 32> ac1{}, m_point{};
  Scalar a = sk.encrypt_scalar();
  if (crypto_scalarmult_ristretto255(ac1.data(), a.bytes().data(), c.c1.bytes().data()) != 0) {
    return Status::bad_input("invalid ciphertext");
  }
  crypto_core_ristretto255_sub(m_point.data(), c.c2.bytes().data(), ac1.data());
  sodium_memzero(ac1.data(), ac1.size());  // r·A, the ElGamal shared secret
  return table.solve(m_point, range_bits);
}

Result<std::int64_t> decrypt(const keys::SecretKey& sk, const Ciphertext& c) {
  auto table = DlogTable::shared();
  if (!table) return table.status();
  return decrypt(sk, c, **table, kRangeBits);
}

Result<std::int64_t> parse_fixed(std::string_view in, unsigned scale) {
  if (scale > kMaxScale) return Status::bad_input("scale must be 0..18");
  const std::string bad = "not a decimal number: \"" + std::string(in.substr(0, 40)) + "\"";
  bool negative = false;
  std::size_t i = 0;
  if (i < in.size() && (in[i] == '-' || in[i] == '+')) negative = in[i++] == '-';
  // Value = digits scaled by 10^scale, plus the first dropped digit for rounding. The cap
  // keeps v far from overflow; anything above it is out of range anyway.
  unsigned __int128 v = 0;
  bool too_big = false;
  auto push = [&v, &too_big](unsigned digit) {
    v = v * 10 + digit;
    if (v > (static_cast<unsigned __int128>(1) << 100)) too_big = true, v = 0;
  };
  std::size_t int_digits = 0, frac_digits = 0;
  int round_digit = 0;
  for (; i < in.size() && in[i] >= '0' && in[i] <= '9'; ++i, ++int_digits) {
    push(static_cast<unsigned>(in[i] - '0'));
  }
  if (i < in.size() && in[i] == '.') {
    for (++i; i < in.size() && in[i] >= '0' && in[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits < scale) {
        push(static_cast<unsigned>(in[i] - '0'));
      } else if (frac_digits == scale) {
        round_digit = in[i] - '0';
      }
    }
    if (frac_digits == 0) return Status::bad_input(bad);
  }
  if (i != in.size() || int_digits == 0) return Status::bad_input(bad);
  for (std::size_t k = frac_digits; k < scale; ++k) push(0);
  if (round_digit >= 5) v += 1;  // half away from zero
  if (too_big) return Status::bad_input("value outside ±2^40");
  if (v > static_cast<unsigned __int128>(kMaxAbs)) return Status::bad_input("value outside ±2^40");
  auto m = static_cast<std::int64_t>(v);
  return negative ? -m : m;
}

std::string format_fixed(std::int64_t m, unsigned scale) {
  std::uint64_t mag = m < 0 ? 0 - static_cast<std::uint64_t>(m) : static_cast<std::uint64_t>(m);
  std::string digits = std::to_string(mag);
  if (scale > 0) {
    if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, ".");
  }
  return (m < 0 ? "-" : "") + digits;
}

std::string he_record(const Ciphertext& c) {
  return R"({"type":"cpc/he","to":")" + hex::encode(c.to.bytes()) +
         "\",\"scale\":" + std::to_string(c.scale) + R"(,"c1":")" + hex::encode(c.c1.bytes()) +
         R"(","c2":")" + hex::encode(c.c2.bytes()) + "\",\"count\":" + std::to_string(c.count) +
         "}";
}

Result<Ciphertext> parse_he_record(std::string_view record) {
  using nlohmann::json;
  json j = json::parse(record.begin(), record.end(), nullptr, /*allow_exceptions=*/false);
  auto type = j.is_object() ? j.find("type") : j.end();
  if (!j.is_object() || type == j.end() || *type != "cpc/he") {
    return Status::bad_input("not a cpc/he record");
  }
  if (j.size() != 6) return Status::bad_input("cpc/he: unexpected or missing fields");
  Ciphertext c;
  for (auto [name, out] : {std::pair{"to", &c.to}, {"c1", &c.c1}, {"c2", &c.c2}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) {
      return Status::bad_input(std::string("cpc/he: missing or invalid \"") + name + "\"");
    }
    auto b = hex::decode(it->get_ref<const std::string&>(), 32);
    if (!b) return b.status().with_context(std::string("cpc/he \"") + name + "\"");
    auto p = Point::decode(*b);
    if (!p) return p.status().with_context(std::string("cpc/he \"") + name + "\"");
    *out = *p;
  }
  auto scale = j.find("scale");
  auto count = j.find("count");
  if (scale == j.end() || !scale->is_number_unsigned() || scale->get<std::uint64_t>() > kMaxScale) {
    return Status::bad_input("cpc/he: \"scale\" must be an integer 0..18");
  }
  if (count == j.end() || !count->is_number_unsigned() || count->get<std::uint64_t>() < 1 ||
      count->get<std::uint64_t>() > kMaxCount) {
    return Status::bad_input("cpc/he: \"count\" must be an integer 1..2^53-1");
  }
  c.scale = static_cast<unsigned>(scale->get<std::uint64_t>());
  c.count = count->get<std::uint64_t>();
  return c;
}

}  // namespace cpc::he
