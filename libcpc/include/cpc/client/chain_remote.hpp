// SPDX-License-Identifier: Apache-2.0
// What `cpc-verify --chain` and `cpc-verify --proof` do (docs/node-api.md §10): verify a
// node's whole chain from genesis over HTTP (net::http_get, so the tool stays static), and
// check an inclusion-proof record offline — a cpc/tx-proof, or the cpc/data-proof that
// `cpc-get --proof` prints (registration + proof + the genesis it was made under).
//
// Trust: the genesis is the root of trust. With `trusted` given, the node's (or the
// record's) genesis must be that one; without it the node's (record's) own genesis is
// used and its hash reported, for the caller to compare with a hash it knows.
//
// Errors: kIo (the node cannot be reached, an unexpected reply), kBadInput (malformed
// records), kRefused (a block or proof that does not verify; the message names it).
//
// Thread safety: functions without shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cpc/chain/verify.hpp"

namespace cpc::chain {

struct ChainCheck {
  std::uint64_t height = 0;  // blocks verified
  Hash head{};               // the hash of the last one (the genesis hash for none)
  Hash genesis{};
};

Result<ChainCheck> verify_remote_chain(const std::string& node,
                                       const std::optional<Genesis>& trusted);

struct ProofCheck {
  Hash tx{};
  std::uint64_t height = 0;
  Hash genesis{};
};

Result<ProofCheck> verify_proof_file(std::string_view record,
                                     const std::optional<Genesis>& trusted);

}  // namespace cpc::chain
