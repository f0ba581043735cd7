// SPDX-License-Identifier: Apache-2.0
// Shared by the sharing tests: an owner, a grantee, a stranger and N proxy node keys; a grant
// whose kfrags are sealed to the proxies as on chain; sealed objects as UnixFS blocks; a
// fake chain (grants, registrations, a height) that proxies read.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cpc/chain/tx.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/crypto/seal.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/wire/share.hpp"
#include "proxy.hpp"

namespace cpc::testing {

inline constexpr std::uint64_t kNow = 1'767'225'600'000;

struct ShareFixture {
  keys::SecretKey owner = keys::SecretKey::generate().value();
  keys::SecretKey grantee = keys::SecretKey::generate().value();
  keys::SecretKey stranger = keys::SecretKey::generate().value();
  std::vector<keys::SecretKey> proxies;
  std::vector<pre::KeyFragment> kfrags;
  chain::Grant grant;
  chain::Hash grant_id{};

  // The fake chain and store, guarded (proxies run on server threads).
  mutable std::mutex mu;
  std::uint64_t height = 10;
  std::map<chain::Hash, chain::Grant> grants;
  std::map<std::string, chain::PubKey> owners;  // CID -> registered owner
  std::map<std::string, Bytes> blocks;          // CID text -> block
  std::size_t block_fetches = 0;

  ShareFixture(unsigned t, unsigned n) {
    for (unsigned i = 0; i < n; ++i) proxies.push_back(keys::SecretKey::generate().value());
    auto k = pre::generate_kfrags(owner, grantee.public_key().encrypt, t, n);
    if (!k) throw std::runtime_error(k.status().message());
    kfrags = *k;
    grant.owner = owner.public_key().sign;
    grant.owner_key = owner.public_key().encrypt.bytes();
    grant.grantee = grantee.public_key().sign;
    grant.threshold = t;
    grant.expires = 1000;
    grant.height = 5;
    for (unsigned i = 0; i < n; ++i) {
      grant.proxies.push_back({node_id(i), share::seal_kfrag(kfrags[i], proxies[i].public_key())});
    }
    grant_id = chain::Hash{0x42};
  }

  chain::Hash node_id(std::size_t i) const { return dht::node_id(proxies[i].public_key().sign); }

  // Stores `bytes` as an object (UnixFS blocks); its CID text.
  std::string put(std::string_view bytes, std::size_t chunk = unixfs::kChunkSize) {
    std::lock_guard lock(mu);
    unixfs::FileBuilder b(
        [&](const cid::Cid& c, ByteView block) {
          blocks[cid::to_string(c)] = Bytes(block.begin(), block.end());
          return Status::ok();
        },
        chunk);
    if (!b.write(as_bytes(bytes))) throw std::runtime_error("put");
    auto root = b.finish();
    if (!root) throw std::runtime_error("put");
    return cid::to_string(*root);
  }

  // A sealed stream of `plain` to `to`, chunks of `chunk` bytes.
  static std::string sealed_stream(std::string_view plain, const keys::PublicKey& to,
                                   std::uint32_t chunk = 64) {
    seal::Sealer s(to, chunk);
    std::string out = s.header().record() + "\n";
    std::size_t at = 0;
    do {
      std::size_t n = std::min<std::size_t>(chunk, plain.size() - at);
      s.seal_chunk(as_bytes(plain.substr(at, n)), at + n == plain.size(), out);
      at += n;
    } while (at < plain.size());
    return out;
  }

  // Registers `cid` as the owner's (or someone else's) on the fake chain.
  void register_cid(const std::string& cid, const chain::PubKey& who) {
    std::lock_guard lock(mu);
    owners[cid] = who;
  }
  void add_grant(const chain::Hash& id, const chain::Grant& g) {
    std::lock_guard lock(mu);
    grants[id] = g;
  }

  proxy::ChainLookup lookup() {
    return [this](const chain::Hash& id, const std::string& cid) {
      std::lock_guard lock(mu);
      proxy::ChainFacts f;
      f.height = height;
      if (auto it = grants.find(id); it != grants.end()) f.grant = it->second;
      if (auto it = owners.find(cid); it != owners.end()) f.cid_owner = it->second;
      return f;
    };
  }
  proxy::BlockSource block_source() {
    return [this](const cid::Cid& c) -> Result<std::optional<Bytes>> {
      std::lock_guard lock(mu);
      ++block_fetches;
      auto it = blocks.find(cid::to_string(c));
      if (it == blocks.end()) return std::optional<Bytes>{};
      return std::optional<Bytes>(it->second);
    };
  }
};

}  // namespace cpc::testing
