// SPDX-License-Identifier: Apache-2.0
// Merkle trees of RFC 6962 §2.1 with BLAKE2b-256 (consensus.md §4.3): leaves hashed with a
// 0x00 prefix and inner nodes with 0x01, so no inner node can pose as a leaf. Used for the
// transaction root (leaves: transaction ids), the evidence root and the state delta.
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <vector>

#include "cpc/chain/types.hpp"
#include "cpc/status.hpp"

namespace cpc::chain {

// MTH(leaves); BLAKE2b-256("") for no leaves.
Hash merkle_root(std::span<const Hash> leaves);

// The audit path of leaf `index` (RFC 6962 §2.1.1). REQUIRES: index < leaves.size().
std::vector<Hash> merkle_path(std::span<const Hash> leaves, std::size_t index);

// The root that `path` proves for `leaf` at `index` in a tree of `size` leaves
// (RFC 9162 §2.1.3.2). Errors (kRefused): index ≥ size, or a path of the wrong length for
// that index and size — a path for another index never yields the right root.
Result<Hash> merkle_root_from_path(const Hash& leaf, std::size_t index, std::size_t size,
                                   std::span<const Hash> path);

}  // namespace cpc::chain
