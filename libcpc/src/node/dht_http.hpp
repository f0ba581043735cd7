// SPDX-License-Identifier: Apache-2.0
// The DHT's RPCs over HTTP/JSON (docs/dht.md, docs/node-api.md §4): HttpTransport is the
// client side of cpc::dht::Transport — each batch of RPCs goes out in parallel through
// net::perform_all — and the JSON helpers are shared with the node's server side.
//
//   POST /v1/dht/find_node  {"target":hex,"from":{"id":hex,"url":…}} → {"contacts":[…]}
//   POST /v1/dht/find_value {"key":hex,"from":…} → {"has_value":bool,"contacts":[…]}
//   POST /v1/dht/ping       {"from":…} → {"id":hex}
//
// Every RPC is a signed request and its answer must be signed by the node addressed
// (docs/peer-auth.md §3–§4): an unsigned or wrongly signed answer is a failed RPC. The
// "from" member of the bodies is no longer sent, and ignored when received: a sender is
// who signed the request.
//
// Thread safety: HttpTransport keeps no mutable state; concurrent calls are safe.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/codec/json.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/net/http_client.hpp"
#include "peer_auth.hpp"

namespace cpc::dht {

constexpr std::size_t kMaxContacts = 64;  // contacts accepted in one reply

json::Value contact_json(const Contact& c);
// {"id":64 hex,"url":"http://…"} (kBadInput otherwise).
Result<Contact> parse_contact(const json::Value& v);
// An array of at most kMaxContacts contacts.
Result<std::vector<Contact>> parse_contacts(const json::Value& v);
json::Value contacts_json(const std::vector<Contact>& cs);
Result<NodeId> parse_id(const json::Value& v);

// Request bodies, and the parsing of their replies (kIo for a non-200 status or a
// malformed reply: a peer that answers garbage is treated as failed).
std::string find_node_body(const NodeId& target, const std::optional<Contact>& from);
std::string find_value_body(const NodeId& key, const std::optional<Contact>& from);
std::string ping_body(const std::optional<Contact>& from);
Result<std::vector<Contact>> parse_find_node_reply(const net::Response& r);
Result<FindValueReply> parse_find_value_reply(const net::Response& r);
Result<NodeId> parse_ping_reply(const net::Response& r);

// Server side: the body of a find_node / find_value / ping request (the node's handlers,
// and fuzz_node_api without a server). A JSON object of at most kMaxRpcRequest bytes and
// depth 8, with an optional "from" contact; find_node needs "target", find_value "key"
// (64 hex). kBadInput for anything else (the handler answers 400).
constexpr std::size_t kMaxRpcRequest = 1 << 16;
struct RpcRequest {
  std::optional<Contact> from;
  NodeId id{};  // find_node: target; find_value: key; ping: zero
};
Result<RpcRequest> parse_find_node_request(std::string_view body);
Result<RpcRequest> parse_find_value_request(std::string_view body);
Result<RpcRequest> parse_ping_request(std::string_view body);

class HttpTransport : public Transport {
 public:
  // Requests are signed by `auth` (which outlives the transport) with `self_url` as the
  // sender's URL.
  HttpTransport(const node::PeerAuth& auth, std::string self_url,
                net::ClientOptions options = rpc_options());
  std::vector<Result<std::vector<Contact>>> find_node(std::span<const Contact> to,
                                                      const NodeId& target) override;
  std::vector<Result<FindValueReply>> find_value(std::span<const Contact> to,
                                                 const NodeId& key) override;
  std::vector<Status> ping(std::span<const Contact> to) override;

  // Short timeouts: a node that does not answer an RPC within 3 s counts as failed.
  static net::ClientOptions rpc_options();

 private:
  std::vector<Result<net::Response>> post(std::span<const Contact> to, const std::string& path,
                                          const std::string& body);
  const node::PeerAuth& auth_;
  std::string self_url_;
  net::ClientOptions options_;
};

}  // namespace cpc::dht
