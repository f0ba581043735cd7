// SPDX-License-Identifier: Apache-2.0
// Signed node-to-node requests and answers (libcpc/src/node/peer_auth.hpp,
// docs/peer-auth.md §3–§4).
#include "peer_auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "cpc/codec/hex.hpp"

namespace cpc::node {

namespace {

constexpr std::string_view kRequestTag = "cpc/peer-request/v1";
constexpr std::string_view kResponseTag = "cpc/peer-response/v1";
constexpr std::size_t kMaxUrl = 256;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_bytes(std::string& out, const std::uint8_t* p, std::size_t n) {
  out.append(reinterpret_cast<const char*>(p), n);
}
void put_lp(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}
void put_hash(std::string& out, std::string_view body) {
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(body.data()),
                     body.size(), nullptr, 0);
  put_bytes(out, h.data(), h.size());
}

// Whether `sig` is `key`'s Ed25519 signature of `message`.
bool verifies(const std::array<std::uint8_t, crypto_sign_BYTES>& sig, std::string_view message,
              const PeerKey& key) {
  return crypto_sign_verify_detached(sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

PeerKey id_of(const PeerKey& key) {
  PeerKey id{};
  crypto_generichash(id.data(), id.size(), key.data(), key.size(), nullptr, 0);
  return id;
}

// Exactly `out.size()` bytes of lowercase hex.
bool lower_hex(std::string_view text, std::span<std::uint8_t> out) {
  if (text.size() != out.size() * 2) return false;
  if (text.find_first_not_of("0123456789abcdef") != std::string_view::npos) return false;
  return hex::decode_into(text, out).is_ok();
}

const std::string* header(const net::Request& r, const char* name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? nullptr : &it->second;
}

const std::string* header(const net::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return &v;
    }
  }
  return nullptr;
}

// The path of an http://HOST:PORT/PATH URL ("" when it has a query or no path).
std::string_view url_path(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::size_t slash = url.find('/', scheme + 3);
  if (slash == std::string_view::npos || url.find('?') != std::string_view::npos) return {};
  return url.substr(slash);
}

}  // namespace

bool is_node_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() > kMaxUrl || url.substr(0, kScheme.size()) != kScheme) return false;
  std::string_view rest = url.substr(kScheme.size());
  std::size_t host_end = 0;
  if (!rest.empty() && rest.front() == '[') {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos || host_end < 2) return false;
    if (rest.substr(1, host_end - 1).find_first_not_of("0123456789abcdefABCDEF:.") !=
        std::string_view::npos) {
      return false;
    }
    ++host_end;
  } else {
    host_end = rest.find(':');
    if (host_end == std::string_view::npos || host_end == 0) return false;
    const std::string_view host = rest.substr(0, host_end);
    if (host.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
        std::string_view::npos) {
      return false;
    }
  }
  if (host_end >= rest.size() || rest[host_end] != ':') return false;
  const std::string_view port = rest.substr(host_end + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  const unsigned long p = std::stoul(std::string(port));
  return p >= 1 && p <= 65535;
}

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Result<PeerAuth> PeerAuth::create(const std::uint8_t* ed25519_secret, const PeerKey& genesis_hash) {
  auto secret = SecretBytes::allocate(crypto_sign_SECRETKEYBYTES);
  CPC_RETURN_IF_ERROR(secret);
  std::memcpy(secret->data(), ed25519_secret, crypto_sign_SECRETKEYBYTES);
  PeerKey key{};
  std::memcpy(key.data(), ed25519_secret + 32, key.size());  // seed || public key
  return PeerAuth(std::move(*secret), key, genesis_hash);
}

PeerAuth::PeerAuth(SecretBytes secret, const PeerKey& key, const PeerKey& genesis)
    : secret_(std::move(secret)), key_(key), id_(id_of(key)), genesis_(genesis) {}

