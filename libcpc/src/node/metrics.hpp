// SPDX-License-Identifier: Apache-2.0
// Request counters for GET /metrics (docs/node-api.md §6), rendered in the Prometheus text
// format with the cpc_ prefix. Thread-safe (one mutex; counting is a map lookup).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cpc::node {

class Metrics {
 public:
  void count(const std::string& endpoint, int status) {
    std::lock_guard lock(mu_);
    ++requests_[{endpoint, status}];
  }
  // The exposition text: request counters, then the given gauges and counters (name, value,
  // type "gauge" or "counter"), each with a # TYPE line.
  std::string render(
      const std::vector<std::pair<std::string, std::pair<std::uint64_t, const char*>>>& values) {
    std::string out =
        "# HELP cpc_requests_total HTTP requests served, by endpoint and status.\n"
        "# TYPE cpc_requests_total counter\n";
    {
      std::lock_guard lock(mu_);
      for (const auto& [k, n] : requests_) {
        out += "cpc_requests_total{endpoint=\"" + k.first + "\",status=\"" +
               std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
      }
    }
    for (const auto& [name, v] : values) {
      out += "# TYPE " + name + " " + v.second + "\n" + name + " " + std::to_string(v.first) + "\n";
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
};

}  // namespace cpc::node
