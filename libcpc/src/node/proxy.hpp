// SPDX-License-Identifier: Apache-2.0
// cpc::proxy::Proxy — a node's side of POST /v1/reencrypt (docs/sharing.md §3): the
// checks of the request in the documented order, single-use nonces, the capsules of the
// object (fetched by the proxy itself, cached per CID), the proxy's kfrag opened from the
// grant's sealed copy with the node key in secure memory, and the cfrags it answers.
//
// The proxy sees the chain and the object store only through two functions, so that the
// node wires it to its ChainState and BlobStore + DHT and the tests to fakes.
//
// Thread safety: handle() may run on several threads at once (the nonce table and the
// capsule cache have their own mutexes; the node key is only read).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cpc/chain/state.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/crypto/seal.hpp"
#include "cpc/net/http.hpp"
#include "cpc/wire/share.hpp"

namespace cpc::proxy {

// What the chain says, at the proxy's latest committed block, about one request.
struct ChainFacts {
  std::uint64_t height = 0;                // the latest committed block
  std::optional<chain::Grant> grant;       // the grant named by the request, if it exists
  std::optional<chain::PubKey> cid_owner;  // the registered owner of the request's CID
};
// Reads the facts for (grant id, CID) in one consistent view of the chain.
using ChainLookup = std::function<ChainFacts(const chain::Hash& grant, const std::string& cid)>;
// A block by CID, from the proxy's store or the DHT, verified against its CID; nullopt when
// no node has it.
using BlockSource = std::function<Result<std::optional<Bytes>>(const cid::Cid&)>;
// Milliseconds since the Unix epoch.
using Clock = std::function<std::uint64_t()>;

struct ProxyOptions {
  std::uint64_t max_skew_ms = 60'000;           // check 3: |time − now| ≤ this
  std::uint64_t replay_window_ms = 120'000;     // check 8: a nonce is remembered this long
  std::size_t max_nonces = 1'000'000;           // more at once: 503 (a flood of valid requests)
  std::size_t capsule_cache = 1024;             // CIDs whose capsules are kept (LRU)
  std::size_t max_capsules = 4096;              // capsules of one object (sealed records)
  std::uint64_t max_records_bytes = 16u << 20;  // bytes read of an object of sealed records
};

// One capsule of an object and the key it is sealed to.
struct SealedCapsule {
  group::Point to;
  capsule::Capsule capsule;
};

class Proxy {
 public:
  // `node_key` must outlive the proxy; the start time is the clock's reading now.
  Proxy(const keys::SecretKey& node_key, ChainLookup chain, BlockSource blocks, Clock clock = {},
        ProxyOptions options = {});
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // The answer to a POST /v1/reencrypt body: 200 cpc/reencrypt-response, or the JSON error
  // of the first check that fails (sharing.md §3): 400, 403, 409, 404 object not found,
  // 413 body over 4 KiB, 422 not a sealed object (or sealed to another key than the
  // grant's owner), 503 too many requests in the replay window or the object unreachable.
  net::Response handle(std::string_view body);

  // Answers so far: 200s, and everything else.
  std::uint64_t served() const { return served_; }
  std::uint64_t refused() const { return refused_; }
  std::uint64_t start_ms() const { return start_ms_; }

  // The capsules of object `cid` (cached). Errors: kRefused "not found" (404), kBadInput
  // not a sealed object (422), kIo the network (503).
  Result<std::shared_ptr<const std::vector<SealedCapsule>>> capsules(const cid::Cid& cid);

 private:
  net::Response answer(const share::ReencryptRequest& req, const chain::Grant& grant);
  // Check 8; remembers the nonce when it passes. 0 ok, else the status to answer.
  int use_nonce(const share::ReencryptRequest& req, std::uint64_t now, std::string* why);

  const keys::SecretKey& key_;
  chain::Hash id_{};
  ChainLookup chain_;
  BlockSource blocks_;
  Clock clock_;
  ProxyOptions options_;
  std::uint64_t start_ms_ = 0;
  std::atomic<std::uint64_t> served_{0}, refused_{0};

  std::mutex nonce_mu_;
  std::unordered_map<std::string, std::uint64_t> nonces_;         // requester||nonce -> time seen
  std::list<std::pair<std::uint64_t, std::string>> nonce_order_;  // oldest first

  std::mutex cache_mu_;
  using Capsules = std::shared_ptr<const std::vector<SealedCapsule>>;
  std::list<std::pair<std::string, Capsules>> lru_;  // most recent first
  std::unordered_map<std::string, std::list<std::pair<std::string, Capsules>>::iterator> cache_;
};

}  // namespace cpc::proxy
