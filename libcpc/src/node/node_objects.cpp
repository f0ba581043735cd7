// SPDX-License-Identifier: Apache-2.0
// Whole objects inside the node: a block from the store or the network, an object read
// through them, and POST /v1/sum, the homomorphic sum of cpc/he objects (docs/sharing.md
// §5) — the node adds ciphertexts it cannot read.
#include <nlohmann/json.hpp>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/crypto/he.hpp"
#include "node_impl.hpp"

namespace cpc::node {

namespace {

constexpr std::size_t kMaxSumCids = 10'000;
constexpr std::uint64_t kMaxSumObject = 16u << 20;

}  // namespace

Result<Bytes> NodeImpl::fetch_block(const cid::Cid& c) {
  auto held = store->get_block(c);
  CPC_RETURN_IF_ERROR(held);
  if (held->has_value()) return std::move(**held);
  auto remote = fetch_remote(c);
  CPC_RETURN_IF_ERROR(remote);
  if (!remote->has_value()) return Status::refused("not found: " + cid::to_string(c));
  return std::move(**remote);
}

Result<std::uint64_t> NodeImpl::read_object(const cid::Cid& root, const unixfs::ByteSink& sink,
                                            std::uint64_t max_size) {
  unixfs::ReadLimits limits;
  limits.max_size = max_size;
  return unixfs::read_file(
      root, [this](const cid::Cid& c) { return fetch_block(c); }, sink, limits);
}

void NodeImpl::add_object_routes(const RouteAdder& add) {
  add("POST", "/v1/sum", "sum", true, [this](const net::Request& r) {
    auto body = json::parse(r.body);
    if (!body) return net::Response::error(400, body.status().message());
    if (!body->is_object() || body->size() != 1 || !body->contains("cids") ||
        !(*body)["cids"].is_array() || (*body)["cids"].empty() ||
        (*body)["cids"].size() > kMaxSumCids) {
      return net::Response::error(400, "expected {\"cids\":[1 to 10000 CIDs]}");
    }
    he::Summer summer;
    for (const auto& item : (*body)["cids"]) {
      if (!item.is_string()) return net::Response::error(400, "a CID must be a string");
      const std::string text = item.get<std::string>();
      auto c = cid::parse(text);
      if (!c) return net::Response::error(400, c.status().message());
      std::string data;
      auto got = read_object(
          *c,
          [&](ByteView b) {
            data.append(reinterpret_cast<const char*>(b.data()), b.size());
            return Status::ok();
          },
          kMaxSumObject);
      if (!got) {
        const bool missing = got.status().code() == Code::kRefused &&
                             got.status().message().rfind("not found", 0) == 0;
        const int status = missing ? 404 : got.status().code() == Code::kIo ? 503 : 422;
        return net::Response::error(status, text + ": " + got.status().message());
      }
      std::string_view rest = data;
      std::size_t records = 0;
      while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        Status s = summer.add_record(line);
        if (!s) {
          const int status = s.code() == Code::kRefused ? 409 : 422;
          return net::Response::error(status, text + ": " + s.message());
        }
        ++records;
      }
      if (records == 0) return net::Response::error(422, text + ": no cpc/he records");
    }
    auto total = summer.total();
    if (!total) return net::Response::error(422, total.status().message());
    return net::Response{200, "application/json", he::he_record(*total), {}};
  });
}

}  // namespace cpc::node