PeerAuth::PeerAuth(PeerAuth&& o) noexcept
    : secret_(std::move(o.secret_)),
      key_(o.key_),
      id_(o.id_),
      genesis_(o.genesis_),
      refused_(o.refused_.load()),
      foreign_(o.foreign_.load()),
      replay_order_(std::move(o.replay_order_)),
      replay_(std::move(o.replay_)) {}

std::string PeerAuth::request_message(const PeerKey& genesis, const PeerKey& receiver,
                                      std::string_view method, std::string_view path,
                                      std::uint64_t time_ms, const Nonce& nonce,
                                      std::string_view body, std::string_view sender_url) {
  std::string m(kRequestTag);
  put_bytes(m, genesis.data(), genesis.size());
  put_bytes(m, receiver.data(), receiver.size());
  put_lp(m, method);
  put_lp(m, path);
  put_u64(m, time_ms);
  put_bytes(m, nonce.data(), nonce.size());
  put_hash(m, body);
  put_lp(m, sender_url);
  return m;
}

std::string PeerAuth::response_message(const Nonce& nonce, int status, std::string_view body) {
  std::string m(kResponseTag);
  put_bytes(m, nonce.data(), nonce.size());
  m.push_back(static_cast<char>(status & 0xff));
  m.push_back(static_cast<char>((status >> 8) & 0xff));
  put_hash(m, body);
  return m;
}

Nonce PeerAuth::sign_request(net::ClientRequest& q, const PeerKey& receiver,
                             const std::string& self_url) const {
  Nonce nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  const std::uint64_t now = unix_ms();
  const std::string m =
      request_message(genesis_, receiver, q.method, url_path(q.url), now, nonce, q.body, self_url);
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(m.data()),
                       m.size(), secret_.data());
  q.headers.push_back({"X-Cpc-Node", hex::encode(key_)});
  q.headers.push_back({"X-Cpc-Url", self_url});
  q.headers.push_back({"X-Cpc-Time", std::to_string(now)});
  q.headers.push_back({"X-Cpc-Nonce", hex::encode(nonce)});
  q.headers.push_back({"X-Cpc-Genesis", hex::encode(genesis_)});
  q.headers.push_back({"X-Cpc-Sig", hex::encode(sig)});
  return nonce;
}

bool PeerAuth::claims_signed(const net::Request& r) {
  for (const char* h :
       {"x-cpc-node", "x-cpc-url", "x-cpc-time", "x-cpc-nonce", "x-cpc-genesis", "x-cpc-sig"}) {
    if (header(r, h) != nullptr) return true;
  }
  return false;
}

