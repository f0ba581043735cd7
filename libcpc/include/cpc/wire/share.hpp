// SPDX-License-Identifier: Apache-2.0
// The wire records of sharing (docs/sharing.md §2–§4, docs/node-api.md §11), shared by the
// proxy (libcpc/src/node/proxy.hpp) and the clients (cpc/client/share_client.hpp): the signed
// re-encryption request and its answer, the list of proxies a node offers, the live grants of a
// grantee, and the kfrag of one proxy sealed to its node key (and opened again in secure memory).
//
// Errors: kBadInput for malformed records (the message names the member); kRefused when a
// sealed kfrag does not open with the given key.
//
// Thread safety: values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chain/state.hpp"
#include "cpc/chain/types.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/crypto/pre.hpp"
#include "cpc/status.hpp"

namespace cpc::share {

inline constexpr std::string_view kRequestTag = "cpc/reencrypt-request/v1";
inline constexpr std::size_t kMaxRequestBytes = 4096;
inline constexpr std::size_t kNonceBytes = 16;
using Nonce = std::array<std::uint8_t, kNonceBytes>;

// POST /v1/reencrypt (sharing.md §3).
struct ReencryptRequest {
  chain::Hash grant{};
  std::string cid;  // canonical CID text
  chain::PubKey requester{};
  std::uint64_t time_ms = 0;
  Nonce nonce{};
  chain::Signature sig{};
};

// A fresh request (random nonce) for `grant` and `cid` at `now_ms`, signed by `requester`.
ReencryptRequest make_request(const chain::Hash& grant, const std::string& cid,
                              const keys::SecretKey& requester, std::uint64_t now_ms);
// The request record (JCS, one line), with "sig".
std::string request_record(const ReencryptRequest& r);
// Strict: a JSON object of exactly the seven members, lowercase hex of the right lengths,
// a canonical CID, time an integer in [0, 2^53-1], at most kMaxRequestBytes (kBadInput).
Result<ReencryptRequest> parse_request(std::string_view body);
// True when sig is requester's signature over tag || 0x0a || JCS(request without "sig").
bool verify_request(const ReencryptRequest& r);

// {"type":"cpc/reencrypt-response","cfrags":["<cpc/cfrag record>",…]}, one per capsule.
std::string response_record(const std::vector<pre::CapsuleFragment>& cfrags);
Result<std::vector<pre::CapsuleFragment>> parse_response(std::string_view body);

// One entry of GET /v1/proxies.
struct ProxyEntry {
  chain::Hash id{};
  std::string url;
  keys::PublicKey key;
};
std::string proxies_record(const std::vector<ProxyEntry>& proxies);
// Parses the list and checks it: each id = node_id(key.sign), no id twice (kBadInput).
Result<std::vector<ProxyEntry>> parse_proxies(std::string_view body);

// One live grant as GET /v1/grants lists it (kfrags omitted, proxies' URLs resolved by the
// answering node; an empty URL when it could not resolve one).
struct GrantEntry {
  chain::Hash id{};
  std::string cid;  // empty: every CID of the owner
  chain::PubKey owner{};
  std::optional<chain::Hash> owner_key;
  chain::PubKey grantee{};
  std::uint64_t threshold = 0;
  std::uint64_t expires = 0;
  std::uint64_t height = 0;
  struct Proxy {
    chain::Hash node{};
    std::string url;
  };
  std::vector<Proxy> proxies;
};
// {"type":"cpc/grants","grantee":…,"cid":…,"height":H,"grants":[…]}
std::string grants_record(const chain::PubKey& grantee, const std::string& cid,
                          std::uint64_t height, const std::vector<GrantEntry>& grants);
Result<std::vector<GrantEntry>> parse_grants(std::string_view body);

// The kfrag of one proxy as the grant transaction carries it: the cpc/kfrag record (one
// NDJSON line) sealed to the proxy's node key as a sealed stream, in base64.
std::string seal_kfrag(const pre::KeyFragment& kfrag, const keys::PublicKey& proxy);
// Opens it with the proxy's node key. The record's plaintext lives only in sodium_malloc'd
// memory, and it is read in its canonical form (pre::kfrag_record) straight into the
// binary encoding there; the returned KeyFragment wipes its scalar when destroyed.
// kRefused when it is sealed to another key or does not authenticate; kBadInput when it
// is not a canonical cpc/kfrag record.
Result<pre::KeyFragment> open_kfrag(std::string_view sealed_base64,
                                    const keys::SecretKey& node_key);

}  // namespace cpc::share
