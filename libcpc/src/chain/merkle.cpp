// SPDX-License-Identifier: Apache-2.0
// RFC 6962 Merkle trees over BLAKE2b-256 (merkle.hpp, consensus.md §4.3).
#include "cpc/chain/merkle.hpp"

#include <sodium.h>

namespace cpc::chain {
namespace {

Hash leaf_hash(const Hash& d) {
  Hash out{};
  crypto_generichash_state st;
  const std::uint8_t prefix = 0x00;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  crypto_generichash_update(&st, &prefix, 1);
  crypto_generichash_update(&st, d.data(), d.size());
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

Hash node_hash(const Hash& l, const Hash& r) {
  std::uint8_t buf[65];
  buf[0] = 0x01;
  std::copy(l.begin(), l.end(), buf + 1);
  std::copy(r.begin(), r.end(), buf + 33);
  Hash out{};
  crypto_generichash(out.data(), out.size(), buf, sizeof buf, nullptr, 0);
  return out;
}

// The largest power of two strictly less than n (n ≥ 2).
std::size_t split(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash mth(std::span<const Hash> d) {
  if (d.size() == 1) return leaf_hash(d[0]);
  std::size_t k = split(d.size());
  return node_hash(mth(d.subspan(0, k)), mth(d.subspan(k)));
}

void path(std::span<const Hash> d, std::size_t m, std::vector<Hash>& out) {
  if (d.size() <= 1) return;
  std::size_t k = split(d.size());
  if (m < k) {
    path(d.subspan(0, k), m, out);
    out.push_back(mth(d.subspan(k)));
  } else {
    path(d.subspan(k), m - k, out);
    out.push_back(mth(d.subspan(0, k)));
  }
}

}  // namespace

Hash merkle_root(std::span<const Hash> leaves) {
  if (leaves.empty()) {
    Hash out{};
    crypto_generichash(out.data(), out.size(), nullptr, 0, nullptr, 0);
    return out;
  }
  return mth(leaves);
}

std::vector<Hash> merkle_path(std::span<const Hash> leaves, std::size_t index) {
  std::vector<Hash> out;
  path(leaves, index, out);
  return out;
}

Result<Hash> merkle_root_from_path(const Hash& leaf, std::size_t index, std::size_t size,
                                   std::span<const Hash> path) {
  // RFC 9162 §2.1.3.2.
  if (index >= size) return Status::refused("Merkle proof: index outside the tree");
  std::size_t fn = index;
  std::size_t sn = size - 1;
  Hash r = leaf_hash(leaf);
  for (const Hash& p : path) {
    if (sn == 0) return Status::refused("Merkle proof: path too long");
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::refused("Merkle proof: path too short");
  return r;
}

}  // namespace cpc::chain
