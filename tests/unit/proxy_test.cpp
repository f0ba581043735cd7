// SPDX-License-Identifier: Apache-2.0
// The proxy's side of POST /v1/reencrypt (docs/sharing.md §3): every check of the table, in
// order, answered with its status and error; single use; the capsules of streams and of
// sealed records; objects not found or not sealed; the capsule cache; the counters.
#include <catch2/catch.hpp>

#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "share_fixture.hpp"

using namespace cpc;
using cpc::testing::kNow;
using cpc::testing::ShareFixture;

namespace {

struct Harness {
  ShareFixture f{2, 3};
  std::uint64_t now = kNow;
  std::string plain = std::string(300, 'x') + "the readings\n";
  std::string cid;
  std::unique_ptr<proxy::Proxy> proxy;  // proxy 0 of the grant

  Harness() {
    cid = f.put(ShareFixture::sealed_stream(plain, f.owner.public_key()));
    f.register_cid(cid, f.owner.public_key().sign);
    f.grant.cid = cid;
    f.add_grant(f.grant_id, f.grant);
    proxy = make_proxy(f.proxies[0]);
    now += 5000;  // requests are made after the proxy started
  }

  std::unique_ptr<proxy::Proxy> make_proxy(const keys::SecretKey& key) {
    return std::make_unique<proxy::Proxy>(key, f.lookup(), f.block_source(),
                                          [this] { return now; });
  }

  share::ReencryptRequest request(const keys::SecretKey& who, std::int64_t skew_ms = 0,
                                  const std::string& for_cid = "") {
    return share::make_request(
        f.grant_id, for_cid.empty() ? cid : for_cid, who,
        static_cast<std::uint64_t>(static_cast<std::int64_t>(now) + skew_ms));
  }
};

std::string error_of(const net::Response& r) {
  auto j = json::parse(r.body);
  if (!j || !j->is_object() || !j->contains("error")) return "<no error member: " + r.body + ">";
  return (*j)["error"].get<std::string>();
}

#define CHECK_ANSWER(resp, want_status, want_error)            \
  do {                                                         \
    const net::Response r_ = (resp);                           \
    INFO(r_.body);                                             \
    CHECK(r_.status == (want_status));                         \
    CHECK(error_of(r_).find(want_error) != std::string::npos); \
  } while (0)

}  // namespace

TEST_CASE("proxy: a valid request is answered with a cfrag that verifies", "[share][proxy]") {
  Harness h;
  auto resp = h.proxy->handle(share::request_record(h.request(h.f.grantee)));
  INFO(resp.body);
  REQUIRE(resp.status == 200);
  auto cfrags = share::parse_response(resp.body);
  REQUIRE(cfrags);
  REQUIRE(cfrags->size() == 1);
  std::string first;
  {
    std::lock_guard lock(h.f.mu);
    // The object is one raw block: its first line is the header.
    const std::string text(as_chars(h.f.blocks.at(h.cid)));
    first = text.substr(0, text.find('\n'));
  }
  auto header = seal::parse_header(first);
  REQUIRE(header);
  CHECK(pre::verify_cfrag(cfrags->front(), header->capsule, h.f.owner.public_key(),
                          h.f.grantee.public_key().encrypt));
  CHECK(h.proxy->served() == 1);
  CHECK(h.proxy->refused() == 0);
}

