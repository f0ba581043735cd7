// SPDX-License-Identifier: Apache-2.0
// cpc::dht::HttpTransport and the RPC JSON (libcpc/src/node/dht_http.hpp, docs/dht.md).
#include "dht_http.hpp"

#include "cpc/codec/hex.hpp"

namespace cpc::dht {

json::Value contact_json(const Contact& c) {
  return {{"id", hex::encode(c.id)}, {"url", c.url}};
}

Result<NodeId> parse_id(const json::Value& v) {
  if (!v.is_string()) return Status::bad_input("id must be a 64-hex string");
  NodeId id{};
  CPC_RETURN_IF_ERROR(hex::decode_into(v.get_ref<const std::string&>(), id).with_context("id"));
  return id;
}

Result<Contact> parse_contact(const json::Value& v) {
  if (!v.is_object() || !v.contains("id") || !v.contains("url") || !v["url"].is_string()) {
    return Status::bad_input("a contact is {\"id\":hex,\"url\":\"http://…\"}");
  }
  auto id = parse_id(v["id"]);
  CPC_RETURN_IF_ERROR(id);
  const std::string& url = v["url"].get_ref<const std::string&>();
  if (!node::is_node_url(url)) {
    return Status::bad_input("contact url must be http://HOST:PORT");
  }
  return Contact{*id, url};
}

Result<std::vector<Contact>> parse_contacts(const json::Value& v) {
  if (!v.is_array() || v.size() > kMaxContacts) {
    return Status::bad_input("contacts must be an array of at most 64");
  }
  std::vector<Contact> out;
  for (const auto& c : v) {
    auto p = parse_contact(c);
    CPC_RETURN_IF_ERROR(p);
    out.push_back(std::move(*p));
  }
  return out;
}

json::Value contacts_json(const std::vector<Contact>& cs) {
  json::Value a = json::Value::array();
  for (const auto& c : cs) a.push_back(contact_json(c));
  return a;
}

namespace {
std::string with_from(json::Value j, const std::optional<Contact>& from) {
  if (from) j["from"] = contact_json(*from);
  return j.dump();
}

// The "error" member of an error answer, else its status.
std::string reply_error(const net::Response& r) {
  auto j = json::parse(r.body, {.max_depth = 4, .max_size = 1 << 16});
  if (j && j->is_object() && j->contains("error") && (*j)["error"].is_string()) {
    return (*j)["error"].get<std::string>();
  }
  return "HTTP " + std::to_string(r.status);
}

Result<json::Value> reply_json(const net::Response& r) {
  if (r.status != 200) return Status::io("RPC answered HTTP " + std::to_string(r.status));
  auto j = json::parse(r.body, {.max_depth = 8, .max_size = 1 << 20});
  if (!j || !j->is_object()) return Status::io("malformed RPC reply");
  return j;
}
}  // namespace

std::string find_node_body(const NodeId& target, const std::optional<Contact>& from) {
  return with_from({{"target", hex::encode(target)}}, from);
}
std::string find_value_body(const NodeId& key, const std::optional<Contact>& from) {
  return with_from({{"key", hex::encode(key)}}, from);
}
std::string ping_body(const std::optional<Contact>& from) {
  return with_from(json::Value::object(), from);
}

Result<std::vector<Contact>> parse_find_node_reply(const net::Response& r) {
  auto j = reply_json(r);
  CPC_RETURN_IF_ERROR(j);
  if (!j->contains("contacts")) return Status::io("find_node reply without contacts");
  auto cs = parse_contacts((*j)["contacts"]);
  if (!cs) return Status::io("find_node reply: " + cs.status().message());
  return cs;
}

Result<FindValueReply> parse_find_value_reply(const net::Response& r) {
  auto j = reply_json(r);
  CPC_RETURN_IF_ERROR(j);
  FindValueReply out;
  if (!j->contains("has_value") || !(*j)["has_value"].is_boolean()) {
    return Status::io("find_value reply without has_value");
  }
  out.has_value = (*j)["has_value"].get<bool>();
  if (j->contains("contacts")) {
    auto cs = parse_contacts((*j)["contacts"]);
    if (!cs) return Status::io("find_value reply: " + cs.status().message());
    out.closer = std::move(*cs);
  }
  return out;
}

Result<NodeId> parse_ping_reply(const net::Response& r) {
  auto j = reply_json(r);
  CPC_RETURN_IF_ERROR(j);
  auto id = j->contains("id") ? parse_id((*j)["id"]) : Result<NodeId>(Status::io("no id"));
  if (!id) return Status::io("ping reply without a valid id");
  return id;
}

namespace {
// The body as a JSON object and its optional "from"; `field` (when not null) is a required id.
Result<RpcRequest> parse_request(std::string_view body, const char* field) {
  auto j = json::parse(body, {.max_depth = 8, .max_size = kMaxRpcRequest});
  CPC_RETURN_IF_ERROR(j);
  if (!j->is_object()) return Status::bad_input("request body must be a JSON object");
  RpcRequest out;
  if (j->contains("from")) {
    auto c = parse_contact((*j)["from"]);
    if (!c) return c.status().with_context("from");
    out.from = std::move(*c);
  }
  if (field != nullptr) {
    if (!j->contains(field)) return Status::bad_input(std::string("no ") + field);
    auto id = parse_id((*j)[field]);
    CPC_RETURN_IF_ERROR(id);
    out.id = *id;
  }
  return out;
}
}  // namespace

Result<RpcRequest> parse_find_node_request(std::string_view body) {
  return parse_request(body, "target");
}
Result<RpcRequest> parse_find_value_request(std::string_view body) {
  return parse_request(body, "key");
}
Result<RpcRequest> parse_ping_request(std::string_view body) {
  return parse_request(body, nullptr);
}

HttpTransport::HttpTransport(const node::PeerAuth& auth, std::string self_url,
                             net::ClientOptions options)
    : auth_(auth), self_url_(std::move(self_url)), options_(options) {}

net::ClientOptions HttpTransport::rpc_options() {
  net::ClientOptions o;
  o.connect_timeout_ms = 1000;
  o.timeout_ms = 3000;
  o.max_response = 1 << 20;
  return o;
}

std::vector<Result<net::Response>> HttpTransport::post(std::span<const Contact> to,
                                                       const std::string& path,
                                                       const std::string& body) {
  std::vector<net::ClientRequest> reqs;
  std::vector<node::Nonce> nonces;
  reqs.reserve(to.size());
  for (const auto& c : to) {
    reqs.push_back({"POST", c.url + path, {{"Content-Type", "application/json"}}, body});
    nonces.push_back(auth_.sign_request(reqs.back(), c.id, self_url_));
  }
  auto out = net::perform_all(reqs, reqs.empty() ? 1 : reqs.size(), options_);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i]) continue;
    // A 401 is the peer's refusal of our request (its message says why): not signed.
    if (out[i]->status == 401) {
      out[i] = Status::io(to[i].url + path + ": " + reply_error(*out[i]));
    } else if (auto st = node::PeerAuth::check_response(*out[i], nonces[i], to[i].id); !st) {
      out[i] = Status::io(to[i].url + path + ": " + st.message());
    }
  }
  return out;
}

