// SPDX-License-Identifier: Apache-2.0
// Fast homomorphic sums (he.hpp Summer, crypto.md §5.5): ciphertexts are public, so they are
// decoded and added with the variable-time edwards25519 arithmetic of he_field.hpp and
// encoded once at the end, instead of a decode-add-encode round trip through libsodium per
// addition. The result is re-decoded by libsodium (group::Point::decode) before it is used.
#include <cstring>

#include "cpc/he.hpp"
#include "he_field.hpp"

namespace cpc::he {

namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

// Lowercase hex of exactly 64 digits at `in` into `out`; false for anything else.
bool lower_hex32(std::string_view in, Bytes32& out) {
  if (in.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nibble(in[2 * i]), lo = nibble(in[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

// A JSON integer without leading zeros, 1 to 16 digits.
bool json_uint(std::string_view in, std::uint64_t& out) {
  if (in.empty() || in.size() > 16 || (in.size() > 1 && in[0] == '0')) return false;
  out = 0;
  for (char c : in) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

// The fields of a record in he_record()'s exact layout; false when the layout differs.
struct RawRecord {
  Bytes32 to, c1, c2;
  std::uint64_t scale = 0, count = 0;
};
bool split_canonical(std::string_view r, RawRecord& out) {
  auto take = [&r](std::string_view literal) {
    if (r.substr(0, literal.size()) != literal) return false;
    r.remove_prefix(literal.size());
    return true;
  };
  auto hex = [&r](Bytes32& b) {
    if (r.size() < 64 || !lower_hex32(r.substr(0, 64), b)) return false;
    r.remove_prefix(64);
    return true;
  };
  auto number = [&r](char end, std::uint64_t& n) {
    auto stop = r.find(end);
    if (stop == std::string_view::npos || !json_uint(r.substr(0, stop), n)) return false;
    r.remove_prefix(stop);
    return true;
  };
  return take(R"({"type":"cpc/he","to":")") && hex(out.to) && take(R"(","scale":)") &&
         number(',', out.scale) && take(R"(,"c1":")") && hex(out.c1) && take(R"(","c2":")") &&
         hex(out.c2) && take(R"(","count":)") && number('}', out.count) && take("}") && r.empty();
}

}  // namespace

struct Summer::State {
  std::uint64_t n = 0;
  group::Point to;
  Bytes32 to_bytes{};
  unsigned scale = 0;
  std::uint64_t count = 0;
  field::Point c1 = field::identity(), c2 = field::identity();

  // add()'s checks of recipient, scale and count, in its order.
  Status admit(const group::Point& c_to, unsigned c_scale, std::uint64_t c_count) {
    if (n > 0) {
      if (!(c_to == to)) return Status::refused("ciphertexts are for different recipients");
      if (c_scale != scale) {
        return Status::bad_input("ciphertexts have different scales (" + std::to_string(scale) +
                                 " and " + std::to_string(c_scale) + ")");
      }
      if (count > kMaxCount - c_count) return Status::bad_input("count overflow");
    } else {
      to = c_to;
      to_bytes = c_to.bytes();
      scale = c_scale;
    }
    return Status::ok();
  }
  void accumulate(const field::Point& p1, const field::Point& p2, std::uint64_t c_count) {
    c1 = field::add(c1, field::cache(p1));
    c2 = field::add(c2, field::cache(p2));
    count += c_count;
    ++n;
  }
};

Summer::Summer() : s_(std::make_unique<State>()) {}
Summer::~Summer() = default;

std::uint64_t Summer::size() const {
  return s_->n;
}

Status Summer::add(const Ciphertext& c) {
  CPC_RETURN_IF_ERROR(s_->admit(c.to, c.scale, c.count));
  // Points of a Ciphertext were validated when it was made or parsed.
  s_->accumulate(field::decode_ristretto(c.c1.bytes()), field::decode_ristretto(c.c2.bytes()),
                 c.count);
  return Status::ok();
}

Status Summer::add_record(std::string_view record) {
  RawRecord raw;
  if (!split_canonical(record, raw) || raw.scale > kMaxScale || raw.count < 1 ||
      raw.count > kMaxCount) {
    auto c = parse_he_record(record);  // the strict parser decides, and explains
    CPC_RETURN_IF_ERROR(c);
    return add(*c);
  }
  // Validation in parse_he_record's order: to, c1, c2 (Point::decode's checks), then add()'s.
  group::Point to = s_->to;
  if (s_->n == 0 || std::memcmp(raw.to.data(), s_->to_bytes.data(), 32) != 0) {
    auto p = group::Point::decode(raw.to);
    if (!p) return p.status().with_context("cpc/he \"to\"");
    to = *p;
  }
  field::Point p1, p2;
  for (auto [name, bytes, point] : {std::tuple{"c1", &raw.c1, &p1}, {"c2", &raw.c2, &p2}}) {
    if (!field::decode_ristretto_checked(bytes->data(), *point)) {
      return Status::bad_input(std::string("cpc/he \"") + name +
                               "\": invalid ristretto255 point encoding");
    }
    Bytes32 zero{};
    if (*bytes == zero) {
      return Status::bad_input(std::string("cpc/he \"") + name + "\": identity point not allowed");
    }
  }
  CPC_RETURN_IF_ERROR(s_->admit(to, static_cast<unsigned>(raw.scale), raw.count));
  s_->accumulate(p1, p2, raw.count);
  return Status::ok();
}

Result<Ciphertext> Summer::total() const {
  if (s_->n == 0) return Status::bad_input("nothing to sum");
  auto c1 = group::Point::decode(field::encode_ristretto(s_->c1));
  auto c2 = group::Point::decode(field::encode_ristretto(s_->c2));
  if (!c1 || !c2) return Status::bad_input("ciphertext sum has an identity component");
  return Ciphertext{s_->to, *c1, *c2, s_->scale, s_->count};
}

Result<Ciphertext> sum(std::span<const Ciphertext> cts) {
  if (cts.empty()) return Status::bad_input("nothing to sum");
  Summer summer;
  for (std::size_t i = 0; i < cts.size(); ++i) {
    if (auto s = summer.add(cts[i]); !s) return s.with_context("ciphertext #" + std::to_string(i));
  }
  return summer.total();
}

}  // namespace cpc::he
