// SPDX-License-Identifier: Apache-2.0
// The XOR distance as four native 64-bit words, most significant first: ordered exactly like
// dht::distance()'s byte arrays but compared in at most four integer comparisons instead of
// a memcmp. Sorting by distance is the inner loop of closest() and of every lookup.
#pragma once

#include <bit>
#include <cstring>

#include "cpc/dht/dht.hpp"

namespace cpc::dht {

struct DistanceKey {
  std::uint64_t w[4];

  bool operator<(const DistanceKey& o) const {
    for (int i = 0; i < 4; ++i) {
      if (w[i] != o.w[i]) return w[i] < o.w[i];
    }
    return false;
  }
  bool operator==(const DistanceKey& o) const = default;
};

inline DistanceKey distance_key(const NodeId& a, const NodeId& b) {
  DistanceKey k;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + 8 * i, 8);
    std::memcpy(&y, b.data() + 8 * i, 8);
    x ^= y;
    if constexpr (std::endian::native == std::endian::little) x = __builtin_bswap64(x);
    k.w[i] = x;
  }
  return k;
}

// a == b in four word comparisons (std::array's operator== calls memcmp, which dominated
// the bucket scans of the simulation).
inline bool same_id(const NodeId& a, const NodeId& b) {
  std::uint64_t x[4], y[4];
  std::memcpy(x, a.data(), 32);
  std::memcpy(y, b.data(), 32);
  return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

}  // namespace cpc::dht