TEST_CASE("proxy: each check of the table, in order, with its status", "[share][proxy]") {
  Harness h;
  auto& p = *h.proxy;
  const auto& grantee = h.f.grantee;

  SECTION("1: malformed bodies are 400") {
    CHECK_ANSWER(p.handle("not json"), 400, "");
    auto rec = json::parse(share::request_record(h.request(grantee)));
    json::Value extra = *rec;
    extra["x"] = 1;
    CHECK_ANSWER(p.handle(json::canonicalize(extra)), 400, "unknown members");
    json::Value missing = *rec;
    missing.erase("nonce");
    CHECK_ANSWER(p.handle(json::canonicalize(missing)), 400, "missing \"nonce\"");
    json::Value upper = *rec;
    std::string g = upper["grant"];
    g[0] = 'A';  // uppercase hex
    upper["grant"] = g;
    CHECK_ANSWER(p.handle(json::canonicalize(upper)), 400, "grant");
    json::Value bad_cid = *rec;
    bad_cid["cid"] = "bnotacid";
    CHECK_ANSWER(p.handle(json::canonicalize(bad_cid)), 400, "CID");
    json::Value neg = *rec;
    neg["time"] = -1;
    CHECK_ANSWER(p.handle(json::canonicalize(neg)), 400, "time");
    json::Value type = *rec;
    type["type"] = "cpc/other";
    CHECK_ANSWER(p.handle(json::canonicalize(type)), 400, "type");
    // A malformed request that is also unsigned, stale, … is a 400: check 1 comes first.
    json::Value both = *rec;
    both["time"] = 5;
    both["sig"] = std::string(127, '0');
    CHECK_ANSWER(p.handle(json::canonicalize(both)), 400, "sig");
    CHECK(p.handle(std::string(5000, ' ')).status == 413);
  }
  SECTION("2: a signature that does not verify is 403 bad signature") {
    auto req = h.request(grantee);
    req.sig[5] ^= 1;
    CHECK_ANSWER(p.handle(share::request_record(req)), 403, "bad signature");
    // Signed by someone else in the grantee's name; also stale: check 2 comes first.
    auto forged = share::make_request(h.f.grant_id, h.cid, h.f.stranger, h.now - 3'600'000);
    forged.requester = grantee.public_key().sign;
    CHECK_ANSWER(p.handle(share::request_record(forged)), 403, "bad signature");
  }
  SECTION("3: more than 60 s off is 403 stale request") {
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee, -61'000))), 403,
                 "stale request");
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee, 61'000))), 403, "stale request");
    CHECK(p.handle(share::request_record(h.request(grantee, 59'000))).status == 200);
  }
  SECTION("4: an unknown, revoked or expired grant is 403 no live grant") {
    auto other = share::make_request(chain::Hash{7}, h.cid, grantee, h.now);
    CHECK_ANSWER(p.handle(share::request_record(other)), 403, "no live grant");
    {
      std::lock_guard lock(h.f.mu);
      h.f.height = h.f.grant.expires;  // live while height < expires
    }
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee))), 403, "no live grant");
    {
      std::lock_guard lock(h.f.mu);
      h.f.height = h.f.grant.expires - 1;
    }
    CHECK(p.handle(share::request_record(h.request(grantee))).status == 200);
    {
      std::lock_guard lock(h.f.mu);
      h.f.grants.clear();  // revoked
    }
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee))), 403, "no live grant");
  }
  SECTION("5: someone else than the grantee is 403 not the grantee") {
    CHECK_ANSWER(p.handle(share::request_record(h.request(h.f.stranger))), 403, "not the grantee");
    CHECK_ANSWER(p.handle(share::request_record(h.request(h.f.owner))), 403, "not the grantee");
  }
  SECTION("6: a node that is not a proxy of the grant is 403") {
    auto outsider = keys::SecretKey::generate().value();
    auto q = h.make_proxy(outsider);
    CHECK_ANSWER(q->handle(share::request_record(h.request(grantee))), 403,
                 "not a proxy of this grant");
  }
  SECTION("7: a CID the grant does not cover is 403") {
    const std::string other = h.f.put(ShareFixture::sealed_stream("other", h.f.owner.public_key()));
    h.f.register_cid(other, h.f.owner.public_key().sign);
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee, 0, other))), 403,
                 "CID not covered by the grant");
    // A grant without CID covers what its owner registered, and only that.
    chain::Grant all = h.f.grant;
    all.cid.clear();
    h.f.add_grant(h.f.grant_id, all);
    CHECK(p.handle(share::request_record(h.request(grantee, 0, other))).status == 200);
    const std::string foreign =
        h.f.put(ShareFixture::sealed_stream("foreign", h.f.owner.public_key()));
    h.f.register_cid(foreign, h.f.stranger.public_key().sign);
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee, 0, foreign))), 403,
                 "CID not covered by the grant");
    const std::string unregistered =
        h.f.put(ShareFixture::sealed_stream("unregistered", h.f.owner.public_key()));
    CHECK_ANSWER(p.handle(share::request_record(h.request(grantee, 0, unregistered))), 403,
                 "CID not covered by the grant");
  }
  SECTION("8: a request is single-use; one older than the proxy's start is refused") {
    const std::string body = share::request_record(h.request(grantee));
    CHECK(p.handle(body).status == 200);
    CHECK_ANSWER(p.handle(body), 409, "request replayed");
    // Another nonce is another request.
    CHECK(p.handle(share::request_record(h.request(grantee))).status == 200);
    // A proxy restarted now refuses a request made before it started (even within 60 s):
    // its predecessor may have served it.
    h.now += 1;
    auto restarted = h.make_proxy(h.f.proxies[0]);
    CHECK_ANSWER(restarted->handle(body), 409, "request replayed");
    h.now += 1;
    CHECK(restarted->handle(share::request_record(h.request(grantee))).status == 200);
  }
}

