// SPDX-License-Identifier: Apache-2.0
// cpc/genesis JSON (cpc/genesis.hpp, docs/node-api.md §9).
#include "cpc/genesis.hpp"

#include <sodium.h>

#include <charconv>

#include "cpc/hex.hpp"
#include "cpc/json.hpp"
#include "cpc/keyfile.hpp"

namespace cpc::genesis {

Result<std::string> make(const std::vector<keys::PublicKey>& validators,
                         const std::vector<Alloc>& allocs, const std::string& time) {
  if (validators.empty()) return Status::bad_input("a genesis needs at least one --validator");
  json::Value vs = json::Value::array();
  for (std::size_t i = 0; i < validators.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (validators[j].sign == validators[i].sign) {
        return Status::bad_input("validator " + validators[i].id() + " given twice");
      }
    }
    const auto& v = validators[i];
    vs.push_back({{"sign", hex::encode(v.sign)},
                  {"encrypt", hex::encode(v.encrypt.bytes())},
                  {"id", v.id()},
                  {"power", 1}});
  }
  json::Value as = json::Value::array();
  for (const auto& a : allocs) {
    if (a.amount > (std::uint64_t{1} << 53) - 1) return Status::bad_input("amount above 2^53-1");
    as.push_back({{"sign", hex::encode(a.sign)}, {"amount", a.amount}});
  }
  json::Value g = {
      {"type", "cpc/genesis"}, {"version", 1}, {"time", time}, {"validators", vs}, {"alloc", as}};
  const std::string canon = json::canonicalize(g);
  std::uint8_t h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(canon.data()),
                     canon.size(), nullptr, 0);
  g["chain_id"] = "cpc-" + hex::encode(ByteView(h, 8));
  return json::canonicalize(g);
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
