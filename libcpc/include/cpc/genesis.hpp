// SPDX-License-Identifier: Apache-2.0
// The genesis file of a cpchain network (docs/node-api.md §9): its validators and initial
// allocations. `cpc-node genesis` writes one; the chain (docs/consensus.md) reads it.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpc/keys.hpp"
#include "cpc/status.hpp"

namespace cpc::genesis {

struct Alloc {
  keys::SignPublic sign{};
  std::uint64_t amount = 0;
};

// The cpc/genesis JSON (one line, canonical, no newline) with chain_id derived from the
// rest. Errors (kBadInput): no validator, the same validator twice, an amount above 2^53-1.
Result<std::string> make(const std::vector<keys::PublicKey>& validators,
                         const std::vector<Alloc>& allocs, const std::string& time);

// Parses "PUB=AMOUNT" where PUB is a key file or 64 hex digits.
Result<Alloc> parse_alloc(const std::string& spec);

}  // namespace cpc::genesis
