// SPDX-License-Identifier: Apache-2.0
// Hashes and tagged signatures of the chain (types.hpp, consensus.md §1).
#include "cpc/chain/types.hpp"

#include <sodium.h>

#include <atomic>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/group.hpp"

namespace cpc::chain {
namespace {

std::atomic<std::uint64_t> g_verifications{0};

void tagged_message(std::string_view tag, std::string_view canon, std::string& out) {
  out.reserve(tag.size() + 1 + canon.size());
  out.assign(tag);
  out += '\n';
  out += canon;
}

}  // namespace

std::string to_hex(const Hash& h) {
  return hex::encode(view(h));
}

std::string short_hex(const Hash& h) {
  return hex::encode(ByteView(h.data(), 4)) + "…";
}

Hash h32(std::string_view tag, std::initializer_list<ByteView> parts) {
  Hash out{};
  group::hash32(tag, parts, out);
  return out;
}

Signature sign_tagged(std::string_view tag, std::string_view canon, const keys::SecretKey& sk) {
  std::string msg;
  tagged_message(tag, canon, msg);
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const std::uint8_t*>(msg.data()),
                       msg.size(), sk.ed25519_secret());
  return sig;
}

bool verify_tagged(std::string_view tag, std::string_view canon, const PubKey& key,
                   const Signature& sig) {
  std::string msg;
  tagged_message(tag, canon, msg);
  g_verifications.fetch_add(1, std::memory_order_relaxed);
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const std::uint8_t*>(msg.data()),
                                     msg.size(), key.data()) == 0;
}

std::uint64_t verify_count() {
  return g_verifications.load(std::memory_order_relaxed);
}

}  // namespace cpc::chain