TEST_CASE("proxy: objects not found, not sealed, or sealed to another key", "[share][proxy]") {
  Harness h;
  chain::Grant all = h.f.grant;
  all.cid.clear();
  h.f.add_grant(h.f.grant_id, all);
  auto ask = [&](const std::string& cid) {
    h.f.register_cid(cid, h.f.owner.public_key().sign);
    return h.proxy->handle(share::request_record(h.request(h.f.grantee, 0, cid)));
  };
  // Registered but not stored anywhere: 404.
  CHECK_ANSWER(ask("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"), 404,
               "not found");
  CHECK_ANSWER(ask(h.f.put("plain bytes, not sealed\n")), 422, "not a sealed object");
  CHECK_ANSWER(ask(h.f.put("")), 422, "not a sealed object");
  CHECK_ANSWER(ask(h.f.put(ShareFixture::sealed_stream("x", h.f.stranger.public_key()))), 422,
               "not sealed to the grant's owner");
  // A large stream in several blocks: only its first block is read.
  const std::string big =
      ShareFixture::sealed_stream(std::string(200'000, 'b'), h.f.owner.public_key(), 4096);
  const std::string big_cid = h.f.put(big, 1024);
  std::size_t before = h.f.block_fetches;
  CHECK(ask(big_cid).status == 200);
  CHECK(h.f.block_fetches - before <= 3);  // the root and the first leaf (or two)
  // The capsules are cached per CID.
  before = h.f.block_fetches;
  CHECK(ask(big_cid).status == 200);
  CHECK(h.f.block_fetches == before);
  CHECK(h.proxy->refused() == 4);
  CHECK(h.proxy->served() == 2);
}

TEST_CASE("proxy: an object of sealed records gets one cfrag per record", "[share][proxy]") {
  Harness h;
  std::string records;
  for (int i = 0; i < 3; ++i) {
    records +=
        seal::seal_record(h.f.owner.public_key(), as_bytes("{\"t\":" + std::to_string(i) + "}")) +
        "\n";
  }
  const std::string cid = h.f.put(records);
  h.f.register_cid(cid, h.f.owner.public_key().sign);
  chain::Grant g = h.f.grant;
  g.cid = cid;
  h.f.add_grant(h.f.grant_id, g);
  auto resp = h.proxy->handle(share::request_record(h.request(h.f.grantee, 0, cid)));
  INFO(resp.body);
  REQUIRE(resp.status == 200);
  auto cfrags = share::parse_response(resp.body);
  REQUIRE(cfrags);
  REQUIRE(cfrags->size() == 3);
  std::size_t i = 0;
  for (std::size_t at = 0; at < records.size(); ++i) {
    const std::size_t nl = records.find('\n', at);
    auto header = seal::parse_record_header(std::string_view(records).substr(at, nl - at));
    REQUIRE(header);
    CHECK(pre::verify_cfrag((*cfrags)[i], header->capsule, h.f.owner.public_key(),
                            h.f.grantee.public_key().encrypt));
    at = nl + 1;
  }
}

TEST_CASE("proxy: a kfrag not sealed to this node or not the owner's is refused",
          "[share][proxy]") {
  Harness h;
  chain::Grant g = h.f.grant;
  // Proxy 0's entry carries proxy 1's sealed kfrag: it does not open with proxy 0's key.
  g.proxies[0].kfrag = g.proxies[1].kfrag;
  h.f.add_grant(h.f.grant_id, g);
  CHECK_ANSWER(h.proxy->handle(share::request_record(h.request(h.f.grantee))), 403,
               "does not open");
  // A kfrag made by someone else than the grant's owner.
  auto other = pre::generate_kfrags(h.f.stranger, h.f.grantee.public_key().encrypt, 1, 1);
  REQUIRE(other);
  g.proxies[0].kfrag = share::seal_kfrag(other->front(), h.f.proxies[0].public_key());
  h.f.add_grant(h.f.grant_id, g);
  CHECK_ANSWER(h.proxy->handle(share::request_record(h.request(h.f.grantee))), 403,
               "not the grant owner's");
}
