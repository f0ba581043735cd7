// SPDX-License-Identifier: Apache-2.0
// The grantee's and the owner's read (cpc/client/share_client.hpp, docs/sharing.md §4) against a
// fake node (blocks and GET /v1/grants) and fake proxies: honest ones, one that is down, one
// that refuses, one that returns a cfrag failing its proof and one that copies another's.
// The data opens with T valid cfrags; the bad proxies are skipped and named; with fewer
// than T valid ones, or no grant, it is "access denied" and the sink gets nothing.
#include <atomic>
#include <catch2/catch.hpp>

#include "cpc/client/share_client.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/net/http_server.hpp"
#include "share_fixture.hpp"

using namespace cpc;
using cpc::testing::ShareFixture;

namespace {

std::string url_of(const net::HttpServer& s) {
  return "http://127.0.0.1:" + std::to_string(s.port());
}

enum class Behaviour { kHonest, kRefuses, kLies, kCopies };

struct World {
  ShareFixture f;
  std::string plain;
  std::string cid;
  std::vector<std::unique_ptr<proxy::Proxy>> proxies;
  std::vector<std::unique_ptr<net::HttpServer>> servers;
  std::vector<std::string> urls;
  net::HttpServer node;
  std::size_t copy_from = 0;
  std::atomic<std::size_t> grant_queries{0};

  World(unsigned t, const std::vector<Behaviour>& kinds, bool with_down)
      : f(t, static_cast<unsigned>(kinds.size() + (with_down ? 1 : 0))) {
    plain = std::string(5000, 'r') + "\nend of the readings\n";
    cid = f.put(ShareFixture::sealed_stream(plain, f.owner.public_key(), 1024));
    f.register_cid(cid, f.owner.public_key().sign);
    f.grant.cid = cid;
    f.add_grant(f.grant_id, f.grant);
    for (std::size_t i = kinds.size(); i-- > 0;) {
      if (kinds[i] == Behaviour::kHonest) copy_from = i;
    }
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      proxies.push_back(std::make_unique<proxy::Proxy>(f.proxies[i], f.lookup(), f.block_source()));
      auto s = std::make_unique<net::HttpServer>();
      proxy::Proxy* p = proxies.back().get();
      const Behaviour kind = kinds[i];
      s->route("POST", "/v1/reencrypt", [this, p, kind, i](const net::Request& r) {
        if (kind == Behaviour::kRefuses) return net::Response::error(403, "not today");
        net::Response resp = p->handle(r.body);
        if (resp.status != 200 || kind == Behaviour::kHonest) return resp;
        auto cfrags = share::parse_response(resp.body);
        if (kind == Behaviour::kLies) {
          // A cfrag for another capsule: well formed, but its proof fails for this one.
          capsule::Key k{};
          auto other = capsule::encapsulate(f.owner.public_key().encrypt, k);
          auto kf = share::open_kfrag(f.grant.proxies[i].kfrag, f.proxies[i]);
          (*cfrags)[0] = *pre::reencapsulate(other, *kf);
        } else {
          // The first honest proxy's fragment, passed off as its own.
          auto kf = share::open_kfrag(f.grant.proxies[copy_from].kfrag, f.proxies[copy_from]);
          (*cfrags)[0] = *pre::reencapsulate(first_capsule(), *kf);
        }
        resp.body = share::response_record(*cfrags);
        return resp;
      });
      REQUIRE(s->start("127.0.0.1:0"));
      urls.push_back(url_of(*s));
      servers.push_back(std::move(s));
    }
    if (with_down) {
      // A proxy whose node is down: a port nothing listens on any more.
      net::HttpServer gone;
      REQUIRE(gone.start("127.0.0.1:0"));
      urls.push_back(url_of(gone));
      gone.stop();
    }
    node.route("GET", "/v1/blobs/", [this](const net::Request& r) {
      std::lock_guard lock(f.mu);
      auto it = f.blocks.find(r.path.substr(std::string("/v1/blobs/").size()));
      if (it == f.blocks.end()) return net::Response::error(404, "not found");
      return net::Response{200, "application/octet-stream", std::string(as_chars(it->second)), {}};
    });
    node.route("GET", "/v1/grants", [this](const net::Request& r) {
      ++grant_queries;
      chain::PubKey who{};
      if (!hex::decode_into(r.query.at("grantee"), who))
        return net::Response::error(400, "grantee");
      std::vector<share::GrantEntry> list;
      std::lock_guard lock(f.mu);
      for (const auto& [id, g] : f.grants) {
        if (g.grantee != who || (g.cid != r.query.at("cid") && !g.cid.empty())) continue;
        share::GrantEntry e;
        e.id = id;
        e.cid = g.cid;
        e.owner = g.owner;
        e.owner_key = g.owner_key;
        e.grantee = g.grantee;
        e.threshold = g.threshold;
        e.expires = g.expires;
        e.height = g.height;
        for (std::size_t i = 0; i < g.proxies.size(); ++i) {
          e.proxies.push_back({g.proxies[i].node, i < urls.size() ? urls[i] : ""});
        }
        list.push_back(std::move(e));
      }
      return net::Response{200,
                           "application/json",
                           share::grants_record(who, r.query.at("cid"), f.height, list),
                           {}};
    });
    REQUIRE(node.start("127.0.0.1:0"));
  }

