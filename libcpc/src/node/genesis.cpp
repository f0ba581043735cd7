// SPDX-License-Identifier: Apache-2.0
// Genesis files (cpc/node/genesis_file.hpp, docs/node-api.md §9): chain::Genesis built from flags.
#include "cpc/node/genesis_file.hpp"

#include <charconv>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/keyfile.hpp"

namespace cpc::genesis {

Result<chain::Genesis> build(const std::vector<keys::SignPublic>& validators,
                             const std::vector<Alloc>& allocs, std::uint64_t time_ms) {
  if (validators.empty()) return Status::bad_input("a genesis needs at least one --validator");
  chain::Genesis g;
  g.time_ms = time_ms;
  for (const auto& v : validators) {
    for (const auto& w : g.validators) {
      if (w.key == v) return Status::bad_input("validator " + hex::encode(v) + " given twice");
    }
    g.validators.push_back({v, 1});
  }
  for (const auto& a : allocs) g.alloc.push_back({a.sign, a.amount});
  CPC_RETURN_IF_ERROR(chain::check_genesis(g));
  return g;
}

Result<std::string> make(const std::vector<keys::SignPublic>& validators,
                         const std::vector<Alloc>& allocs, std::uint64_t time_ms) {
  auto g = build(validators, allocs, time_ms);
  CPC_RETURN_IF_ERROR(g);
  return chain::genesis_record(*g);
}

Result<Alloc> parse_alloc(const std::string& spec) {
  auto eq = spec.rfind('=');
  if (eq == std::string::npos) return Status::bad_input("--alloc wants PUB=AMOUNT: " + spec);
  Alloc a;
  const std::string pub = spec.substr(0, eq), amount = spec.substr(eq + 1);
  auto [end, ec] = std::from_chars(amount.data(), amount.data() + amount.size(), a.amount);
  if (ec != std::errc() || end != amount.data() + amount.size()) {
    return Status::bad_input("--alloc: bad amount " + amount);
  }
  if (pub.size() == 64 && hex::decode_into(pub, a.sign)) return a;
  auto pk = keyfile::load_public(pub);
  if (!pk) return pk.status().with_context("--alloc");
  a.sign = pk->sign;
  return a;
}

}  // namespace cpc::genesis
