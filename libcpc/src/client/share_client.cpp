// SPDX-License-Identifier: Apache-2.0
// Sharing calls of the clients (cpc/client/share_client.hpp, docs/sharing.md §2 and §4).
#include "cpc/client/share_client.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "cpc/chain/verify.hpp"
#include "cpc/client/chain_client.hpp"
#include "cpc/client/object_client.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/crypto/seal.hpp"
#include "cpc/net/http_client.hpp"

namespace cpc::client {

namespace {

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

std::string short_id(const chain::Hash& id) {
  return hex::encode(id).substr(0, 16);
}

Result<std::uint64_t> json_u64(const json::Value& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return Status::io(what + ": bad reply");
  return it->get<std::uint64_t>();
}

}  // namespace

Result<std::vector<share::ProxyEntry>> list_proxies(const std::string& node, unsigned n) {
  net::HttpClient http;
  auto r = http.get(node_base(node) + "/v1/proxies?n=" + std::to_string(n));
  CPC_RETURN_IF_ERROR(r);
  if (r->status != 200) return node_refusal(*r, "proxies");
  auto list = share::parse_proxies(r->body);
  if (!list) return Status::io("node's " + list.status().message());
  if (list->size() != n) {
    return Status::io("proxies: the node offered " + std::to_string(list->size()) + " of " +
                      std::to_string(n));
  }
  return list;
}

Status check_proxy_records(const std::string& node, const std::vector<share::ProxyEntry>& proxies) {
  const std::string base = node_base(node);
  net::HttpClient http;
  auto g = http.get(base + "/v1/chain/genesis");
  CPC_RETURN_IF_ERROR(g);
  if (g->status != 200) return node_refusal(*g, "genesis");
  auto genesis = chain::parse_genesis(g->body);
  if (!genesis) return Status::io("node's genesis: " + genesis.status().message());
  for (const auto& p : proxies) {
    const std::string name = "proxy " + short_id(p.id) + " (" + p.url + ")";
    auto refuse = [&](const std::string& why) { return Status::refused(name + ": " + why); };
    auto r = http.get(base + "/v1/nodes/" + hex::encode(p.id));
    CPC_RETURN_IF_ERROR(r);
    if (r->status == 404) return refuse("no node record on chain");
    if (r->status != 200) return node_refusal(*r, name + ": node record");
    auto j = json::parse(r->body);
    if (!j || !j->is_object() || !j->contains("proof")) return refuse("bad node record");
    auto proof = chain::parse_proof(json::canonicalize((*j)["proof"]));
    if (!proof) return refuse("bad node record (" + proof.status().message() + ")");
    const chain::Tx& tx = proof->tx;
    // The record is the registration itself, signed by the proxy's node key: the answering
    // node can withhold a newer one, not forge one (docs/peer-auth.md §6).
    if (tx.op != chain::Op::kNodeRegister) return refuse("its node record is not a node.register");
    if (tx.from != p.key.sign || chain::node_id_of(tx.from) != p.id) {
      return refuse("its node record is another key's");
    }
    if (!chain::verify_tx_signature(tx)) {
      return refuse("its registration's signature does not verify");
    }
    if (tx.encrypt != p.key.encrypt.bytes()) {
      return refuse("its encryption key is not the one its node record names");
    }
    if (Status s = chain::verify_proof(*proof, *genesis); !s) {
      return refuse("its registration's inclusion proof does not verify (" + s.message() + ")");
    }
  }
  return Status::ok();
}

Result<std::uint64_t> expiry_height(const std::string& node, std::chrono::milliseconds duration) {
  const std::string base = node_base(node);
  auto status = get_json(base + "/v1/chain/status", "chain status");
  CPC_RETURN_IF_ERROR(status);
  auto height = json_u64(*status, "height", "chain status");
  CPC_RETURN_IF_ERROR(height);
  auto head_time = json_u64(*status, "time", "chain status");
  CPC_RETURN_IF_ERROR(head_time);
  const std::uint64_t k = std::min<std::uint64_t>(100, *height);
  std::uint64_t mean_ms = 1000;  // no block yet: a guess
  if (k > 0) {
    std::uint64_t base_time = 0;
    if (*height - k == 0) {
      auto g = get_json(base + "/v1/chain/genesis", "genesis");
      CPC_RETURN_IF_ERROR(g);
      auto t = json_u64(*g, "time", "genesis");
      CPC_RETURN_IF_ERROR(t);
      base_time = *t;
    } else {
      auto b = get_json(base + "/v1/blocks/" + std::to_string(*height - k), "block");
      CPC_RETURN_IF_ERROR(b);
      auto header = b->find("block");
      if (header == b->end() || !header->is_object() || !header->contains("header")) {
        return Status::io("block: bad reply");
      }
      auto t = json_u64((*header)["header"], "time", "block");
      CPC_RETURN_IF_ERROR(t);
      base_time = *t;
    }
    if (*head_time > base_time) mean_ms = std::max<std::uint64_t>(1, (*head_time - base_time) / k);
  }
  const auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration.count()));
  const std::uint64_t blocks = std::max<std::uint64_t>(1, (ms + mean_ms - 1) / mean_ms);
  // +1: the block that commits the grant; the grant is then live for `blocks` blocks.
  return std::min(chain::kMaxInt, *height + 1 + blocks);
}

