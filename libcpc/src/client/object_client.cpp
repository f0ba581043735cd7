// SPDX-License-Identifier: Apache-2.0
// cpc::client (cpc/client/object_client.hpp): uploads a DAG a window of blocks at a time, and
// fetches one with read-ahead. The read side keeps unixfs::read_file in charge of walking
// and checking the DAG; its fetcher only guesses what read_file will ask for next (the DAG
// is read depth first, so the links of the last node fetched come next) and fetches the
// following raw leaves in one parallel batch.
#include "cpc/client/object_client.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "cpc/net/http_client.hpp"

namespace cpc::client {

namespace {

// The node's {"error":…} message, or the status line.
std::string node_error(const net::Response& r) {
  try {
    auto j = nlohmann::json::parse(r.body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) {
      return j["error"].get<std::string>();
    }
  } catch (...) {
  }
  return "HTTP " + std::to_string(r.status);
}

std::string blob_url(const Options& o, const cid::Cid& c) {
  return o.node + "/v1/blobs/" + cid::to_string(c);
}

net::ClientOptions http_options() {
  net::ClientOptions o;
  o.timeout_ms = 120000;  // a PUT waits for the replica set
  return o;
}

class Uploader {
 public:
  explicit Uploader(const Options& o) : o_(o) {}

  Status add(const cid::Cid& c, ByteView block) {
    net::ClientRequest q;
    q.method = "PUT";
    q.url = blob_url(o_, c);
    q.headers = {{"Content-Type", "application/octet-stream"}};
    q.body.assign(as_chars(block));
    batch_.push_back(std::move(q));
    if (batch_.size() >= o_.window) return flush();
    return Status::ok();
  }

  Status flush() {
    if (batch_.empty()) return Status::ok();
    auto results = net::perform_all(batch_, o_.window, http_options());
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i]) return results[i].status();
      const net::Response& r = *results[i];
      if (r.status == 200 || r.status == 201) continue;
      std::string what = "node refused " + batch_[i].url.substr(batch_[i].url.rfind('/') + 1) +
                         ": " + node_error(r);
      return r.status >= 400 && r.status < 500 ? Status::bad_input(what) : Status::io(what);
    }
    batch_.clear();
    return Status::ok();
  }

 private:
  const Options& o_;
  std::vector<net::ClientRequest> batch_;
};

}  // namespace

Result<PutResult> put_object(int fd, const Options& options) {
  Uploader up(options);
  unixfs::FileBuilder builder([&](const cid::Cid& c, ByteView block) { return up.add(c, block); });
  std::vector<std::uint8_t> buf(unixfs::kChunkSize);
  for (;;) {
    std::size_t have = 0;
    while (have < buf.size()) {  // whole chunks go through the builder without a copy
      ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::io(std::string("read failed: ") + std::strerror(errno));
      if (n == 0) break;
      have += static_cast<std::size_t>(n);
    }
    if (have == 0) break;
    CPC_RETURN_IF_ERROR(builder.write(ByteView(buf.data(), have)));
    if (options.progress) options.progress(builder.size(), std::nullopt);
    if (have < buf.size()) break;
  }
  auto root = builder.finish();
  CPC_RETURN_IF_ERROR(root);
  CPC_RETURN_IF_ERROR(up.flush());
  return PutResult{*root, builder.size()};
}

Result<PutResult> put_bytes(ByteView data, const Options& options) {
  Uploader up(options);
  unixfs::FileBuilder builder([&](const cid::Cid& c, ByteView block) { return up.add(c, block); });
  CPC_RETURN_IF_ERROR(builder.write(data));
  auto root = builder.finish();
  CPC_RETURN_IF_ERROR(root);
  CPC_RETURN_IF_ERROR(up.flush());
  return PutResult{*root, builder.size()};
}

namespace {

// The fetcher given to unixfs::read_file, with read-ahead of raw leaves.
class Prefetcher {
 public:
  explicit Prefetcher(const Options& o) : o_(o) {}

