// SPDX-License-Identifier: Apache-2.0
// Signed node-to-node requests and answers (libcpc/src/node/peer_auth.hpp,
// docs/peer-auth.md §3–§4): each check of the receiver, each in the order the doc gives, and
// the answer's signature.
#include <catch2/catch.hpp>

#include "peer_fixture.hpp"

using cpc::node::PeerAuth;
using cpc::test::as_received;
using cpc::test::make_peer;

namespace {
cpc::net::ClientRequest store_request(const std::string& body = "block bytes") {
  return {"POST", "http://127.0.0.1:7401/v1/dht/store/bafkqaaa", {}, body};
}
std::string refusal(PeerAuth& receiver, const cpc::net::Request& r, std::uint64_t now) {
  auto c = receiver.check_request(r, now);
  return c.sender ? "" : c.refusal.message;
}
}  // namespace

TEST_CASE("a signed request names its sender by key, once", "[node][peer_auth]") {
  PeerAuth a = make_peer(), b = make_peer();
  auto q = store_request();
  a.sign_request(q, b.id(), "http://127.0.0.1:7400");
  const auto r = as_received(q);
  auto c = b.check_request(r, cpc::node::unix_ms());
  REQUIRE(c.sender);
  CHECK(c.sender->key == a.key());
  CHECK(c.sender->id == a.id());
  CHECK(c.sender->url == "http://127.0.0.1:7400");
  // The same request again: a replay.
  CHECK(refusal(b, r, cpc::node::unix_ms()).find("replayed") != std::string::npos);
  CHECK(b.refused() == 1);
}

TEST_CASE("a signed request is refused when any signed part changes", "[node][peer_auth]") {
  PeerAuth a = make_peer(), b = make_peer(), c = make_peer();
  const auto now = cpc::node::unix_ms();
  auto signed_for = [&](const cpc::node::PeerKey& to) {
    auto q = store_request();
    a.sign_request(q, to, "http://127.0.0.1:7400");
    return as_received(q);
  };
  auto r = signed_for(b.id());
  SECTION("body") {
    r.body += "x";
  }
  SECTION("path") {
    r.path = "/v1/dht/store/bafkqaab";
  }
  SECTION("method") {
    r.method = "PUT";
  }
  SECTION("the sender's URL (a captured request re-pointed at an attacker)") {
    r.headers["x-cpc-url"] = "http://127.0.0.1:6666";
  }
  SECTION("the time") {
    r.headers["x-cpc-time"] = std::to_string(now + 1);
  }
  SECTION("the nonce") {
    r.headers["x-cpc-nonce"] = std::string(32, '0');
  }
  SECTION("another key claims it") {
    r.headers["x-cpc-node"] = cpc::hex::encode(c.key());
  }
  SECTION("addressed to another node") {
    r = signed_for(c.id());
  }
  CHECK(refusal(b, r, now) == "peer authentication: bad signature");
}