Result<GrantResult> publish_grant(const std::string& node, const keys::SecretKey& owner,
                                  const GrantSpec& spec) {
  if (spec.threshold < 1 || spec.shares < 1 || spec.threshold > spec.shares) {
    return Status::bad_input("the threshold must be 1 to the number of proxies");
  }
  if (spec.shares > chain::kMaxProxies) return Status::bad_input("at most 32 proxies");
  if (!spec.cid.empty() && !chain::valid_cid(spec.cid)) {
    return Status::bad_input("bad CID: " + spec.cid);
  }
  auto proxies = list_proxies(node, spec.shares);
  CPC_RETURN_IF_ERROR(proxies);
  CPC_RETURN_IF_ERROR(check_proxy_records(node, *proxies));
  auto kfrags = pre::generate_kfrags(owner, spec.grantee.encrypt, spec.threshold, spec.shares);
  CPC_RETURN_IF_ERROR(kfrags);
  chain::Tx tx;
  tx.op = chain::Op::kAccessGrant;
  tx.cid = spec.cid;
  tx.grantee = spec.grantee.sign;
  tx.threshold = spec.threshold;
  for (std::size_t i = 0; i < proxies->size(); ++i) {
    tx.proxies.push_back({(*proxies)[i].id, share::seal_kfrag((*kfrags)[i], (*proxies)[i].key)});
  }
  tx.owner_key = owner.public_key().encrypt.bytes();
  tx.expires = chain::kMaxInt;
  if (spec.expires_in) {
    auto h = expiry_height(node, *spec.expires_in);
    CPC_RETURN_IF_ERROR(h);
    tx.expires = *h;
  }
  auto done = sign_submit_wait(node, owner, std::move(tx), spec.wait);
  CPC_RETURN_IF_ERROR(done);
  return GrantResult{done->id, done->height};
}

std::string grant_output(const GrantResult& g) {
  // "type" first, as the other tools print their records.
  return nlohmann::ordered_json{
      {"type", "cpc/grant"}, {"id", g.id}, {"tx", g.id}, {"height", g.height}}
      .dump();
}

Result<RevokeResult> revoke_grant(const std::string& node, const keys::SecretKey& owner,
                                  const std::string& grant_id, std::chrono::milliseconds wait) {
  chain::Tx tx;
  tx.op = chain::Op::kAccessRevoke;
  if (!hex::decode_into(grant_id, tx.grant) || hex::encode(tx.grant) != grant_id) {
    return Status::bad_input("bad grant id (64 lowercase hex digits): " + grant_id);
  }
  auto done = sign_submit_wait(node, owner, std::move(tx), wait);
  CPC_RETURN_IF_ERROR(done);
  return RevokeResult{done->id, done->height};
}

std::string revoke_output(const std::string& grant_id, const std::string& tx,
                          std::uint64_t height) {
  return nlohmann::ordered_json{
      {"type", "cpc/revoke"}, {"grant", grant_id}, {"tx", tx}, {"height", height}}
      .dump();
}

Result<std::vector<share::GrantEntry>> live_grants(const std::string& node,
                                                   const chain::PubKey& grantee,
                                                   const std::string& cid) {
  net::HttpClient http;
  auto r = http.get(node_base(node) + "/v1/grants?grantee=" + hex::encode(grantee) + "&cid=" + cid);
  CPC_RETURN_IF_ERROR(r);
  if (r->status != 200) return node_refusal(*r, "grants");
  auto list = share::parse_grants(r->body);
  if (!list) return Status::io("node's " + list.status().message());
  return list;
}

