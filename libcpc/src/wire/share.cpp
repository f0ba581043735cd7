// SPDX-License-Identifier: Apache-2.0
// The wire records of sharing (cpc/wire/share.hpp, docs/sharing.md §2–§4): strict parsing, the
// request's signature, and sealed kfrags opened in secure memory.
#include "cpc/wire/share.hpp"

#include <sodium.h>

#include <cstring>
#include <set>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/crypto/seal.hpp"
#include "cpc/dht/dht.hpp"

namespace cpc::share {

namespace {

using json::Value;

Status bad(const std::string& what, const std::string& m) {
  return Status::bad_input(what + ": " + m);
}

// Reads members of one JSON object strictly: every accessor records its member, finish()
// refuses members nobody asked for. The first problem wins.
class Members {
 public:
  Members(const Value& v, std::string what) : v_(v), what_(std::move(what)) {
    if (!v.is_object()) status_ = bad(what_, "not a JSON object");
  }
  const Value* get(const char* key, bool required = true) {
    if (!status_) return nullptr;
    auto it = v_.find(key);
    if (it == v_.end()) {
      if (required) status_ = bad(what_, std::string("missing \"") + key + "\"");
      return nullptr;
    }
    ++seen_;
    return &*it;
  }
  std::string str(const char* key, bool required = true) {
    const Value* x = get(key, required);
    if (x == nullptr) return {};
    if (!x->is_string()) {
      fail(std::string("\"") + key + "\" is not a string");
      return {};
    }
    return x->get<std::string>();
  }
  template <std::size_t N>
  void hex(const char* key, std::array<std::uint8_t, N>& out, bool required = true) {
    const Value* x = get(key, required);
    if (x == nullptr) return;
    if (!x->is_string() || x->get_ref<const std::string&>().size() != 2 * N ||
        !hex::decode_into(x->get_ref<const std::string&>(), out) ||
        hex::encode(out) != x->get_ref<const std::string&>()) {
      fail(std::string("\"") + key + "\" is not " + std::to_string(2 * N) +
           " lowercase hex digits");
    }
  }
  std::uint64_t u64(const char* key) {
    const Value* x = get(key);
    if (x == nullptr) return 0;
    if (!x->is_number_integer() || (!x->is_number_unsigned() && x->get<std::int64_t>() < 0)) {
      fail(std::string("\"") + key + "\" is not an integer in [0, 2^53-1]");
      return 0;
    }
    const std::uint64_t n = x->get<std::uint64_t>();
    if (n > chain::kMaxInt) fail(std::string("\"") + key + "\" is above 2^53-1");
    return n;
  }
  void fail(const std::string& m) {
    if (status_) status_ = bad(what_, m);
  }
  Status finish() {
    if (status_ && seen_ != v_.size()) status_ = bad(what_, "unknown members");
    return status_;
  }
  bool ok() const { return status_.is_ok(); }

