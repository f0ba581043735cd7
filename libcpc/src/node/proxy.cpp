// SPDX-License-Identifier: Apache-2.0
// The proxy's side of re-encryption requests (libcpc/src/node/proxy.hpp, docs/sharing.md §3).
#include "proxy.hpp"

#include <chrono>

#include "cpc/codec/hex.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/dht/dht.hpp"

namespace cpc::proxy {

namespace {

using net::Response;

std::uint64_t system_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Ends the object fetch once the capsule of a sealed stream is known (its chunks are not
// needed): returned by the sink, recognised by the flag that goes with it.
Status stop_reading() {
  return Status::refused("stop reading");
}

}  // namespace

Proxy::Proxy(const keys::SecretKey& node_key, ChainLookup chain, BlockSource blocks, Clock clock,
             ProxyOptions options)
    : key_(node_key),
      id_(dht::node_id(node_key.public_key().sign)),
      chain_(std::move(chain)),
      blocks_(std::move(blocks)),
      clock_(clock ? std::move(clock) : Clock(system_ms)),
      options_(options),
      start_ms_(clock_()) {}

Proxy::~Proxy() = default;

net::Response Proxy::handle(std::string_view body) {
  auto refuse = [this](int status, const std::string& why) {
    ++refused_;
    return Response::error(status, why);
  };
  if (body.size() > share::kMaxRequestBytes) return refuse(413, "request larger than 4 KiB");
  // 1. Form.
  auto req = share::parse_request(body);
  if (!req) return refuse(400, req.status().message());
  // 2. Signature.
  if (!share::verify_request(*req)) return refuse(403, "bad signature");
  // 3. Freshness.
  const std::uint64_t now = clock_();
  const std::uint64_t skew = req->time_ms > now ? req->time_ms - now : now - req->time_ms;
  if (skew > options_.max_skew_ms) return refuse(403, "stale request");
  // 4. A live grant, at the latest committed block.
  const ChainFacts facts = chain_(req->grant, req->cid);
  if (!facts.grant || facts.height >= facts.grant->expires) return refuse(403, "no live grant");
  const chain::Grant& grant = *facts.grant;
  // 5. The grantee.
  if (grant.grantee != req->requester) return refuse(403, "not the grantee");
  // 6. This node is a proxy of the grant.
  bool mine = false;
  for (const auto& p : grant.proxies) mine = mine || p.node == id_;
  if (!mine) return refuse(403, "not a proxy of this grant");
  // 7. The CID is the grant's, or (a grant of every CID) registered by the grant's owner.
  const bool covered = grant.cid.empty() ? facts.cid_owner && *facts.cid_owner == grant.owner
                                         : grant.cid == req->cid;
  if (!covered) return refuse(403, "CID not covered by the grant");
  // 8. Single use.
  std::string why;
  if (int status = use_nonce(*req, now, &why); status != 0) return refuse(status, why);
  Response r = answer(*req, grant);
  if (r.status == 200) {
    ++served_;
  } else {
    ++refused_;
  }
  return r;
}

int Proxy::use_nonce(const share::ReencryptRequest& req, std::uint64_t now, std::string* why) {
  // A request older than this process could have been served by its previous run, whose
  // nonces are gone: refused, so that a restart does not reopen the replay window.
  if (req.time_ms < start_ms_) {
    *why = "request replayed";
    return 409;
  }
  const std::string key = hex::encode(req.requester) + hex::encode(req.nonce);
  std::lock_guard lock(nonce_mu_);
  while (!nonce_order_.empty() && nonce_order_.front().first + options_.replay_window_ms <= now) {
    nonces_.erase(nonce_order_.front().second);
    nonce_order_.pop_front();
  }
  if (nonces_.count(key) != 0) {
    *why = "request replayed";
    return 409;
  }
  if (nonces_.size() >= options_.max_nonces) {
    *why = "too many requests; try again later";
    return 503;
  }
  nonces_.emplace(key, now);
  nonce_order_.emplace_back(now, key);
  return 0;
}

net::Response Proxy::answer(const share::ReencryptRequest& req, const chain::Grant& grant) {
  auto c = cid::parse(req.cid);
  if (!c) return Response::error(400, c.status().message());
  auto caps = capsules(*c);
  if (!caps) {
    const Status& s = caps.status();
    if (s.code() == Code::kRefused) return Response::error(404, s.message());
    if (s.code() == Code::kIo) return Response::error(503, s.message());
    return Response::error(422, s.message());
  }
  const chain::GrantProxy* mine = nullptr;
  for (const auto& p : grant.proxies) {
    if (p.node == id_) mine = &p;
  }
  // The kfrag lives in this scope only; its scalar is wiped when it goes.
  auto kfrag = share::open_kfrag(mine->kfrag, key_);
  if (!kfrag) {
    return Response::error(
        403, "this proxy's kfrag of the grant does not open (" + kfrag.status().message() + ")");
  }
  if (kfrag->owner.sign != grant.owner ||
      (grant.owner_key && kfrag->owner.encrypt.bytes() != *grant.owner_key)) {
    return Response::error(403, "this proxy's kfrag is not the grant owner's");
  }
  if (auto s = pre::verify_kfrag(*kfrag, kfrag->owner, kfrag->grantee); !s) {
    return Response::error(403, "this proxy's kfrag does not verify (" + s.message() + ")");
  }
  std::vector<capsule::Capsule> list;
  list.reserve((*caps)->size());
  for (const auto& sc : **caps) {
    if (!(sc.to == kfrag->owner.encrypt)) {
      return Response::error(422, "object " + req.cid + " is not sealed to the grant's owner");
    }
    list.push_back(sc.capsule);
  }
  auto cfrags = pre::reencapsulate(list, *kfrag);
  if (!cfrags) return Response::error(422, cfrags.status().message());
  return Response{200, "application/json", share::response_record(*cfrags), {}};
}

Result<std::shared_ptr<const std::vector<SealedCapsule>>> Proxy::capsules(const cid::Cid& c) {
  const std::string key = cid::to_string(c);
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  auto out = std::make_shared<std::vector<SealedCapsule>>();
  bool records = false, stopped = false, not_found = false;
  std::string buf;
  std::uint64_t total = 0;
  std::size_t line_no = 0;
  auto take_line = [&](std::string_view line) -> Status {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return Status::ok();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (out->empty() && !records) records = seal::is_sealed_record(line);
    auto h = records ? seal::parse_record_header(line) : seal::parse_header(line);
    if (!h) {
      return Status::bad_input("not a sealed object: line " + std::to_string(line_no) + ": " +
                               h.status().message());
    }
    out->push_back({h->to, h->capsule});
    if (!records) {  // a sealed stream: its header's capsule is all a proxy needs
      stopped = true;
      return stop_reading();
    }
    if (out->size() > options_.max_capsules) {
      return Status::bad_input("more than " + std::to_string(options_.max_capsules) +
                               " sealed records in one object");
    }
    return Status::ok();
  };
  auto sink = [&](ByteView b) -> Status {
    total += b.size();
    if (total > options_.max_records_bytes) {
      return Status::bad_input("not a sealed object: no record within " +
                               std::to_string(options_.max_records_bytes) + " bytes");
    }
    buf.append(as_chars(b));
    std::size_t start = 0;
    for (std::size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1) {
      CPC_RETURN_IF_ERROR(take_line(std::string_view(buf).substr(start, nl - start)));
    }
    buf.erase(0, start);
    return Status::ok();
  };
  auto fetch = [&](const cid::Cid& want) -> Result<Bytes> {
    auto b = blocks_(want);
    if (!b) return b.status();
    if (!b->has_value()) {
      not_found = true;
      return Status::refused("object " + key + " not found");
    }
    return std::move(**b);
  };
  auto read = unixfs::read_file(c, fetch, sink);
  if (!read && !stopped) {
    if (not_found) return Status::refused("object " + key + " not found");
    if (read.status().code() == Code::kIo) return read.status();
    return Status::bad_input(read.status().message());
  }
  if (!stopped && !buf.empty()) {  // a last line without "\n"
    Status s = take_line(buf);
    if (!s && !stopped) return s;
  }
  if (out->empty()) return Status::bad_input("not a sealed object: " + key + " is empty");
  std::shared_ptr<const std::vector<SealedCapsule>> done = std::move(out);
  std::lock_guard lock(cache_mu_);
  if (cache_.find(key) == cache_.end()) {
    lru_.emplace_front(key, done);
    cache_[key] = lru_.begin();
    while (lru_.size() > options_.capsule_cache) {
      cache_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }
  return done;
}

}  // namespace cpc::proxy