namespace {

// The grantee's cfrags of one grant: one list per proxy that answered with valid ones.
struct Cfrags {
  keys::PublicKey owner;
  std::vector<std::vector<pre::CapsuleFragment>> lists;
};

// Sends one fresh signed request to every proxy of `g` at once and keeps the answers whose
// first cfrag passes its proof for `capsule`. Skipped proxies are logged with the reason.
Cfrags collect(const share::GrantEntry& g, const keys::PublicKey& owner, const std::string& cid,
               const capsule::Capsule& capsule, const keys::SecretKey& key, const ReadOptions& o,
               std::string* reasons) {
  auto skip = [&](const share::GrantEntry::Proxy& p, const std::string& why) {
    const std::string line = "proxy " + short_id(p.node) +
                             (p.url.empty() ? "" : " (" + p.url + ")") + " skipped: " + why;
    if (o.log) o.log(line);
    if (reasons->empty()) *reasons = line;
  };
  std::vector<net::ClientRequest> reqs;
  std::vector<const share::GrantEntry::Proxy*> asked;
  for (const auto& p : g.proxies) {
    if (p.url.empty()) {
      skip(p, "no URL known");
      continue;
    }
    net::ClientRequest q;
    q.method = "POST";
    q.url = p.url + "/v1/reencrypt";
    q.headers = {{"Content-Type", "application/json"}};
    q.body = share::request_record(share::make_request(g.id, cid, key, now_ms()));
    reqs.push_back(std::move(q));
    asked.push_back(&p);
  }
  net::ClientOptions opts;
  opts.connect_timeout_ms = o.proxy_timeout_ms;
  opts.timeout_ms = o.proxy_timeout_ms;
  opts.max_response = 32u << 20;
  auto res = reqs.empty() ? std::vector<Result<net::Response>>{}
                          : net::perform_all(reqs, reqs.size(), opts);
  Cfrags out{owner, {}};
  for (std::size_t i = 0; i < res.size(); ++i) {
    const auto& p = *asked[i];
    if (!res[i]) {
      skip(p, res[i].status().message());
      continue;
    }
    if (res[i]->status != 200) {
      skip(p, node_refusal(*res[i], "HTTP " + std::to_string(res[i]->status)).message());
      continue;
    }
    auto cfrags = share::parse_response(res[i]->body);
    if (!cfrags) {
      skip(p, cfrags.status().message());
      continue;
    }
    if (auto s = pre::verify_cfrag(cfrags->front(), capsule, owner, key.public_key().encrypt); !s) {
      skip(p, "its cfrag fails its proof (" + s.message() + ")");
      continue;
    }
    bool copy = false;  // another proxy's fragment, passed off as its own
    for (const auto& l : out.lists) copy = copy || l.front().id == cfrags->front().id;
    if (copy) {
      skip(p, "its cfrag is a copy of another proxy's");
      continue;
    }
    out.lists.push_back(std::move(*cfrags));
  }
  return out;
}

// Reads a sealed object line by line as it arrives and opens it.
class SealedReader {
 public:
  SealedReader(const cid::Cid& cid, const keys::SecretKey& key,
               const std::function<Status(ByteView)>& sink, const ReadOptions& o)
      : cid_(cid::to_string(cid)), key_(key), sink_(sink), o_(o) {}

  Status bytes(ByteView b) {
    buf_.append(as_chars(b));
    std::size_t start = 0;
    for (std::size_t nl; (nl = buf_.find('\n', start)) != std::string::npos; start = nl + 1) {
      CPC_RETURN_IF_ERROR(line(std::string_view(buf_).substr(start, nl - start)));
    }
    buf_.erase(0, start);
    if (buf_.size() > kMaxLine) return Status::bad_input(cid_ + ": a line longer than 32 MiB");
    return Status::ok();
  }

  Status finish() {
    if (!buf_.empty()) CPC_RETURN_IF_ERROR(line(buf_));
    if (!started_) return Status::bad_input(cid_ + " is not a sealed object: it is empty");
    if (opener_ && !opener_->finished()) return Status::refused("stream truncated: no final chunk");
    return Status::ok();
  }

 private:
  static constexpr std::size_t kMaxLine = 32u << 20;

  Status line(std::string_view l) {
    ++line_no_;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") == std::string_view::npos) return Status::ok();
    if (!started_) {
      CPC_RETURN_IF_ERROR(start(l));
      if (!records_) return Status::ok();  // a stream's header: its chunks follow
    }
    Status s = records_ ? open_record(l) : open_chunk(l);
    return s.with_context("line " + std::to_string(line_no_));
  }