  capsule::Capsule first_capsule() {
    std::lock_guard lock(f.mu);
    const std::string text(as_chars(f.blocks.at(cid)));
    return seal::parse_header(text.substr(0, text.find('\n')))->capsule;
  }

  struct Read {
    Status status;
    std::string out;
    std::vector<std::string> log;
  };
  Read read(const keys::SecretKey& key) {
    Read r;
    client::ReadOptions o;
    o.node = url_of(node);
    o.proxy_timeout_ms = 2000;
    o.log = [&](const std::string& m) { r.log.push_back(m); };
    auto c = cid::parse(cid);
    r.status = client::read_sealed(
        *c, key,
        [&](ByteView b) {
          r.out.append(as_chars(b));
          return Status::ok();
        },
        o);
    return r;
  }
};

bool logged(const std::vector<std::string>& log, const std::string& what) {
  for (const auto& l : log) {
    if (l.find(what) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("share client: the grantee reads past down, refusing and lying proxies",
          "[share][client]") {
  using B = Behaviour;
  World w(2, {B::kLies, B::kRefuses, B::kHonest, B::kCopies, B::kHonest}, true);
  auto r = w.read(w.f.grantee);
  INFO(r.status.message());
  REQUIRE(r.status);
  CHECK(r.out == w.plain);
  // Each bad proxy is named with its reason.
  const std::string liar = hex::encode(w.f.node_id(0)).substr(0, 16);
  CHECK(logged(r.log, "proxy " + liar));
  CHECK(logged(r.log, "fails its proof"));
  CHECK(logged(r.log, "not today"));
  CHECK(logged(r.log, "copy of another proxy's"));
  CHECK(logged(r.log, hex::encode(w.f.node_id(5)).substr(0, 16)));  // the one that is down
  CHECK(r.log.size() == 4);
}

TEST_CASE("share client: fewer than T valid cfrags is access denied, nothing written",
          "[share][client]") {
  using B = Behaviour;
  World w(3, {B::kHonest, B::kLies, B::kRefuses, B::kHonest}, true);
  auto r = w.read(w.f.grantee);
  CHECK(r.status.code() == Code::kRefused);
  CHECK(r.status.message().find("access denied") != std::string::npos);
  CHECK(r.status.message().find("2 of 3 valid cfrags") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("share client: no grant is access denied; the owner reads without one",
          "[share][client]") {
  using B = Behaviour;
  World w(1, {B::kHonest}, false);
  auto stranger = w.read(w.f.stranger);
  CHECK(stranger.status.code() == Code::kRefused);
  CHECK(stranger.status.message().find("access denied: no live grant") != std::string::npos);
  CHECK(stranger.out.empty());
  const std::size_t queries = w.grant_queries;
  auto owner = w.read(w.f.owner);
  REQUIRE(owner.status);
  CHECK(owner.out == w.plain);
  CHECK(w.grant_queries == queries);  // sealed to the owner: no grant needed
  // A grant whose owner key is not the key the object is sealed to does not count.
  chain::Grant g = w.f.grant;
  g.owner_key = w.f.stranger.public_key().encrypt.bytes();
  w.f.add_grant(w.f.grant_id, g);
  auto r = w.read(w.f.grantee);
  CHECK(r.status.code() == Code::kRefused);
  CHECK(r.out.empty());
}

TEST_CASE("share client: a plain object is not a sealed object", "[share][client]") {
  using B = Behaviour;
  World w(1, {B::kHonest}, false);
  w.cid = w.f.put("just bytes\n");
  auto r = w.read(w.f.grantee);
  CHECK(r.status.code() == Code::kBadInput);
  CHECK(r.status.message().find("not a sealed object") != std::string::npos);
  CHECK(r.out.empty());
}
