// SPDX-License-Identifier: Apache-2.0
// cpc::dht::HttpTransport and the RPC JSON (libcpc/src/node/dht_http.hpp, docs/dht.md): request
// bodies, strict parsing of contacts and replies, a batch against a real HttpServer where one peer
// answers garbage and one is down.
#include <catch2/catch.hpp>

#include <atomic>

#include "cpc/codec/hex.hpp"
#include "cpc/net/http_server.hpp"
#include "dht_http.hpp"
#include "peer_fixture.hpp"

using cpc::dht::Contact;
using cpc::dht::NodeId;

namespace {
NodeId id_of(std::uint8_t b) {
  NodeId id{};
  id.fill(b);
  return id;
}
}  // namespace

TEST_CASE("RPC bodies and contact parsing", "[node][dht_http]") {
  Contact me{id_of(1), "http://127.0.0.1:7400"};
  auto body = cpc::json::parse(cpc::dht::find_node_body(id_of(2), me));
  REQUIRE(body);
  CHECK((*body)["target"] == cpc::hex::encode(id_of(2)));
  CHECK((*body)["from"]["id"] == cpc::hex::encode(id_of(1)));
  CHECK((*body)["from"]["url"] == "http://127.0.0.1:7400");
  CHECK(cpc::json::parse(cpc::dht::find_value_body(id_of(3), std::nullopt))->dump() ==
        R"({"key":")" + cpc::hex::encode(id_of(3)) + R"("})");
  CHECK(cpc::dht::ping_body(std::nullopt) == "{}");

  auto ok = cpc::dht::parse_contact(cpc::dht::contact_json(me));
  REQUIRE(ok);
  CHECK(*ok == me);
  for (
      const char* bad :
      {R"({"id":"00","url":"http://x"})", R"({"id":1,"url":"http://x"})", R"({"url":"http://x"})",
       R"([])",
       R"({"id":"0101010101010101010101010101010101010101010101010101010101010101","url":"ftp://x"})"}) {
    CHECK(!cpc::dht::parse_contact(*cpc::json::parse(bad)));
  }
  cpc::json::Value many = cpc::json::Value::array();
  for (int i = 0; i < 65; ++i) many.push_back(cpc::dht::contact_json(me));
  CHECK(!cpc::dht::parse_contacts(many));

  cpc::net::Response r{200, "application/json", R"({"has_value":true,"contacts":[]})", {}};
  auto fv = cpc::dht::parse_find_value_reply(r);
  REQUIRE(fv);
  CHECK(fv->has_value);
  r.body = R"({"contacts":[]})";
  CHECK(cpc::dht::parse_find_value_reply(r).status().code() == cpc::Code::kIo);
  r.status = 500;
  CHECK(cpc::dht::parse_find_node_reply(r).status().code() == cpc::Code::kIo);
}

TEST_CASE("HttpTransport batches RPCs and reports each peer's failure", "[node][dht_http]") {
  cpc::node::PeerAuth me = cpc::test::make_peer(), g = cpc::test::make_peer(),
                      x = cpc::test::make_peer();
  cpc::net::HttpServer good, liar, impostor;
  const Contact known{id_of(9), "http://127.0.0.1:1"};
  std::atomic<int> verified{0};
  good.route("POST", "/v1/dht/", [&](const cpc::net::Request& req) {
    auto j = cpc::json::parse(req.body);
    CHECK(j);
    // The request is signed by `me` for this node (docs/peer-auth.md §3).
    auto c = g.check_request(req, cpc::node::unix_ms());
    if (c.sender && c.sender->id == me.id()) ++verified;
    if (req.path == "/v1/dht/ping") {
      return cpc::test::signed_answer(
          g, req, cpc::net::Response::json(200, {{"id", cpc::hex::encode(g.id())}}));
    }
    cpc::json::Value out = {{"contacts", cpc::dht::contacts_json({known})}};
    if (req.path == "/v1/dht/find_value") out["has_value"] = true;
    return cpc::test::signed_answer(g, req,
                                    cpc::net::Response{200, "application/json", out.dump(), {}});
  });
  liar.route("POST", "/v1/dht/", [](const cpc::net::Request&) {
    return cpc::net::Response{200, "application/json", R"({"contacts":[{"id":"zz"}]})", {}};
  });
  // Well-formed answers, signed by its own key, at an address that claims g's id.
  impostor.route("POST", "/v1/dht/", [&](const cpc::net::Request& req) {
    if (req.path == "/v1/dht/ping") {
      return cpc::test::signed_answer(
          x, req, cpc::net::Response::json(200, {{"id", cpc::hex::encode(g.id())}}));
    }
    return cpc::test::signed_answer(
        x, req,
        cpc::net::Response::json(200,
                                 {{"contacts", cpc::json::Value::array()}, {"has_value", true}}));
  });
  REQUIRE(good.start("127.0.0.1:0"));
  REQUIRE(liar.start("127.0.0.1:0"));
  REQUIRE(impostor.start("127.0.0.1:0"));
  std::vector<Contact> to = {
      {g.id(), "http://127.0.0.1:" + std::to_string(good.port())},
      {id_of(8), "http://127.0.0.1:" + std::to_string(liar.port())},
      {id_of(6), "http://127.0.0.1:1"},  // nobody listens
      {g.id(), "http://127.0.0.1:" + std::to_string(impostor.port())},
  };
  cpc::dht::HttpTransport t(me, "http://127.0.0.1:7400");
  auto fn = t.find_node(to, id_of(5));
  REQUIRE(fn.size() == 4);
  REQUIRE(fn[0]);
  CHECK(*fn[0] == std::vector<Contact>{known});
  CHECK(fn[1].status().code() == cpc::Code::kIo);
  CHECK(fn[2].status().code() == cpc::Code::kIo);
  CHECK(fn[3].status().message().find("signed by another node") != std::string::npos);
  auto fv = t.find_value(to, id_of(5));
  REQUIRE(fv[0]);
  CHECK(fv[0]->has_value);
  CHECK(!fv[1]);
  CHECK(!fv[3]);
  auto pings = t.ping(to);
  CHECK(pings[0]);
  CHECK(!pings[1]);
  CHECK(!pings[2]);
  CHECK(!pings[3]);
  // A peer that answers with another id than the one we know fails the ping.
  std::vector<Contact> wrong = {{id_of(4), to[0].url}};
  CHECK(!t.ping(wrong)[0]);
  // find_node, find_value and ping; the ping addressed to another id fails its check.
  CHECK(verified == 3);
}
