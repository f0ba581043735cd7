// SPDX-License-Identifier: Apache-2.0
// Attacks on node-to-node authentication (docs/peer-auth.md §2): two real nodes, A and B,
// and an attacker X — a small HTTP server with a key of its own — that tries to take B's
// place in A's routing table, to be counted as a replica, to forge the sender headers of a
// store, to replay a signed request, to join under a URL that is not its own, and to pass
// an encryption key off as a proxy's, and to be offered as a proxy without a node record on
// chain or under another encryption key than its record's (docs/peer-auth.md §6). Each is
// refused, and A's routing table, replica counts and proxy list stay what they were.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cpc/chain/tx.hpp"
#include "cpc/client/chain_client.hpp"
#include "cpc/client/share_client.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/io/log.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"
#include "cpc/node/node.hpp"
#include "peer_fixture.hpp"

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/cpc-peer-auth.XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

nlohmann::json get_json(const std::string& url) {
  auto r = cpc::net::HttpClient().get(url);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return nlohmann::json::parse(r->body);
}

// id -> url of a node's routing table (GET /v1/peers).
std::map<std::string, std::string> peers_of(const std::string& url) {
  std::map<std::string, std::string> out;
  const nlohmann::json list = get_json(url + "/v1/peers");
  for (const auto& p : list["peers"]) {
    out[p["id"].get<std::string>()] = p["url"].get<std::string>();
  }
  return out;
}

// Polls `cond` for up to 10 s.
template <typename F>
bool eventually(F cond) {
  for (int i = 0; i < 100; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return cond();
}

cpc::node::PeerKey hex32(const std::string& h) {
  cpc::node::PeerKey k{};
  REQUIRE(cpc::hex::decode_into(h, k));
  return k;
}

struct Network {
  TempDir dir;
  std::unique_ptr<cpc::node::Node> a, b;
  std::string a_id, b_id;
  cpc::node::PeerKey genesis{};
  Network() {
    cpc::node::NodeOptions bo;
    bo.data_dir = dir.path + "/b";
    bo.listen = "127.0.0.1:0";
    bo.replication = 2;
    auto bn = cpc::node::Node::start(bo);
    REQUIRE(bn);
    b = std::move(*bn);
    cpc::node::NodeOptions ao = bo;
    ao.data_dir = dir.path + "/a";
    ao.bootstrap = {b->url()};
    auto an = cpc::node::Node::start(ao);
    REQUIRE(an);
    a = std::move(*an);
    a_id = a->id_hex();
    b_id = b->id_hex();
    genesis = hex32(get_json(a->url() + "/v1/status")["genesis"].get<std::string>());
    // B admits A once A has answered B's challenge.
    REQUIRE(eventually([&] { return peers_of(b->url()).count(a_id) == 1; }));
  }
  // Both nodes' own registrations committed, as A sees them (docs/peer-auth.md §6).
  bool registered(const std::string& id) const {
    return eventually([&] {
      auto r = cpc::net::HttpClient().get(a->url() + "/v1/nodes/" + id);
      return r && r->status == 200;
    });
  }
  void wait_registered() const {
    REQUIRE(registered(a_id));
    REQUIRE(registered(b_id));
  }
};

// The attacker: answers every RPC (200) and store (201), signed with its own key, and counts
// what reaches it.
struct Attacker {
  cpc::node::PeerAuth key;
  cpc::net::HttpServer server;
  std::atomic<int> requests{0}, stores{0}, key_requests{0};
  std::string url;
  std::string key_record;        // what it answers to GET /v1/node/key
  bool sign_key_answer = false;  // signed with its node key, as a real node answers a node
  explicit Attacker(const cpc::node::PeerKey& genesis) : Attacker(cpc::test::make_peer(genesis)) {}
  // With a cpc key of its own: it proves that key (a Sybil), and can register it on chain.
  Attacker(const cpc::node::PeerKey& genesis, const cpc::keys::SecretKey& sk)
      : Attacker(auth_of(genesis, sk)) {}
  static cpc::node::PeerAuth auth_of(const cpc::node::PeerKey& genesis,
                                     const cpc::keys::SecretKey& sk) {
    auto a = cpc::node::PeerAuth::create(sk.ed25519_secret(), genesis);
    REQUIRE(a);
    return std::move(*a);
  }
  explicit Attacker(cpc::node::PeerAuth k) : key(std::move(k)) {
    server.route("POST", "/v1/", [this](const cpc::net::Request& r) {
      ++requests;
      if (r.path.rfind("/v1/dht/store", 0) == 0) ++stores;
      nlohmann::json j = {{"id", cpc::hex::encode(key.id())},
                          {"contacts", nlohmann::json::array()},
                          {"has_value", false},
                          {"cid", "x"}};
      const int status = r.path.rfind("/v1/dht/store", 0) == 0 ? 201 : 200;
      return cpc::test::signed_answer(key, r, cpc::net::Response::json(status, j));
    });
    server.route("GET", "/v1/node/key", [this](const cpc::net::Request& r) {
      ++key_requests;
      cpc::net::Response resp{200, "application/json", key_record, {}};
      return sign_key_answer ? cpc::test::signed_answer(key, r, resp) : resp;
    });
    REQUIRE(server.start("127.0.0.1:0"));
    url = "http://127.0.0.1:" + std::to_string(server.port());
  }
  // A request to `to` signed by the attacker's own key, claiming `claimed_url`.
  cpc::net::ClientRequest signed_request(const std::string& base, const std::string& path,
                                         const std::string& body, const cpc::node::PeerKey& to,
                                         const std::string& claimed_url) const {
    cpc::net::ClientRequest q{"POST", base + path, {{"Content-Type", "application/json"}}, body};
    key.sign_request(q, to, claimed_url);
    return q;
  }
};

int post_status(const cpc::net::ClientRequest& q) {
  auto r = cpc::net::HttpClient().perform(q);
  REQUIRE(r);
  return r->status;
}

// X (signed with sk) registers itself on chain through `node`: node.register with `encrypt`.
void register_node(const std::string& node, const cpc::keys::SecretKey& sk, const std::string& url,
                   const cpc::keys::PublicKey& encrypt) {
  cpc::chain::Tx tx;
  tx.op = cpc::chain::Op::kNodeRegister;
  tx.url = url;
  tx.encrypt = encrypt.encrypt.bytes();
  auto done = cpc::client::sign_submit_wait(node, sk, tx, std::chrono::seconds(60));
  INFO(done.status().message());
  REQUIRE(done);
}

void set_header(cpc::net::ClientRequest& q, const std::string& name, const std::string& value) {
  for (auto& [n, v] : q.headers) {
    if (n == name) v = value;
  }
}

// X sends A a signed ping as itself, from its own URL; true once A has admitted it (after
// X answered A's challenge, docs/peer-auth.md §5).
bool joins(const Attacker& x, const Network& net) {
  auto q = x.signed_request(net.a->url(), "/v1/dht/ping", "{}", hex32(net.a_id), x.url);
  CHECK(post_status(q) == 200);
  const std::string x_id = cpc::hex::encode(x.key.id());
  return eventually([&] { return peers_of(net.a->url()).count(x_id) == 1; });
}

}  // namespace