 private:
  const Value& v_;
  std::string what_;
  std::size_t seen_ = 0;
  Status status_;
};

Value unsigned_request(const ReencryptRequest& r) {
  return {{"type", "cpc/reencrypt-request"},
          {"grant", hex::encode(r.grant)},
          {"cid", r.cid},
          {"requester", hex::encode(r.requester)},
          {"time", r.time_ms},
          {"nonce", hex::encode(r.nonce)}};
}

Result<Value> parse_object(std::string_view body, const std::string& what) {
  auto v = json::parse(body);
  if (!v) return v.status().with_context(what);
  if (!v->is_object()) return bad(what, "not a JSON object");
  return std::move(*v);
}

Result<std::string> canonical_cid(const std::string& text) {
  auto c = cid::parse(text);
  if (!c) return c.status().with_context("bad CID");
  if (cid::to_string(*c) != text) return Status::bad_input("bad CID: not in canonical form");
  return text;
}

}  // namespace

ReencryptRequest make_request(const chain::Hash& grant, const std::string& cid,
                              const keys::SecretKey& requester, std::uint64_t now_ms) {
  ReencryptRequest r;
  r.grant = grant;
  r.cid = cid;
  r.requester = requester.public_key().sign;
  r.time_ms = now_ms;
  randombytes_buf(r.nonce.data(), r.nonce.size());
  r.sig = chain::sign_tagged(kRequestTag, json::canonicalize(unsigned_request(r)), requester);
  return r;
}

std::string request_record(const ReencryptRequest& r) {
  Value v = unsigned_request(r);
  v["sig"] = hex::encode(r.sig);
  return json::canonicalize(v);
}

Result<ReencryptRequest> parse_request(std::string_view body) {
  const std::string what = "reencrypt request";
  if (body.size() > kMaxRequestBytes) return bad(what, "larger than 4 KiB");
  auto v = parse_object(body, what);
  CPC_RETURN_IF_ERROR(v);
  Members m(*v, what);
  ReencryptRequest r;
  if (m.str("type") != "cpc/reencrypt-request" && m.ok())
    m.fail("type is not cpc/reencrypt-request");
  m.hex("grant", r.grant);
  r.cid = m.str("cid");
  m.hex("requester", r.requester);
  r.time_ms = m.u64("time");
  m.hex("nonce", r.nonce);
  m.hex("sig", r.sig);
  CPC_RETURN_IF_ERROR(m.finish());
  auto c = canonical_cid(r.cid);
  if (!c) return c.status().with_context(what);
  return r;
}

bool verify_request(const ReencryptRequest& r) {
  return chain::verify_tagged(kRequestTag, json::canonicalize(unsigned_request(r)), r.requester,
                              r.sig);
}

std::string response_record(const std::vector<pre::CapsuleFragment>& cfrags) {
  Value list = Value::array();
  for (const auto& f : cfrags) list.push_back(pre::cfrag_record(f));
  return json::canonicalize(Value{{"type", "cpc/reencrypt-response"}, {"cfrags", list}});
}

Result<std::vector<pre::CapsuleFragment>> parse_response(std::string_view body) {
  const std::string what = "reencrypt response";
  auto v = parse_object(body, what);
  CPC_RETURN_IF_ERROR(v);
  Members m(*v, what);
  if (m.str("type") != "cpc/reencrypt-response" && m.ok()) {
    m.fail("type is not cpc/reencrypt-response");
  }
  const Value* list = m.get("cfrags");
  CPC_RETURN_IF_ERROR(m.finish());
  if (!list->is_array() || list->empty()) return bad(what, "\"cfrags\" is not a non-empty array");
  std::vector<pre::CapsuleFragment> out;
  for (const auto& e : *list) {
    if (!e.is_string()) return bad(what, "a cfrag is not a string");
    auto f = pre::parse_cfrag_record(e.get_ref<const std::string&>());
    if (!f) return f.status().with_context(what + ": cfrag " + std::to_string(out.size() + 1));
    out.push_back(std::move(*f));
  }
  return out;
}

std::string proxies_record(const std::vector<ProxyEntry>& proxies) {
  Value list = Value::array();
  for (const auto& p : proxies) {
    auto key = json::parse(keys::public_key_record(p.key));
    list.push_back({{"id", hex::encode(p.id)}, {"url", p.url}, {"key", *key}});
  }
  return json::canonicalize(Value{{"type", "cpc/proxies"}, {"proxies", list}});
}

Result<std::vector<ProxyEntry>> parse_proxies(std::string_view body) {
  const std::string what = "proxies";
  auto v = parse_object(body, what);
  CPC_RETURN_IF_ERROR(v);
  Members m(*v, what);
  if (m.str("type") != "cpc/proxies" && m.ok()) m.fail("type is not cpc/proxies");
  const Value* list = m.get("proxies");
  CPC_RETURN_IF_ERROR(m.finish());
  if (!list->is_array()) return bad(what, "\"proxies\" is not an array");
  std::vector<ProxyEntry> out;
  std::set<chain::Hash> seen;
  for (const auto& e : *list) {
    Members pm(e, "proxy " + std::to_string(out.size() + 1));
    ProxyEntry p;
    pm.hex("id", p.id);
    p.url = pm.str("url");
    const Value* key = pm.get("key");
    CPC_RETURN_IF_ERROR(pm.finish());
    if (!key->is_object()) return bad(what, "a proxy's \"key\" is not an object");
    auto pk = keys::parse_public_key(json::canonicalize(*key));
    if (!pk) return pk.status().with_context(what + ": proxy " + hex::encode(p.id));
    p.key = *pk;
    if (dht::node_id(p.key.sign) != p.id) {
      return bad(what, "proxy " + hex::encode(p.id).substr(0, 16) + "…'s id is not its key's");
    }
    if (!seen.insert(p.id).second) {
      return bad(what, "proxy " + hex::encode(p.id).substr(0, 16) + "… listed twice");
    }
    if (p.url.rfind("http://", 0) != 0) return bad(what, "a proxy URL is not http://");
    out.push_back(std::move(p));
  }
  return out;
}

std::string grants_record(const chain::PubKey& grantee, const std::string& cid,
                          std::uint64_t height, const std::vector<GrantEntry>& grants) {
  Value list = Value::array();
  for (const auto& g : grants) {
    Value ps = Value::array();
    for (const auto& p : g.proxies) {
      ps.push_back(
          {{"node", hex::encode(p.node)}, {"url", p.url.empty() ? Value(nullptr) : Value(p.url)}});
    }
    Value e = {{"id", hex::encode(g.id)},
               {"owner", hex::encode(g.owner)},
               {"grantee", hex::encode(g.grantee)},
               {"threshold", g.threshold},
               {"expires", g.expires},
               {"height", g.height},
               {"proxies", ps}};
    if (!g.cid.empty()) e["cid"] = g.cid;
    if (g.owner_key) e["owner_key"] = hex::encode(*g.owner_key);
    list.push_back(std::move(e));
  }
  Value v = {{"type", "cpc/grants"},
             {"grantee", hex::encode(grantee)},
             {"height", height},
             {"grants", list}};
  if (!cid.empty()) v["cid"] = cid;
  return json::canonicalize(v);
}

Result<std::vector<GrantEntry>> parse_grants(std::string_view body) {
  const std::string what = "grants";
  auto v = parse_object(body, what);
  CPC_RETURN_IF_ERROR(v);
  Members m(*v, what);
  if (m.str("type") != "cpc/grants" && m.ok()) m.fail("type is not cpc/grants");
  chain::PubKey grantee{};
  m.hex("grantee", grantee);
  m.str("cid", false);
  m.u64("height");
  const Value* list = m.get("grants");
  CPC_RETURN_IF_ERROR(m.finish());
  if (!list->is_array()) return bad(what, "\"grants\" is not an array");
  std::vector<GrantEntry> out;
  for (const auto& e : *list) {
    Members gm(e, "grant " + std::to_string(out.size() + 1));
    GrantEntry g;
    gm.hex("id", g.id);
    g.cid = gm.str("cid", false);
    gm.hex("owner", g.owner);
    chain::Hash ok{};
    if (e.is_object() && e.contains("owner_key")) {
      gm.hex("owner_key", ok);
      g.owner_key = ok;
    }
    gm.hex("grantee", g.grantee);
    g.threshold = gm.u64("threshold");
    g.expires = gm.u64("expires");
    g.height = gm.u64("height");
    const Value* ps = gm.get("proxies");
    CPC_RETURN_IF_ERROR(gm.finish());
    if (!ps->is_array()) return bad(what, "\"proxies\" is not an array");
    for (const auto& p : *ps) {
      Members pm(p, "grant proxy");
      GrantEntry::Proxy gp;
      pm.hex("node", gp.node);
      const Value* url = pm.get("url");
      CPC_RETURN_IF_ERROR(pm.finish());
      if (url->is_string()) {
        gp.url = url->get<std::string>();
      } else if (!url->is_null()) {
        return bad(what, "a proxy's \"url\" is neither a string nor null");
      }
      g.proxies.push_back(std::move(gp));
    }
    if (g.threshold < 1 || g.threshold > g.proxies.size()) {
      return bad(what, "a grant's threshold is outside [1, number of proxies]");
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::string seal_kfrag(const pre::KeyFragment& kfrag, const keys::PublicKey& proxy) {
  std::string record = pre::kfrag_record(kfrag) + "\n";
  seal::Sealer sealer(proxy, seal::kDefaultChunkSize);
  std::string sealed = sealer.header().record() + "\n";
  sealer.seal_chunk(as_bytes(record), true, sealed);
  sodium_memzero(record.data(), record.size());
  return base64::encode(as_bytes(sealed));
}

namespace {

// Reads the canonical cpc/kfrag record `text` (pre::kfrag_record's exact bytes) into its
// 292-byte binary encoding `out`, field by field, without any copy outside `out`.
Status kfrag_text_to_binary(std::string_view text, std::uint8_t* out) {
  const Status malformed = Status::bad_input("kfrag: not a canonical cpc/kfrag record");
  std::size_t at = 0;
  auto literal = [&](std::string_view s) {
    if (text.substr(at, s.size()) != s) return false;
    at += s.size();
    return true;
  };
  auto hex_field = [&](const char* name, std::size_t offset, std::size_t n) {
    if (!literal(",\"") || !literal(name) || !literal("\":\"")) return false;
    if (text.size() < at + 2 * n) return false;
    std::string_view digits = text.substr(at, 2 * n);
    for (char c : digits) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    if (!hex::decode_into(digits, std::span<std::uint8_t>(out + offset, n))) return false;
    at += 2 * n;
    return literal("\"");
  };
  if (!literal(R"({"type":"cpc/kfrag")")) return malformed;
  if (!hex_field("id", 0, 32) || !hex_field("owner_sign", 32, 32) ||
      !hex_field("owner_encrypt", 64, 32) || !hex_field("grantee", 96, 32)) {
    return malformed;
  }
  if (!literal(",\"threshold\":")) return malformed;
  std::uint32_t t = 0;
  std::size_t digits = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 4) {
    t = t * 10 + static_cast<std::uint32_t>(text[at] - '0');
    ++at;
    ++digits;
  }
  if (digits == 0 || (digits > 1 && text[at - digits] == '0')) return malformed;
  for (int i = 0; i < 4; ++i) out[128 + i] = static_cast<std::uint8_t>(t >> (8 * i));
  if (!hex_field("precursor", 132, 32) || !hex_field("commitment", 164, 32) ||
      !hex_field("rk", 196, 32) || !hex_field("sig", 228, 64) || !literal("}")) {
    return malformed;
  }
  if (at != text.size()) return malformed;
  return Status::ok();
}

}  // namespace

Result<pre::KeyFragment> open_kfrag(std::string_view sealed_base64,
                                    const keys::SecretKey& node_key) {
  auto sealed = base64::decode(sealed_base64);
  if (!sealed) return sealed.status().with_context("sealed kfrag");
  std::string_view rest = as_chars(*sealed);
  auto lines = [&](std::string_view& line) -> Result<bool> {
    while (!rest.empty()) {
      auto end = rest.find('\n');
      line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      if (!line.empty()) return true;
    }
    return false;
  };
  // The plaintext goes straight into secure memory (at most the sealed size).
  auto plain_or = SecretBytes::allocate(sealed->size());
  CPC_RETURN_IF_ERROR(plain_or);
  SecretBytes& plain = *plain_or;
  std::size_t used = 0;
  auto sink = [&](ByteView b) -> Status {
    if (used + b.size() > plain.size()) return Status::bad_input("sealed kfrag: too long");
    std::memcpy(plain.data() + used, b.data(), b.size());
    used += b.size();
    return Status::ok();
  };
  CPC_RETURN_IF_ERROR(seal::open_stream(lines, seal::owner_key_source(node_key), sink)
                          .with_context("sealed kfrag"));
  std::string_view text(reinterpret_cast<const char*>(plain.data()), used);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  auto binary = SecretBytes::allocate(pre::kKeyFragmentBytes);
  CPC_RETURN_IF_ERROR(binary);
  CPC_RETURN_IF_ERROR(kfrag_text_to_binary(text, binary->data()));
  return pre::decode_kfrag(ByteView(binary->data(), binary->size()));
}

}  // namespace cpc::share
