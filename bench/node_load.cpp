// SPDX-License-Identifier: Apache-2.0
// Load driver for cpc-node (docs/benchmarks.md "Storage node"): T client threads, each with
// its own keep-alive connection, PUT random blocks of SIZE bytes for S seconds, then GET
// them back; prints puts/s, gets/s and the median and p95 latency of each. With several
// --node URLs every request goes to a random one of them (the 16-node network figures).
//
//   node_load --node http://127.0.0.1:7400 [--node …] [--threads 8] [--seconds 10]
//             [--size 1024]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cpc/codec/cid.hpp"
#include "cpc/net/http_client.hpp"

using Clock = std::chrono::steady_clock;

namespace {

struct Phase {
  std::vector<double> latencies_ms;
  std::size_t errors = 0;
};

void report(const char* what, std::vector<Phase>& per_thread, double seconds) {
  std::vector<double> all;
  std::size_t errors = 0;
  for (auto& p : per_thread) {
    all.insert(all.end(), p.latencies_ms.begin(), p.latencies_ms.end());
    errors += p.errors;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return all.empty() ? 0.0 : all[static_cast<std::size_t>(q * (all.size() - 1))];
  };
  std::printf("%-4s %8zu ops in %.1f s: %8.0f/s  median %.2f ms  p95 %.2f ms  errors %zu\n", what,
              all.size(), seconds, all.size() / seconds, pct(0.5), pct(0.95), errors);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> nodes;
  unsigned threads = 8;
  double seconds = 10;
  std::size_t size = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--node")) nodes.push_back(argv[i + 1]);
    if (!std::strcmp(argv[i], "--threads")) threads = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--size")) size = std::stoul(argv[i + 1]);
  }
  if (nodes.empty()) nodes.push_back("http://127.0.0.1:7400");
  std::vector<std::vector<std::string>> keys(threads);
  std::vector<Phase> puts(threads), gets(threads);

  auto run = [&](bool put) {
    std::vector<std::thread> ts;
    const auto start = Clock::now();
    for (unsigned t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        std::mt19937_64 rng(t * 7919 + (put ? 1 : 2) + std::random_device{}());
        cpc::net::HttpClient http;
        std::string body(size, '\0');
        std::size_t next = 0;
        while (Clock::now() - start < std::chrono::duration<double>(seconds)) {
          const std::string& node = nodes[rng() % nodes.size()];
          std::string url;
          if (put) {
            for (auto& ch : body) ch = static_cast<char>(rng());
            auto c = cpc::cid::to_string(cpc::cid::raw_cid(cpc::as_bytes(body)));
            keys[t].push_back(c);
            url = node + "/v1/blobs/" + c;
          } else {
            if (keys[t].empty()) break;
            url = node + "/v1/blobs/" + keys[t][next++ % keys[t].size()];
          }
          const auto t0 = Clock::now();
          auto r = put ? http.put(url, body) : http.get(url);
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
          Phase& p = put ? puts[t] : gets[t];
          if (!r || (r->status != 200 && r->status != 201)) {
            p.errors++;
          } else {
            p.latencies_ms.push_back(ms);
          }
        }
      });
    }
    for (auto& th : ts) th.join();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  const double put_s = run(true);
  report("put", puts, put_s);
  const double get_s = run(false);
  report("get", gets, get_s);
  return 0;
}
