// SPDX-License-Identifier: Apache-2.0
// cpc::client sharing calls (docs/sharing.md §2 and §4): what cpc-reencrypt grant/revoke
// --node and cpc-get -k do through a node — publish a grant (proxies chosen by the node,
// one kfrag sealed to each, an access.grant transaction waited for), revoke one, and read a
// sealed object as its owner or as a grantee (cfrags collected from the grant's proxies in
// parallel, each checked, the data opened with the first T valid ones).
//
// Errors: kRefused for "access denied" (no live grant, fewer than T valid cfrags) and the
// chain's refusals; kBadInput for malformed input (an object that is not sealed, bad
// parameters) and a node's 400s; kIo for network and node errors.
//
// Thread safety: functions without shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cpc/codec/cid.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/status.hpp"
#include "cpc/wire/share.hpp"

namespace cpc::client {

// GET NODE/v1/proxies?n=N: N proxies, checked (ids are their keys', no duplicates); kIo
// with the node's message when it has fewer than N reachable (503).
Result<std::vector<share::ProxyEntry>> list_proxies(const std::string& node, unsigned n);

// docs/peer-auth.md §6 "The client's check": for each proxy, GET NODE/v1/nodes/{id} and
// check that its registration is a node.register signed by the proxy's signing key, naming
// the proxy's encryption key, and included in a block certified under the node's genesis
// (GET NODE/v1/chain/genesis). kRefused naming the proxy on any mismatch or a missing
// record; kIo when the node cannot be reached.
Status check_proxy_records(const std::string& node, const std::vector<share::ProxyEntry>& proxies);

// The height at which a grant made now for `duration` expires: the head height plus the
// duration in blocks at the mean interval of the last (up to) 100 blocks, at least 1 block.
Result<std::uint64_t> expiry_height(const std::string& node, std::chrono::milliseconds duration);

struct GrantSpec {
  keys::PublicKey grantee;
  unsigned threshold = 1;
  unsigned shares = 1;
  std::string cid;                                      // empty: every CID the owner has registered
  std::optional<std::chrono::milliseconds> expires_in;  // none: never expires (2^53 − 1)
  std::chrono::milliseconds wait{60000};                // for the commit
};

struct GrantResult {
  std::string id;  // grant id = transaction id
  std::uint64_t height = 0;
};
// sharing.md §2 steps 1–4 (the proxies checked by check_proxy_records before any kfrag is
// sealed). Errors as above; kBadInput for T > N or a bad CID.
Result<GrantResult> publish_grant(const std::string& node, const keys::SecretKey& owner,
                                  const GrantSpec& spec);
// {"type":"cpc/grant","id":…,"tx":…,"height":H}
std::string grant_output(const GrantResult& g);

struct RevokeResult {
  std::string tx;  // the access.revoke transaction's id
  std::uint64_t height = 0;
};
// access.revoke of `grant_id` (64 hex), waited for.
Result<RevokeResult> revoke_grant(const std::string& node, const keys::SecretKey& owner,
                                  const std::string& grant_id,
                                  std::chrono::milliseconds wait = std::chrono::seconds(60));
// {"type":"cpc/revoke","grant":…,"tx":…,"height":H}
std::string revoke_output(const std::string& grant_id, const std::string& tx, std::uint64_t height);

// GET NODE/v1/grants?grantee=…&cid=…: the live grants of `grantee` covering `cid`.
Result<std::vector<share::GrantEntry>> live_grants(const std::string& node,
                                                   const chain::PubKey& grantee,
                                                   const std::string& cid);

// Where read_sealed spent its time (bench/share_bench.sh); the rest is fetching.
struct ReadTimings {
  double grants_ms = 0;     // GET /v1/grants (grantees only)
  double reencrypt_ms = 0;  // the proxies' round trip, in parallel, cfrag proofs checked
  double decrypt_ms = 0;    // capsule key (decapsulation) and opening every chunk or record
};

struct ReadOptions {
  std::string node = "http://127.0.0.1:7400";
  ReadTimings* timings = nullptr;  // filled in when set
  std::size_t window = 8;          // object blocks in flight
  long proxy_timeout_ms = 2000;    // each re-encryption request
  // Told about each proxy that is skipped and why (cpc-get -v); may be empty.
  std::function<void(const std::string&)> log;
  // Told the sealed object's bytes fetched so far and its size (Options::progress).
  std::function<void(std::uint64_t done, std::optional<std::uint64_t> total)> progress;
};

// cpc-get CID -k KEY (sharing.md §4): fetches the object (verified), and opens it with KEY
// when it is sealed to KEY, else as a grantee with cfrags; writes the authenticated
// plaintext to `sink` (a sealed stream's bytes, or each sealed record's line and "\n").
// No plaintext reaches the sink before the key is obtained; a stream cut short fails at
// its end (kRefused), as cpc-encrypt -d, so the caller must discard what the sink got.
// Errors: kRefused "access denied: …" (nothing written), the object's and the sealing's.
Status read_sealed(const cid::Cid& cid, const keys::SecretKey& key,
                   const std::function<Status(ByteView)>& sink, const ReadOptions& options);

}  // namespace cpc::client
