// SPDX-License-Identifier: Apache-2.0
// The genesis record (consensus.md §3): chain id, initial time, the fixed validator set
// with voting powers, and the initial token allocations. `cpc-node genesis` writes it with
// genesis_record(); every node reads it with parse_genesis() and binds block 1 to
// genesis_hash(). ValidatorSet answers the quorum questions of consensus.md §6.1.
//
// Errors: kBadInput for a malformed record (unknown members, bad keys, duplicate
// validators or accounts, powers or amounts out of range).
//
// Thread safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chain/types.hpp"
#include "cpc/status.hpp"

namespace cpc::chain {

inline constexpr std::size_t kMaxValidators = 128;
inline constexpr std::uint64_t kMaxPower = 1'000'000;

struct Validator {
  PubKey key{};
  std::uint64_t power = 1;
};

struct Allocation {
  PubKey account{};
  std::uint64_t amount = 0;
};

struct Genesis {
  std::string chain = "cpc-local";
  std::uint64_t time_ms = 0;  // milliseconds since the Unix epoch
  std::vector<Validator> validators;
  std::vector<Allocation> alloc;
};

// Reads a cpc/genesis record (any formatting; strict shape). Checks ranges, distinct keys,
// the chain id's alphabet and the total allocation (≤ 2^53-1).
Result<Genesis> parse_genesis(std::string_view record);
// Checks a Genesis built in code with the rules parse_genesis applies.
Status check_genesis(const Genesis& g);
// The canonical record (RFC 8785, one line, no newline).
std::string genesis_record(const Genesis& g);
// H32("cpc/chain/genesis/v1"; genesis_record(g)).
Hash genesis_hash(const Genesis& g);

// The validators with their powers and quorum thresholds (consensus.md §6.1).
class ValidatorSet {
 public:
  ValidatorSet() = default;
  explicit ValidatorSet(const std::vector<Validator>& validators);

  std::size_t size() const { return validators_.size(); }
  const std::vector<Validator>& validators() const { return validators_; }  // sorted by key
  // The index of `key` in validators(), or nullopt for a non-validator.
  std::optional<std::size_t> index_of(const PubKey& key) const;
  std::uint64_t power_of(const PubKey& key) const;
  std::uint64_t total_power() const { return total_; }
  // Q = floor(2P/3) + 1: power needed for a quorum.
  std::uint64_t quorum() const { return total_ * 2 / 3 + 1; }
  // floor(P/3) + 1: more than a third, so at least one honest validator.
  std::uint64_t one_third_plus() const { return total_ / 3 + 1; }

 private:
  std::vector<Validator> validators_;
  std::uint64_t total_ = 0;
};

}  // namespace cpc::chain
