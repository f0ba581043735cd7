// SPDX-License-Identifier: Apache-2.0
// Node-to-node authentication (docs/peer-auth.md §3–§4): signs requests to another node and
// the answers to them, and checks both. A node's id is BLAKE2b-256 of its Ed25519 key; a
// request names the key, and the receiver derives the sender's id from it, never from a
// claim. Not a public header.
//
// Thread safety: every member is safe to call concurrently (the replay cache has its own
// mutex; the rest is immutable after construction).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "cpc/crypto/secure_memory.hpp"
#include "cpc/net/http.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/status.hpp"

namespace cpc::node {

using PeerKey = std::array<std::uint8_t, 32>;  // an Ed25519 public key, or a node id
using Nonce = std::array<std::uint8_t, 16>;

inline constexpr std::uint64_t kMaxClockSkewMs = 30'000;  // step 2
inline constexpr std::uint64_t kReplayWindowMs = 60'000;  // step 4
inline constexpr std::size_t kMaxReplayEntries = 65'536;  // step 4

// Who sent a request that passed every check.
struct Sender {
  PeerKey key{};  // the Ed25519 node key
  PeerKey id{};   // BLAKE2b-256(key)
  std::string url;
  std::uint64_t time_ms = 0;
  Nonce nonce{};
};

// Why a request was refused (the 401's message), and whether it came from another network.
struct Refusal {
  std::string message;
  bool foreign_genesis = false;
  std::string their_genesis;  // 64 hex, when foreign_genesis
};

class PeerAuth {
 public:
  // `ed25519_secret` is libsodium's 64-byte secret key (seed || public key).
  static Result<PeerAuth> create(const std::uint8_t* ed25519_secret, const PeerKey& genesis_hash);

  const PeerKey& key() const { return key_; }
  const PeerKey& id() const { return id_; }
  const PeerKey& genesis() const { return genesis_; }

  // Adds the six headers to `q` (a request to `receiver`, the node id it is addressed to;
  // `self_url` is this node's own URL). Returns the nonce its answer must be signed over.
  // `q.url` must be http://HOST:PORT/PATH without a query.
  Nonce sign_request(net::ClientRequest& q, const PeerKey& receiver,
                     const std::string& self_url) const;

  // Checks a received request, cheapest first (docs/peer-auth.md §3 steps 1–5), at `now_ms`.
  // A request that passes is remembered: the same nonce from the same key is refused after.
  struct Checked {
    std::optional<Sender> sender;
    Refusal refusal;  // when !sender
  };
  Checked check_request(const net::Request& r, std::uint64_t now_ms);
  // Whether `r` carries any of the signed-request headers (so it claims to be signed).
  static bool claims_signed(const net::Request& r);

  // Adds X-Cpc-Node and X-Cpc-Sig to an answer to a request with `nonce`.
  void sign_response(net::Response& resp, const Nonce& nonce) const;
  // Checks an answer to our request with `nonce`, addressed to the node `expected_id`.
  // kIo naming what is wrong when it is unsigned, signed by another key, or forged.
  static Status check_response(const net::Response& resp, const Nonce& nonce,
                               const PeerKey& expected_id);

  // The bytes each side signs (exposed for tests and for docs/peer-auth.md's vectors).
  static std::string request_message(const PeerKey& genesis, const PeerKey& receiver,
                                     std::string_view method, std::string_view path,
                                     std::uint64_t time_ms, const Nonce& nonce,
                                     std::string_view body, std::string_view sender_url);
  static std::string response_message(const Nonce& nonce, int status, std::string_view body);

  // How many requests were refused, and how many of those came from another network.
  std::uint64_t refused() const { return refused_; }
  std::uint64_t foreign_genesis() const { return foreign_; }

  PeerAuth(PeerAuth&& o) noexcept;
  PeerAuth(const PeerAuth&) = delete;
  PeerAuth& operator=(const PeerAuth&) = delete;
  PeerAuth& operator=(PeerAuth&&) = delete;

 private:
  PeerAuth(SecretBytes secret, const PeerKey& key, const PeerKey& genesis);
  // Step 4: whether (key, nonce) was seen within the window; `record` adds it.
  bool seen_nonce(const PeerKey& key, const Nonce& nonce, std::uint64_t now_ms, bool record);

  SecretBytes secret_;  // 64 bytes
  PeerKey key_{}, id_{}, genesis_{};
  std::atomic<std::uint64_t> refused_{0}, foreign_{0};

  struct Seen {
    std::array<std::uint8_t, 48> key_nonce;
    std::uint64_t at_ms;
  };
  std::mutex replay_mu_;
  std::deque<Seen> replay_order_;                  // oldest first
  std::set<std::array<std::uint8_t, 48>> replay_;  // what replay_order_ holds
};

// Unix time in milliseconds.
std::uint64_t unix_ms();

// A node URL as contacts and signed requests carry it: http://HOST:PORT and nothing more
// (HOST: letters, digits, '.', '-', or a bracketed IPv6 address; PORT: 1-65535), at most
// 256 bytes. Anything else — a path, a query, user info — could point a node's challenge
// or store at another endpoint than a node's, so it is refused.
bool is_node_url(std::string_view url);

}  // namespace cpc::node