  // Adds the time `f` takes to `field` of the caller's timings, if any.
  template <typename F>
  auto timed(double ReadTimings::*field, F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = f();
    if (o_.timings != nullptr) {
      o_.timings->*field +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    return r;
  }

  Status open_record(std::string_view l) {
    auto plain = timed(&ReadTimings::decrypt_ms, [&] { return seal::open_record(l, keys_); });
    CPC_RETURN_IF_ERROR(plain);
    plain->push_back('\n');
    Status s = sink_(*plain);
    sodium_memzero(plain->data(), plain->size());
    return s;
  }

  Status open_chunk(std::string_view l) {
    CPC_RETURN_IF_ERROR(
        timed(&ReadTimings::decrypt_ms, [&] { return opener_->open_chunk(l, plain_); }));
    Status s = sink_(plain_);
    sodium_memzero(plain_.data(), plain_.size());
    return s;
  }

  // The first line decides: sealed to KEY, or to an owner who granted KEY access.
  Status start(std::string_view first) {
    started_ = true;
    records_ = seal::is_sealed_record(first);
    auto h = records_ ? seal::parse_record_header(first) : seal::parse_header(first);
    if (!h) {
      if (h.status().code() == Code::kBadInput) {
        return Status::bad_input(cid_ + " is not a sealed object (" + h.status().message() + ")");
      }
      return h.status();
    }
    if (h->to == key_.public_key().encrypt) {
      keys_ = seal::owner_key_source(key_);
    } else {
      CPC_RETURN_IF_ERROR(as_grantee(*h));
      keys_ = [this](const seal::Header& hh) -> Result<capsule::Key> {
        if (!(hh.to == cfrags_.owner.encrypt)) {
          return Status::refused("record sealed to another key (recipient " + hh.recipient + ")");
        }
        std::vector<pre::CapsuleFragment> these;
        for (const auto& list : cfrags_.lists) {
          if (list.size() > taken_) these.push_back(list[taken_]);
        }
        ++taken_;
        return pre::decapsulate_valid_frags(key_, cfrags_.owner, hh.capsule, these);
      };
    }
    if (!records_) {
      auto opener = timed(&ReadTimings::decrypt_ms, [&] { return seal::Opener::begin(*h, keys_); });
      CPC_RETURN_IF_ERROR(opener);
      opener_.emplace(std::move(*opener));
    }
    return Status::ok();
  }

  Status as_grantee(const seal::Header& h) {
    auto deny = [](const std::string& why) { return Status::refused("access denied: " + why); };
    auto grants = timed(&ReadTimings::grants_ms,
                        [&] { return live_grants(o_.node, key_.public_key().sign, cid_); });
    CPC_RETURN_IF_ERROR(grants);
    std::string reasons;
    bool any = false;
    for (const auto& g : *grants) {
      if (!g.owner_key) continue;
      auto owner_encrypt = group::Point::decode(group::view(*g.owner_key));
      if (!owner_encrypt || !(*owner_encrypt == h.to)) continue;
      any = true;
      keys::PublicKey owner{g.owner, *owner_encrypt};
      Cfrags got = timed(&ReadTimings::reencrypt_ms,
                         [&] { return collect(g, owner, cid_, h.capsule, key_, o_, &reasons); });
      if (got.lists.size() >= g.threshold) {
        cfrags_ = std::move(got);
        return Status::ok();
      }
      const std::string why = "grant " + short_id(g.id) + ": " + std::to_string(got.lists.size()) +
                              " of " + std::to_string(g.threshold) + " valid cfrags needed";
      reasons = reasons.empty() ? why : why + "; " + reasons;
    }
    if (!any) return deny("no live grant of " + cid_ + " to this key");
    return deny(reasons);
  }

  std::string cid_;
  const keys::SecretKey& key_;
  const std::function<Status(ByteView)>& sink_;
  const ReadOptions& o_;
  std::string buf_;
  std::size_t line_no_ = 0;
  bool started_ = false, records_ = false;
  seal::KeySource keys_;
  std::optional<seal::Opener> opener_;
  Bytes plain_;
  Cfrags cfrags_;
  std::size_t taken_ = 0;
};

}  // namespace

Status read_sealed(const cid::Cid& cid, const keys::SecretKey& key,
                   const std::function<Status(ByteView)>& sink, const ReadOptions& options) {
  SealedReader reader(cid, key, sink, options);
  Options o;
  o.node = options.node;
  o.window = options.window;
  o.progress = options.progress;
  auto n = get_object(
      cid, [&](ByteView b) { return reader.bytes(b); }, o);
  CPC_RETURN_IF_ERROR(n);
  return reader.finish();
}

}  // namespace cpc::client
