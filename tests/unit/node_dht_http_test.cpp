// SPDX-License-Identifier: Apache-2.0
// cpc::dht::HttpTransport and the RPC JSON (libcpc/src/node/dht_http.hpp, docs/dht.md): request
// bodies, strict parsing of contacts and replies, a batch against a real HttpServer where one peer
// answers garbage and one is down.
#include <catch2/catch.hpp>

#include "cpc/codec/hex.hpp"
#include "cpc/net/http_server.hpp"
#include "dht_http.hpp"

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
  cpc::net::HttpServer good, liar;
  const Contact known{id_of(9), "http://127.0.0.1:1"};
  good.route("POST", "/v1/dht/", [&](const cpc::net::Request& req) {
    auto j = cpc::json::parse(req.body);
    CHECK(j);
    if (req.path == "/v1/dht/ping") {
      return cpc::net::Response{
          200, "application/json", R"({"id":")" + cpc::hex::encode(id_of(7)) + R"("})", {}};
    }
    cpc::json::Value out = {{"contacts", cpc::dht::contacts_json({known})}};
    if (req.path == "/v1/dht/find_value") out["has_value"] = true;
    return cpc::net::Response{200, "application/json", out.dump(), {}};
  });
  liar.route("POST", "/v1/dht/", [](const cpc::net::Request&) {
    return cpc::net::Response{200, "application/json", R"({"contacts":[{"id":"zz"}]})", {}};
  });
  REQUIRE(good.start("127.0.0.1:0"));
  REQUIRE(liar.start("127.0.0.1:0"));
  std::vector<Contact> to = {
      {id_of(7), "http://127.0.0.1:" + std::to_string(good.port())},
      {id_of(8), "http://127.0.0.1:" + std::to_string(liar.port())},
      {id_of(6), "http://127.0.0.1:1"},  // nobody listens
  };
  cpc::dht::HttpTransport t(Contact{id_of(1), "http://127.0.0.1:7400"});
  auto fn = t.find_node(to, id_of(5));
  REQUIRE(fn.size() == 3);
  REQUIRE(fn[0]);
  CHECK(*fn[0] == std::vector<Contact>{known});
  CHECK(fn[1].status().code() == cpc::Code::kIo);
  CHECK(fn[2].status().code() == cpc::Code::kIo);
  auto fv = t.find_value(to, id_of(5));
  REQUIRE(fv[0]);
  CHECK(fv[0]->has_value);
  CHECK(!fv[1]);
  auto pings = t.ping(to);
  CHECK(pings[0]);
  CHECK(!pings[1]);
  CHECK(!pings[2]);
  // A peer that answers with another id than the one we know fails the ping.
  std::vector<Contact> wrong = {{id_of(4), to[0].url}};
  CHECK(!t.ping(wrong)[0]);
}