TEST_CASE("an id/URL hijack is refused and the replica count stays true",
          "[node][peer_auth][attack]") {
  Network net;
  Attacker x(net.genesis);
  const cpc::node::PeerKey a_id = hex32(net.a_id);
  const auto before = peers_of(net.a->url());
  REQUIRE(before.at(net.b_id) == net.b->url());

  // The attack of the issue: an unsigned ping naming B's id and X's URL.
  const std::string hijack = nlohmann::json{{"from", {{"id", net.b_id}, {"url", x.url}}}}.dump();
  cpc::net::ClientRequest bare{
      "POST", net.a->url() + "/v1/dht/ping", {{"Content-Type", "application/json"}}, hijack};
  CHECK(post_status(bare) == 401);
  // Signed by X, but naming B's key: the signature does not hold.
  auto q = x.signed_request(net.a->url(), "/v1/dht/ping", hijack, a_id, x.url);
  set_header(
      q, "X-Cpc-Node",
      cpc::hex::encode(hex32(get_json(net.b->url() + "/v1/node/key")["sign"].get<std::string>())));
  CHECK(post_status(q) == 401);
  // Signed by X as itself, but claiming B's URL: accepted as a request, never admitted —
  // the challenge at B's URL is answered by B's key, not X's.
  auto q2 = x.signed_request(net.a->url(), "/v1/dht/ping", "{}", a_id, net.b->url());
  CHECK(post_status(q2) == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto after = peers_of(net.a->url());
  CHECK(after == before);
  CHECK(after.count(cpc::hex::encode(x.key.id())) == 0);

  // Writes through A: two replicas, A and B, each really holding the block; X got nothing.
  cpc::net::HttpClient c;
  for (int i = 0; i < 5; ++i) {
    const std::string block = "hijack block " + std::to_string(i);
    const std::string cid = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(block)));
    auto put = c.put(net.a->url() + "/v1/blobs/" + cid, block);
    REQUIRE(put);
    CHECK(put->status == 201);
    auto j = nlohmann::json::parse(put->body);
    CHECK(j["replicas"] == 2);
    auto held = c.get(net.b->url() + "/v1/blobs/" + cid + "?local=1");
    REQUIRE(held);
    CHECK(held->status == 200);
  }
  CHECK(x.stores == 0);
}

