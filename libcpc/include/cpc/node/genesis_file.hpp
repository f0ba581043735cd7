// SPDX-License-Identifier: Apache-2.0
// The genesis file of a cpchain network (docs/node-api.md §9): the chain library's
// cpc/genesis record (docs/consensus.md §3, chain::genesis_record) with its validators and
// initial allocations. `cpc-node genesis` writes one; cpc-node loads it (--genesis) or, on
// the first start without one, makes a single-validator genesis of its own node key.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpc/chain/genesis.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/status.hpp"

namespace cpc::genesis {

struct Alloc {
  keys::SignPublic sign{};
  std::uint64_t amount = 0;
};

// The genesis (chain "cpc-local", power 1 per validator) and its canonical record.
// Errors (kBadInput): no validator, the same validator or account twice, amounts out of
// range (chain::check_genesis).
Result<chain::Genesis> build(const std::vector<keys::SignPublic>& validators,
                             const std::vector<Alloc>& allocs, std::uint64_t time_ms);
Result<std::string> make(const std::vector<keys::SignPublic>& validators,
                         const std::vector<Alloc>& allocs, std::uint64_t time_ms);
// Parses "PUB=AMOUNT" where PUB is a key file or 64 hex digits.
Result<Alloc> parse_alloc(const std::string& spec);

}  // namespace cpc::genesis
