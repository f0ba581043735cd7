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
  // type "gauge" or "counter"), each with a # TYPE line. A name may carry labels
  // ("x_total{result=\"served\"}"); consecutive values of one metric share its # TYPE line.
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
    std::string last;
    for (const auto& [name, v] : values) {
      const std::string metric = name.substr(0, name.find('{'));
      if (metric != last) out += "# TYPE " + metric + " " + v.second + "\n";
      last = metric;
      out += name + " " + std::to_string(v.first) + "\n";
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
};

}  // namespace cpc::node