std::vector<Result<std::vector<Contact>>> HttpTransport::find_node(std::span<const Contact> to,
                                                                   const NodeId& target) {
  std::vector<Result<std::vector<Contact>>> out;
  for (auto& r : post(to, "/v1/dht/find_node", find_node_body(target, std::nullopt))) {
    out.push_back(r ? parse_find_node_reply(*r) : Result<std::vector<Contact>>(r.status()));
  }
  return out;
}

std::vector<Result<FindValueReply>> HttpTransport::find_value(std::span<const Contact> to,
                                                              const NodeId& key) {
  std::vector<Result<FindValueReply>> out;
  for (auto& r : post(to, "/v1/dht/find_value", find_value_body(key, std::nullopt))) {
    out.push_back(r ? parse_find_value_reply(*r) : Result<FindValueReply>(r.status()));
  }
  return out;
}

std::vector<Status> HttpTransport::ping(std::span<const Contact> to) {
  std::vector<Status> out;
  auto rs = post(to, "/v1/dht/ping", ping_body(std::nullopt));
  for (std::size_t i = 0; i < rs.size(); ++i) {
    if (!rs[i]) {
      out.push_back(rs[i].status());
      continue;
    }
    auto id = parse_ping_reply(*rs[i]);
    if (!id) {
      out.push_back(id.status());
    } else if (*id != to[i].id) {
      out.push_back(Status::io("ping: " + to[i].url + " answered with another id"));
    } else {
      out.push_back(Status::ok());
    }
  }
  return out;
}

}  // namespace cpc::dht
