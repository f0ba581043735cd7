// SPDX-License-Identifier: Apache-2.0
// The node's counters and histograms for GET /metrics (docs/node-api.md §6), rendered in the
// Prometheus text format (version 0.0.4) with the cpc_ prefix: requests by endpoint and
// status, request latencies by endpoint, the chain's commit latency, re-encryptions served
// and refused; the caller adds its gauges (stored bytes, peers, height…) at render time.
// Thread-safe (one mutex; recording is a map lookup and a few additions).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cpc::node {

// A Prometheus histogram with fixed upper bounds (seconds). Not thread-safe by itself.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double value);
  // The _bucket (cumulative, then le="+Inf"), _sum and _count lines of `name`; `labels` is
  // empty or a label list without braces ("endpoint=\"status\"").
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  std::uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; one more for +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Metrics {
 public:
  // Upper bounds of the request latency buckets and of the commit latency buckets, seconds.
  static const std::vector<double>& request_buckets();
  static const std::vector<double>& commit_buckets();

  Metrics();

  // One answered request: cpc_requests_total{endpoint,status} and, when seconds >= 0,
  // cpc_request_duration_seconds{endpoint}.
  void count(const std::string& endpoint, int status, double seconds = -1);
  // A height committed `seconds` after it began: cpc_commit_latency_seconds.
  void observe_commit(double seconds);
  // A re-encryption request answered (served) or refused: cpc_reencryptions_total{result}.
  void count_reencryption(bool served);

  // A gauge or counter the caller knows at render time: name (it may carry labels,
  // "x_total{result=\"a\"}"; consecutive values of one metric share its # TYPE line),
  // value, type ("gauge" or "counter").
  using Values = std::vector<std::pair<std::string, std::pair<std::uint64_t, const char*>>>;
  // The exposition text: request counters and latencies, commit latency, re-encryptions,
  // then `values`.
  std::string render(const Values& values);

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  Histogram commit_;
  std::uint64_t reencryptions_served_ = 0;
  std::uint64_t reencryptions_refused_ = 0;
};

}  // namespace cpc::node
