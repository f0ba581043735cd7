// SPDX-License-Identifier: Apache-2.0
// Straus multi-scalar multiplication with width-5 NAFs on extended edwards25519 coordinates
// (msm.hpp): public values only, variable time. Doublings and additions go through the
// "completed" representation of ref10 (x = X/Z, y = Y/T) so that each costs 4
// multiplications plus its own 4 (3 when a doubling follows, which needs no T).
#include "msm.hpp"

#include <cstring>
#include <memory>

namespace cpc::ed25519 {

MsmTable msm_table(const Point& p) {
  MsmTable t;
  t.odd[0] = cache(p);
  const Cached p2 = cache(to_point(dbl(p)));
  Point acc = p;
  for (std::size_t i = 1; i < t.odd.size(); ++i) {
    acc = to_point(add_c(acc, p2));
    t.odd[i] = cache(acc);
  }
  return t;
}

std::array<std::int8_t, 256> naf5(const std::uint8_t* scalar) {
  constexpr int w = 5;
  constexpr std::uint64_t width = 1u << w, window_mask = width - 1;
  std::uint64_t x[5] = {0, 0, 0, 0, 0};
  std::memcpy(x, scalar, 32);  // little-endian hosts (ed25519_field.cpp assumes the same)
  std::array<std::int8_t, 256> naf{};
  std::uint64_t carry = 0;
  std::size_t pos = 0;
  while (pos < 256) {
    const std::size_t idx = pos / 64, bit = pos % 64;
    std::uint64_t buf = x[idx] >> bit;
    if (bit > 64 - w) buf |= x[idx + 1] << (64 - bit);
    const std::uint64_t window = carry + (buf & window_mask);
    if ((window & 1) == 0) {
      ++pos;
      continue;
    }
    if (window < width / 2) {
      carry = 0;
      naf[pos] = static_cast<std::int8_t>(window);
    } else {
      carry = 1;
      naf[pos] = static_cast<std::int8_t>(static_cast<std::int64_t>(window) -
                                          static_cast<std::int64_t>(width));
    }
    pos += w;
  }
  return naf;
}

Point msm(const MsmTerm* terms, std::size_t n) {
  constexpr std::size_t kMaxInline = 16;
  std::array<std::int8_t, 256> inline_nafs[kMaxInline];
  std::unique_ptr<std::array<std::int8_t, 256>[]> heap;
  std::array<std::int8_t, 256>* nafs = inline_nafs;
  if (n > kMaxInline) {
    heap = std::make_unique<std::array<std::int8_t, 256>[]>(n);
    nafs = heap.get();
  }
  int top = -1;
  for (std::size_t i = 0; i < n; ++i) {
    nafs[i] = naf5(terms[i].scalar);
    for (int b = 255; b > top; --b) {
      if (nafs[i][static_cast<std::size_t>(b)] != 0) {
        top = b;
        break;
      }
    }
  }
  // T is only built when an addition follows: a doubling needs X, Y, Z alone (to_p2).
  auto adds_from = [&](int b, std::size_t i) {
    for (; i < n; ++i) {
      if (nafs[i][static_cast<std::size_t>(b)] != 0) return true;
    }
    return false;
  };
  Point r = identity();
  for (int b = top; b >= 0; --b) {
    if (b != top) {
      const Completed c = dbl(r);
      r = adds_from(b, 0) || b == 0 ? to_point(c) : to_p2(c);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const int d = nafs[i][static_cast<std::size_t>(b)];
      if (d == 0) continue;
      const Completed c = d > 0 ? add_c(r, terms[i].table->odd[static_cast<std::size_t>(d / 2)])
                                : sub_c(r, terms[i].table->odd[static_cast<std::size_t>(-d / 2)]);
      r = adds_from(b, i + 1) || b == 0 ? to_point(c) : to_p2(c);
    }
  }
  return r;
}

bool same_element(const Point& p, const Point& q) {
  return is_zero(sub(mul(p.x, q.y), mul(p.y, q.x))) || is_zero(sub(mul(p.y, q.y), mul(p.x, q.x)));
}

bool is_identity(const Point& p) {
  return is_zero(p.x) || is_zero(p.y);
}

}  // namespace cpc::ed25519
