// SPDX-License-Identifier: Apache-2.0
// Transactions (consensus.md §2): the operations on data, access grants, tokens and escrowed
// purchases, each signed by its sender over the chain id and a nonce. This header covers
// the record format, signing and the checks that need no state (shape, ranges, signature);
// the checks against state are in state.hpp.
//
// Errors: kBadInput for malformed records (consensus.md §2.1), kRefused for a signature
// that does not verify.
//
// Thread safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chain/types.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/status.hpp"

namespace cpc::chain {

enum class Op {
  kTransfer,
  kDataRegister,
  kDataOffer,
  kDataBuy,
  kAccessGrant,
  kAccessRevoke,
  kNodeRegister
};

// "transfer", "data.register", …
std::string_view op_name(Op op);

inline constexpr std::size_t kMaxTxBytes = 64 << 10;
inline constexpr std::size_t kMaxMetaBytes = 4 << 10;
inline constexpr std::size_t kMaxProxies = 32;
inline constexpr std::size_t kMaxKfragChars = 8192;
// node.register: the longest URL (docs/peer-auth.md §3 X-Cpc-Url has the same bound).
inline constexpr std::size_t kMaxNodeUrl = 256;

// A proxy of a grant: its node id and the kfrag encrypted to it (or its hash), opaque here.
struct GrantProxy {
  Hash node{};
  std::string kfrag;
};

// One transaction. Which body members are meaningful depends on `op` (consensus.md §2);
// the others stay at their defaults and are not encoded.
struct Tx {
  std::string chain;
  PubKey from{};
  std::uint64_t nonce = 0;
  Op op = Op::kTransfer;
  // transfer
  PubKey to{};
  std::uint64_t amount = 0;
  // data.register, data.offer, data.buy, access.grant (optional there: empty = every CID
  // the owner registered)
  std::string cid;
  std::uint64_t size = 0;                    // data.register
  json::Value meta = json::Value::object();  // data.register
  std::uint64_t price = 0;                   // data.offer, data.buy
  std::uint64_t deadline = 0;                // data.buy
  PubKey grantee{};                          // access.grant
  std::uint64_t threshold = 0;               // access.grant
  std::vector<GrantProxy> proxies;           // access.grant
  std::uint64_t expires = 0;                 // access.grant
  std::optional<Hash> owner_key;             // access.grant: owner's ristretto255 key
  Hash grant{};                              // access.revoke
  std::string url;                           // node.register: http://HOST:PORT
  Hash encrypt{};                            // node.register: the node's ristretto255 key
  Signature sig{};
};

// The JSON object of `tx`; without "sig" when with_sig is false (the signed part).
json::Value tx_to_json(const Tx& tx, bool with_sig = true);
// Reads a transaction object strictly (shape and ranges; the signature is not checked).
Result<Tx> tx_from_json(const json::Value& v);
// The canonical one-line record (JCS, no newline) and its parser.
std::string tx_record(const Tx& tx);
Result<Tx> parse_tx(std::string_view record);

// Checks the body's shape and ranges (CID syntax, amounts ≥ 1, thresholds, proxies, size).
// tx_from_json() calls it; call it on transactions built in code before signing.
Status check_tx_form(const Tx& tx);

// Sets tx.from to sk's public key and tx.sig to its signature (consensus.md §2).
void sign_tx(Tx& tx, const keys::SecretKey& sk);
// kRefused "signature does not verify" unless tx.sig is from's signature.
Status verify_tx_signature(const Tx& tx);
// H32("cpc/chain/tx-id/v1"; JCS(tx)), signature included.
Hash tx_id(const Tx& tx);
// The same from an already computed tx_record(tx).
Hash tx_id_of_record(std::string_view record);

// True when `cid` is "b" followed by 8-120 characters of [a-z2-7].
bool valid_cid(std::string_view cid);
// True when `url` is a node URL node.register accepts (consensus.md §2): "http://" or
// "https://", then 1-248 printable ASCII characters without spaces, '"' or '\\'.
bool valid_node_url(std::string_view url);

}  // namespace cpc::chain