  Result<Bytes> fetch(const cid::Cid& want) {
    if (!ready_.empty() && ready_.front().first == want) {
      Bytes b = std::move(ready_.front().second);
      ready_.pop_front();
      return b;
    }
    ready_.clear();
    if (!upcoming_.empty() && upcoming_.front() == want) upcoming_.pop_front();
    std::vector<cid::Cid> batch{want};
    while (want.codec == cid::kRaw && batch.size() < o_.window && !upcoming_.empty() &&
           upcoming_.front().codec == cid::kRaw) {
      batch.push_back(upcoming_.front());
      upcoming_.pop_front();
    }
    std::vector<net::ClientRequest> reqs;
    for (const auto& c : batch) reqs.push_back({"GET", blob_url(o_, c), {}, ""});
    auto results = net::perform_all(reqs, o_.window, http_options());
    std::vector<Bytes> blocks;
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i]) return results[i].status();
      const net::Response& r = *results[i];
      if (r.status == 404) return Status::refused("not found: " + cid::to_string(batch[i]));
      if (r.status != 200) {
        return Status::io("GET " + reqs[i].url + ": " + node_error(r));
      }
      ByteView b = as_bytes(r.body);
      if (!cid::verify(batch[i], b)) {
        return Status::refused("block " + cid::to_string(batch[i]) + " does not match its CID");
      }
      blocks.emplace_back(b.begin(), b.end());
    }
    for (std::size_t i = 1; i < batch.size(); ++i)
      ready_.emplace_back(batch[i], std::move(blocks[i]));
    if (want.codec == cid::kDagPb) {
      auto node = unixfs::decode_node(blocks[0]);
      if (node) {  // its links come next, depth first
        for (auto it = node->links.rbegin(); it != node->links.rend(); ++it) {
          upcoming_.push_front(it->cid);
        }
      }
    }
    return std::move(blocks[0]);
  }

 private:
  const Options& o_;
  std::deque<cid::Cid> upcoming_;
  std::deque<std::pair<cid::Cid, Bytes>> ready_;
};

}  // namespace

Result<std::uint64_t> get_object(const cid::Cid& root, const unixfs::ByteSink& sink,
                                 const Options& options) {
  Prefetcher pf(options);
  std::uint64_t done = 0;
  bool at_root = true;
  return unixfs::read_file(
      root,
      [&](const cid::Cid& c) {
        auto block = pf.fetch(c);
        if (at_root && block && options.progress) {
          // The object's size, for a progress bar: a raw leaf's length or the root node's
          // filesize (read_file checks both before any byte reaches the sink).
          at_root = false;
          std::optional<std::uint64_t> total;
          if (c.codec == cid::kRaw) {
            total = block->size();
          } else if (auto node = unixfs::decode_node(*block)) {
            total = node->filesize;
          }
          options.progress(0, total);
        }
        return block;
      },
      [&](ByteView b) {
        CPC_RETURN_IF_ERROR(sink(b));
        done += b.size();
        if (options.progress) options.progress(done, std::nullopt);
        return Status::ok();
      });
}

}  // namespace cpc::client

namespace cpc::client {

Result<std::string> sum_objects(const std::vector<std::string>& cids, const Options& options) {
  // Each object counts once (docs/node-api.md §5a): say so before asking the node.
  std::set<std::string> seen;
  for (const auto& c : cids) {
    if (!seen.insert(c).second) return Status::bad_input("duplicate CID in the sum: " + c);
  }
  nlohmann::json body = {{"cids", cids}};
  net::HttpClient http(http_options());
  auto r = http.post(options.node + "/v1/sum", body.dump());
  CPC_RETURN_IF_ERROR(r);
  if (r->status == 200) return r->body;
  const std::string what = "sum: " + node_error(*r);
  if (r->status == 404 || r->status == 409 || r->status == 422) return Status::refused(what);
  if (r->status == 400 || r->status == 413) return Status::bad_input(what);
  return Status::io(what + " (HTTP " + std::to_string(r->status) + ")");
}

}  // namespace cpc::client