TEST_CASE("forged sender headers on a store are refused", "[node][peer_auth][attack]") {
  Network net;
  Attacker x(net.genesis);
  const auto before = peers_of(net.a->url());
  const std::string block = "forged store";
  const std::string cid = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(block)));
  cpc::net::ClientRequest q{"POST",
                            net.a->url() + "/v1/dht/store/" + cid,
                            {{"Content-Type", "application/octet-stream"},
                             {"X-Cpc-From-Id", net.b_id},
                             {"X-Cpc-From-Url", x.url}},
                            block};
  auto r = cpc::net::HttpClient().perform(q);
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->body.find("signed node request is needed") != std::string::npos);
  auto held = cpc::net::HttpClient().get(net.a->url() + "/v1/blobs/" + cid + "?local=1");
  REQUIRE(held);
  CHECK(held->status == 404);
  // The same for the record store and every chain gossip route.
  for (const char* path :
       {"/v1/dht/store_record", "/v1/chain/proposal", "/v1/chain/vote", "/v1/chain/evidence",
        "/v1/chain/tx", "/v1/dht/find_node", "/v1/dht/find_value"}) {
    q.url = net.a->url() + path;
    CHECK(post_status(q) == 401);
  }
  CHECK(peers_of(net.a->url()) == before);
  CHECK(get_json(net.a->url() + "/v1/status")["auth"]["refused"].get<int>() >= 8);
}

TEST_CASE("a replayed signed request is refused", "[node][peer_auth][attack]") {
  Network net;
  Attacker x(net.genesis);  // here a peer with a valid key whose request is captured
  const cpc::node::PeerKey a_id = hex32(net.a_id);
  const std::string block = "replayed store";
  const std::string cid = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(block)));
  cpc::net::ClientRequest q{"POST",
                            net.a->url() + "/v1/dht/store/" + cid,
                            {{"Content-Type", "application/octet-stream"}},
                            block};
  x.key.sign_request(q, a_id, x.url);
  CHECK(post_status(q) == 201);
  auto again = cpc::net::HttpClient().perform(q);
  REQUIRE(again);
  CHECK(again->status == 401);
  CHECK(again->body.find("replayed") != std::string::npos);
  // Re-pointed at another URL, or at another node: the signature no longer holds.
  auto moved = q;
  set_header(moved, "X-Cpc-Url", "http://127.0.0.1:1");
  CHECK(post_status(moved) == 401);
  auto elsewhere = q;
  elsewhere.url = net.b->url() + "/v1/dht/store/" + cid;
  CHECK(post_status(elsewhere) == 401);
}

TEST_CASE("a signed stranger is admitted only after answering at its own URL",
          "[node][peer_auth]") {
  Network net;
  Attacker x(net.genesis);
  const std::string x_id = cpc::hex::encode(x.key.id());
  CHECK(joins(x, net));
  CHECK(peers_of(net.a->url()).at(x_id) == x.url);
  CHECK(x.requests >= 1);  // the challenge
}

TEST_CASE("a proxy is offered only with a key its node key vouched for",
          "[node][peer_auth][attack]") {
  Network net;
  Attacker x(net.genesis);
  // X is admitted (its own key, its own URL) but serves another encryption key unsigned —
  // as a network attacker rewriting a real proxy's answer would.
  auto fake = cpc::keys::SecretKey::generate();
  REQUIRE(fake);
  x.key_record = cpc::keys::public_key_record(fake->public_key());
  REQUIRE(joins(x, net));
  net.wait_registered();
  auto r = cpc::net::HttpClient().get(net.a->url() + "/v1/proxies?n=3");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body.find("only 2 of 3") != std::string::npos);
  auto two = get_json(net.a->url() + "/v1/proxies?n=2");
  CHECK(two.dump().find(cpc::hex::encode(x.key.id())) == std::string::npos);
}