TEST_CASE("the cheap checks refuse before any signature work", "[node][peer_auth]") {
  PeerAuth a = make_peer(), b = make_peer();
  auto q = store_request();
  a.sign_request(q, b.id(), "http://127.0.0.1:7400");
  auto r = as_received(q);
  const auto now = cpc::node::unix_ms();
  SECTION("no headers: the forged X-Cpc-From-* of old") {
    cpc::net::Request bare;
    bare.method = "POST";
    bare.path = "/v1/dht/store/bafkqaaa";
    bare.headers = {{"x-cpc-from-id", cpc::hex::encode(a.id())},
                    {"x-cpc-from-url", "http://127.0.0.1:6666"}};
    CHECK(refusal(b, bare, now).find("a signed node request is needed") != std::string::npos);
    CHECK(!PeerAuth::claims_signed(bare));
  }
  SECTION("malformed") {
    r.headers["x-cpc-sig"] = "ZZ";
    CHECK(refusal(b, r, now).find("malformed") != std::string::npos);
  }
  SECTION("uppercase hex is not the canonical form") {
    std::string up = r.headers["x-cpc-node"];
    for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    r.headers["x-cpc-node"] = up;
    CHECK(refusal(b, r, now).find("malformed") != std::string::npos);
  }
  SECTION("a URL that is not http://HOST:PORT") {
    r.headers["x-cpc-url"] = "file:///etc/passwd";
    CHECK(refusal(b, r, now).find("X-Cpc-Url") != std::string::npos);
    r.headers["x-cpc-url"] = "http://10.0.0.1:80/admin/reset?x=";
    CHECK(refusal(b, r, now).find("X-Cpc-Url") != std::string::npos);
  }
  SECTION("a query string") {
    r.query["local"] = "1";
    CHECK(refusal(b, r, now).find("query") != std::string::npos);
  }
  SECTION("31 s late, and 31 s early") {
    CHECK(refusal(b, r, now + 31'000).find("away from ours") != std::string::npos);
    CHECK(refusal(b, r, now - 31'000).find("away from ours") != std::string::npos);
    CHECK(b.check_request(r, now + 29'000).sender);  // within the window
  }
  SECTION("another network") {
    PeerAuth other = make_peer(cpc::test::test_genesis(9));
    auto q2 = store_request();
    other.sign_request(q2, b.id(), "http://127.0.0.1:7402");
    auto c = b.check_request(as_received(q2), now);
    REQUIRE(!c.sender);
    CHECK(c.refusal.foreign_genesis);
    CHECK(c.refusal.their_genesis == cpc::hex::encode(other.genesis()));
    CHECK(c.refusal.message.find(cpc::hex::encode(b.genesis())) != std::string::npos);
    CHECK(b.foreign_genesis() == 1);
    // A forged claim of another genesis is a bad signature, not counted as a foreign node.
    auto forged = as_received(q2);
    forged.body = "x";
    CHECK(refusal(b, forged, now) == "peer authentication: bad signature");
    CHECK(b.foreign_genesis() == 1);
  }
  SECTION("a forged request takes no nonce slot of the key it names") {
    auto forged = r;
    forged.body = "tampered";
    CHECK(refusal(b, forged, now) == "peer authentication: bad signature");
    CHECK(b.check_request(r, now).sender);  // the genuine one, same nonce, still passes
  }
}

TEST_CASE("a node URL is http://HOST:PORT and nothing more", "[node][peer_auth]") {
  using cpc::node::is_node_url;
  CHECK(is_node_url("http://127.0.0.1:7400"));
  CHECK(is_node_url("http://node-3.example.org:80"));
  CHECK(is_node_url("http://[::1]:7400"));
  CHECK(!is_node_url("http://127.0.0.1"));             // no port
  CHECK(!is_node_url("http://127.0.0.1:0"));           // port 0
  CHECK(!is_node_url("http://127.0.0.1:65536"));       // out of range
  CHECK(!is_node_url("https://127.0.0.1:7400"));       // another scheme
  CHECK(!is_node_url("http://127.0.0.1:7400/admin"));  // a path: the challenge would go there
  CHECK(!is_node_url("http://internal/x?y=:7400"));    // a query
  CHECK(!is_node_url("http://user@127.0.0.1:7400"));   // user info
  CHECK(!is_node_url("http://127.0.0.1:7400 "));       // trailing bytes
  CHECK(!is_node_url("http://" + std::string(250, 'a') + ":7400"));  // over 256 bytes
}

TEST_CASE("the signed string has the layout docs/peer-auth.md gives", "[node][peer_auth]") {
  cpc::node::PeerKey g{}, to{};
  g.fill(1);
  to.fill(2);
  cpc::node::Nonce n{};
  n.fill(3);
  const std::string m = PeerAuth::request_message(g, to, "POST", "/v1/dht/ping", 0x0102030405060708,
                                                  n, "{}", "http://h:1");
  CHECK(m.size() == 19 + 32 + 32 + 4 + 4 + 4 + 12 + 8 + 16 + 32 + 4 + 10);
  CHECK(m.substr(0, 19) == "cpc/peer-request/v1");
  CHECK(m.substr(87, 4) == "POST");
  CHECK(static_cast<unsigned char>(m[107]) == 0x08);  // time, little-endian
  const std::string resp = PeerAuth::response_message(n, 201, "ok");
  CHECK(resp.size() == 20 + 16 + 2 + 32);
  CHECK(static_cast<unsigned char>(resp[36]) == 201);
}

TEST_CASE("an answer counts only when the addressed node signed it", "[node][peer_auth]") {
  PeerAuth a = make_peer(), b = make_peer(), x = make_peer();
  auto q = store_request();
  const cpc::node::Nonce nonce = a.sign_request(q, b.id(), "http://127.0.0.1:7400");
  const auto r = as_received(q);
  auto answer = [](const PeerAuth& who, const cpc::net::Request& req) {
    return cpc::test::signed_answer(who, req, cpc::net::Response::json(201, {{"cid", "bafkqaaa"}}));
  };
  CHECK(PeerAuth::check_response(answer(b, r), nonce, b.id()));
  auto unsigned_answer = cpc::net::Response::json(201, {{"cid", "bafkqaaa"}});
  CHECK(PeerAuth::check_response(unsigned_answer, nonce, b.id()).message() ==
        "answer is not signed");
  // An attacker's own valid signature is not the addressed node's.
  CHECK(PeerAuth::check_response(answer(x, r), nonce, b.id()).message() ==
        "answer is signed by another node");
  auto changed = answer(b, r);
  changed.status = 200;
  CHECK(PeerAuth::check_response(changed, nonce, b.id()).message() == "answer has a bad signature");
  changed = answer(b, r);
  changed.body += " ";
  CHECK(!PeerAuth::check_response(changed, nonce, b.id()));
  cpc::node::Nonce other{};
  CHECK(!PeerAuth::check_response(answer(b, r), other, b.id()));  // an answer to another request
}
