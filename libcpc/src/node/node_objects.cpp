// SPDX-License-Identifier: Apache-2.0
// Whole objects inside the node: a block from the store or the network, an object read
// through them, and POST /v1/sum, the homomorphic sum of cpc/he objects (docs/sharing.md
// §5) — the node adds ciphertexts it cannot read.
#include <nlohmann/json.hpp>
#include <set>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/crypto/he.hpp"
#include "node_impl.hpp"

namespace cpc::node {

namespace {

// The most work one POST /v1/sum may cost (docs/node-api.md §5a "Worst-case work"): distinct
// CIDs only, at most kMaxSumCids of them, at most kMaxSumBytes of object bytes read in all
// (every record read is decoded and added once), at most kMaxSumBlocks blocks fetched.
constexpr std::size_t kMaxSumCids = 1024;
constexpr std::uint64_t kMaxSumBytes = 16u << 20;
constexpr std::size_t kMaxSumBlocks = 4096;

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

void NodeImpl::add_object_routes(const RouteAdder& add) {
  add("POST", "/v1/sum", "sum", true, [this](const net::Request& r) {
    auto body = json::parse(r.body);
    if (!body) return net::Response::error(400, body.status().message());
    if (!body->is_object() || body->size() != 1 || !body->contains("cids") ||
        !(*body)["cids"].is_array() || (*body)["cids"].empty()) {
      return net::Response::error(400, "expected {\"cids\":[1 to 1024 distinct CIDs]}");
    }
    const auto& list = (*body)["cids"];
    if (list.size() > kMaxSumCids) {
      return net::Response::error(413, "a sum takes at most " + std::to_string(kMaxSumCids) +
                                           " CIDs, not " + std::to_string(list.size()));
    }
    // Every CID checked, and each object counted once, before any work.
    std::vector<cid::Cid> cids;
    std::set<std::string> seen;
    for (const auto& item : list) {
      if (!item.is_string()) return net::Response::error(400, "a CID must be a string");
      auto c = cid::parse(item.get<std::string>());
      if (!c) return net::Response::error(400, c.status().message());
      if (!seen.insert(cid::to_string(*c)).second) {
        return net::Response::error(400, "duplicate CID in the sum: " + cid::to_string(*c));
      }
      cids.push_back(*c);
    }
    std::uint64_t bytes = 0;
    std::size_t blocks = 0;
    bool over = false;
    const std::string too_much = "the objects of a sum hold more than " +
                                 std::to_string(kMaxSumBytes) + " bytes or " +
                                 std::to_string(kMaxSumBlocks) + " blocks";
    he::Summer summer;
    for (const auto& c : cids) {
      const std::string text = cid::to_string(c);
      std::string data;
      unixfs::ReadLimits limits;
      limits.max_size = kMaxSumBytes - bytes;
      auto got = unixfs::read_file(
          c,
          [&](const cid::Cid& b) -> Result<Bytes> {
            if (++blocks > kMaxSumBlocks) {
              over = true;
              return Status::bad_input(too_much);
            }
            return fetch_block(b);
          },
          [&](ByteView b) {
            if (b.size() > kMaxSumBytes - bytes) {
              over = true;
              return Status::bad_input(too_much);
            }
            bytes += b.size();
            data.append(reinterpret_cast<const char*>(b.data()), b.size());
            return Status::ok();
          },
          limits);
      // A root that declares more than is left is refused before any byte is read, by the
      // reader's size check (unixfs_reader.cpp check_size).
      if (!got && got.status().message().find("exceeds the limit") != std::string::npos) {
        over = true;
      }
      if (over) return net::Response::error(413, too_much);
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