TEST_CASE("a Sybil that proved its key but has no node record is not offered as a proxy",
          "[node][peer_auth][attack]") {
  Network net;
  net.wait_registered();
  // X holds a real cpc key, proves it (admitted) and answers its key signed, as an honest
  // node would: everything but a record on chain.
  auto sk = cpc::keys::SecretKey::generate();
  REQUIRE(sk);
  Attacker x(net.genesis, *sk);
  const std::string x_id = cpc::hex::encode(x.key.id());
  REQUIRE(x_id == cpc::hex::encode(cpc::dht::node_id(sk->public_key().sign)));
  x.key_record = cpc::keys::public_key_record(sk->public_key());
  x.sign_key_answer = true;
  REQUIRE(joins(x, net));
  auto r = cpc::net::HttpClient().get(net.a->url() + "/v1/proxies?n=3");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body.find("only 2 of 3 proxies registered and reachable") != std::string::npos);
  CHECK(x.key_requests >= 1);  // it was asked, and answered well: the record is what lacked
  const auto two = get_json(net.a->url() + "/v1/proxies?n=2");
  CHECK(two.dump().find(x_id) == std::string::npos);
  CHECK(two.dump().find(net.a_id) != std::string::npos);
  CHECK(two.dump().find(net.b_id) != std::string::npos);

  // What the threat model says a Sybil can do (docs/peer-auth.md §2): registering is free,
  // and a registered key that answers well is offered.
  register_node(net.a->url(), *sk, x.url, sk->public_key());
  REQUIRE(eventually([&] {
    auto three = cpc::net::HttpClient().get(net.a->url() + "/v1/proxies?n=3");
    return three && three->status == 200 && three->body.find(x_id) != std::string::npos;
  }));
}

TEST_CASE("a proxy serving another encryption key than its node record's is not offered",
          "[node][peer_auth][attack]") {
  Network net;
  net.wait_registered();
  auto sk = cpc::keys::SecretKey::generate();
  auto other = cpc::keys::SecretKey::generate();
  REQUIRE(sk);
  REQUIRE(other);
  Attacker x(net.genesis, *sk);
  const std::string x_id = cpc::hex::encode(x.key.id());
  // Registered with its own encryption key, X serves another one, signed by its node key:
  // as a node that swapped its key after registering would.
  register_node(net.a->url(), *sk, x.url, sk->public_key());
  REQUIRE(net.registered(x_id));
  const cpc::keys::PublicKey served{sk->public_key().sign, other->public_key().encrypt};
  x.key_record = cpc::keys::public_key_record(served);
  x.sign_key_answer = true;
  REQUIRE(joins(x, net));
  auto r = cpc::net::HttpClient().get(net.a->url() + "/v1/proxies?n=3");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body.find("only 2 of 3") != std::string::npos);
  CHECK(x.key_requests >= 1);
  CHECK(get_json(net.a->url() + "/v1/proxies?n=2").dump().find(x_id) == std::string::npos);
  // A node that offered X anyway (or a rewritten answer) meets the client's check, which
  // names X: its record's key is not the one offered.
  std::vector<cpc::share::ProxyEntry> offered{
      {hex32(x_id), x.url, served},
  };
  cpc::Status s = cpc::client::check_proxy_records(net.a->url(), offered);
  CHECK(s.code() == cpc::Code::kRefused);
  CHECK(s.message().find("proxy " + x_id.substr(0, 16)) != std::string::npos);
  CHECK(s.message().find("encryption key is not the one its node record names") !=
        std::string::npos);
}

TEST_CASE("a node of another network is refused, logged once and counted",
          "[node][peer_auth][attack]") {
  Network net;
  std::mutex mu;
  std::vector<std::string> lines;
  cpc::log::set_sink([&](std::string_view l) {
    std::lock_guard lock(mu);
    lines.emplace_back(l);
  });
  cpc::node::PeerAuth other = cpc::test::make_peer(cpc::test::test_genesis(0x42));
  for (int i = 0; i < 3; ++i) {
    cpc::net::ClientRequest q{
        "POST", net.a->url() + "/v1/dht/ping", {{"Content-Type", "application/json"}}, "{}"};
    other.sign_request(q, hex32(net.a_id), "http://127.0.0.1:9");
    auto r = cpc::net::HttpClient().perform(q);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->body.find("genesis " + cpc::hex::encode(other.genesis()) + " is not ours, " +
                       cpc::hex::encode(net.genesis)) != std::string::npos);
  }
  cpc::log::set_sink(nullptr);
  int refused_lines = 0;
  for (const auto& l : lines) {
    refused_lines += l.find("refused peer http://127.0.0.1:9: genesis") != std::string::npos;
  }
  CHECK(refused_lines == 1);
  CHECK(get_json(net.a->url() + "/v1/status")["auth"]["foreign_genesis"] == 3);
}