PeerAuth::Checked PeerAuth::check_request(const net::Request& r, std::uint64_t now_ms) {
  Checked out;
  auto refuse = [&](std::string why) {
    refused_ += 1;
    out.refusal.message = "peer authentication: " + std::move(why);
    return out;
  };
  // 1. Six headers, each of the right length and alphabet: no signature work yet.
  const std::string* node = header(r, "x-cpc-node");
  const std::string* url = header(r, "x-cpc-url");
  const std::string* time = header(r, "x-cpc-time");
  const std::string* nonce_hex = header(r, "x-cpc-nonce");
  const std::string* genesis_hex = header(r, "x-cpc-genesis");
  const std::string* sig_hex = header(r, "x-cpc-sig");
  if (!node || !url || !time || !nonce_hex || !genesis_hex || !sig_hex) {
    return refuse(
        "a signed node request is needed (X-Cpc-Node, -Url, -Time, -Nonce, -Genesis, "
        "-Sig; docs/peer-auth.md)");
  }
  Sender s;
  PeerKey genesis{};
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  if (!lower_hex(*node, s.key) || !lower_hex(*nonce_hex, s.nonce) ||
      !lower_hex(*genesis_hex, genesis) || !lower_hex(*sig_hex, sig)) {
    return refuse("malformed X-Cpc-Node, -Nonce, -Genesis or -Sig");
  }
  if (!is_node_url(*url)) return refuse("X-Cpc-Url must be http://HOST:PORT");
  if (time->empty() || time->size() > 19 ||
      time->find_first_not_of("0123456789") != std::string::npos) {
    return refuse("malformed X-Cpc-Time");
  }
  if (!r.query.empty()) return refuse("a signed request has no query string");
  s.time_ms = std::stoull(*time);
  // 2. The clock.
  const std::uint64_t skew = s.time_ms > now_ms ? s.time_ms - now_ms : now_ms - s.time_ms;
  if (skew > kMaxClockSkewMs) {
    return refuse("X-Cpc-Time is " + std::to_string(skew / 1000) + " s away from ours (at most " +
                  std::to_string(kMaxClockSkewMs / 1000) + " s)");
  }
  // 3. The network. A request naming another genesis is checked over the genesis it
  // names, so that only a real node of another network is logged and counted as one (§7);
  // anything else is a bad signature.
  const bool foreign = genesis != genesis_;
  // 4. Once only: looked up here, recorded only after the signature holds, so a forged
  // request takes no slot of the key it names.
  if (!foreign && seen_nonce(s.key, s.nonce, now_ms, false)) {
    return refuse("replayed request (nonce seen)");
  }
  // 5. The signature. It covers this node's id: a request signed for another node fails.
  if (!verifies(sig,
                request_message(genesis, id_, r.method, r.path, s.time_ms, s.nonce, r.body, *url),
                s.key)) {
    return refuse("bad signature");
  }
  if (foreign) {
    foreign_ += 1;
    out.refusal.foreign_genesis = true;
    out.refusal.their_genesis = *genesis_hex;
    return refuse("genesis " + *genesis_hex + " is not ours, " + hex::encode(genesis_));
  }
  if (seen_nonce(s.key, s.nonce, now_ms, true)) {
    return refuse("replayed request, or more than 65536 signed requests in the last 60 s");
  }
  s.id = id_of(s.key);
  s.url = *url;
  out.sender = std::move(s);
  return out;
}

bool PeerAuth::seen_nonce(const PeerKey& key, const Nonce& nonce, std::uint64_t now_ms,
                          bool record) {
  std::array<std::uint8_t, 48> kn{};
  std::copy(key.begin(), key.end(), kn.begin());
  std::copy(nonce.begin(), nonce.end(), kn.begin() + 32);
  std::lock_guard lock(replay_mu_);
  // A nonce older than the window cannot come back: step 2 refuses its time.
  while (!replay_order_.empty() && replay_order_.front().at_ms + kReplayWindowMs < now_ms) {
    replay_.erase(replay_order_.front().key_nonce);
    replay_order_.pop_front();
  }
  if (!record) return replay_.count(kn) != 0;
  // Full of nonces still in their window: refused rather than evicted, since an evicted
  // nonce could be replayed (a flood of one key must not open replays of another's).
  if (replay_.size() >= kMaxReplayEntries) return true;
  if (!replay_.insert(kn).second) return true;
  replay_order_.push_back({kn, now_ms});
  return false;
}

void PeerAuth::sign_response(net::Response& resp, const Nonce& nonce) const {
  const std::string m = response_message(nonce, resp.status, resp.body);
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(m.data()),
                       m.size(), secret_.data());
  resp.headers.push_back({"X-Cpc-Node", hex::encode(key_)});
  resp.headers.push_back({"X-Cpc-Sig", hex::encode(sig)});
}

Status PeerAuth::check_response(const net::Response& resp, const Nonce& nonce,
                                const PeerKey& expected_id) {
  const std::string* node = header(resp, "x-cpc-node");
  const std::string* sig_hex = header(resp, "x-cpc-sig");
  if (node == nullptr || sig_hex == nullptr) return Status::io("answer is not signed");
  PeerKey key{};
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  if (!lower_hex(*node, key) || !lower_hex(*sig_hex, sig)) {
    return Status::io("answer has a malformed signature");
  }
  if (id_of(key) != expected_id) return Status::io("answer is signed by another node");
  if (!verifies(sig, response_message(nonce, resp.status, resp.body), key)) {
    return Status::io("answer has a bad signature");
  }
  return Status::ok();
}

}  // namespace cpc::node
