// SPDX-License-Identifier: Apache-2.0
// Counters and histograms of GET /metrics (metrics.hpp).
#include "metrics.hpp"

#include <cstdio>

namespace cpc::node {

namespace {

// A number as Prometheus reads it: "0.005", "2.5", "12.000123".
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string with_labels(const std::string& name, const std::string& labels,
                        const std::string& extra = "") {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? name : name + "{" + all + "}";
}

}  // namespace

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(bounds.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < bounds_.size() ? number(bounds_[i]) : "+Inf";
    out += with_labels(name + "_bucket", labels, "le=\"" + le + "\"") + " " +
           std::to_string(cumulative) + "\n";
  }
  out += with_labels(name + "_sum", labels) + " " + number(sum_) + "\n";
  out += with_labels(name + "_count", labels) + " " + std::to_string(count_) + "\n";
}

const std::vector<double>& Metrics::request_buckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

const std::vector<double>& Metrics::commit_buckets() {
  static const std::vector<double> b = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
  return b;
}

Metrics::Metrics() : commit_(commit_buckets()) {}

void Metrics::count(const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{endpoint, status}];
  if (seconds < 0) return;
  auto it = latency_.find(endpoint);
  if (it == latency_.end()) it = latency_.emplace(endpoint, Histogram(request_buckets())).first;
  it->second.observe(seconds);
}

void Metrics::observe_commit(double seconds) {
  std::lock_guard lock(mu_);
  commit_.observe(seconds);
}

void Metrics::count_reencryption(bool served) {
  std::lock_guard lock(mu_);
  ++(served ? reencryptions_served_ : reencryptions_refused_);
}

std::string Metrics::render(const Values& values) {
  std::string out =
      "# HELP cpc_requests_total HTTP requests served, by endpoint and status.\n"
      "# TYPE cpc_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, n] : requests_) {
      out += "cpc_requests_total{endpoint=\"" + k.first + "\",status=\"" +
             std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
    }
    out +=
        "# HELP cpc_request_duration_seconds Time to answer an HTTP request, by endpoint.\n"
        "# TYPE cpc_request_duration_seconds histogram\n";
    for (const auto& [endpoint, h] : latency_) {
      h.render(out, "cpc_request_duration_seconds", "endpoint=\"" + endpoint + "\"");
    }
    out +=
        "# HELP cpc_commit_latency_seconds Time from the start of a height to its commit.\n"
        "# TYPE cpc_commit_latency_seconds histogram\n";
    commit_.render(out, "cpc_commit_latency_seconds", "");
    out +=
        "# HELP cpc_reencryptions_total Re-encryption requests, served or refused.\n"
        "# TYPE cpc_reencryptions_total counter\n"
        "cpc_reencryptions_total{result=\"served\"} " +
        std::to_string(reencryptions_served_) +
        "\n"
        "cpc_reencryptions_total{result=\"refused\"} " +
        std::to_string(reencryptions_refused_) + "\n";
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

}  // namespace cpc::node
