// SPDX-License-Identifier: Apache-2.0
// The node's /metrics text (metrics.hpp): request counters, per-endpoint latency histograms
// with cumulative buckets, the commit latency histogram, re-encryptions registered at 0,
// and the caller's gauges with one # TYPE line per metric.
#include "metrics.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}
}  // namespace

TEST_CASE("metrics: an empty registry still exports its histograms and counters", "[metrics]") {
  cpc::node::Metrics m;
  const std::string t = m.render({});
  CHECK(has_line(t, "# TYPE cpc_requests_total counter"));
  CHECK(has_line(t, "# TYPE cpc_request_duration_seconds histogram"));
  CHECK(has_line(t, "# TYPE cpc_commit_latency_seconds histogram"));
  CHECK(has_line(t, "cpc_commit_latency_seconds_bucket{le=\"+Inf\"} 0"));
  CHECK(has_line(t, "cpc_commit_latency_seconds_count 0"));
  CHECK(has_line(t, "cpc_reencryptions_total{result=\"served\"} 0"));
  CHECK(has_line(t, "cpc_reencryptions_total{result=\"refused\"} 0"));
}

TEST_CASE("metrics: requests, latencies, commits and re-encryptions", "[metrics]") {
  cpc::node::Metrics m;
  m.count("status", 200, 0.0002);
  m.count("status", 200, 0.003);
  m.count("status", 404, 20.0);
  m.count("blobs_put", 201);  // no latency given: counted only
  m.observe_commit(0.7);
  m.observe_commit(0.04);
  m.count_reencryption(true);
  m.count_reencryption(true);
  m.count_reencryption(false);
  const std::string t = m.render({{"cpc_chain_height", {42, "gauge"}},
                                  {"cpc_x_total{kind=\"a\"}", {1, "counter"}},
                                  {"cpc_x_total{kind=\"b\"}", {2, "counter"}}});
  CHECK(has_line(t, "cpc_requests_total{endpoint=\"status\",status=\"200\"} 2"));
  CHECK(has_line(t, "cpc_requests_total{endpoint=\"status\",status=\"404\"} 1"));
  CHECK(has_line(t, "cpc_requests_total{endpoint=\"blobs_put\",status=\"201\"} 1"));
  // Buckets are cumulative; +Inf holds every observation.
  CHECK(has_line(t, "cpc_request_duration_seconds_bucket{endpoint=\"status\",le=\"0.0005\"} 1"));
  CHECK(has_line(t, "cpc_request_duration_seconds_bucket{endpoint=\"status\",le=\"0.0025\"} 1"));
  CHECK(has_line(t, "cpc_request_duration_seconds_bucket{endpoint=\"status\",le=\"0.005\"} 2"));
  CHECK(has_line(t, "cpc_request_duration_seconds_bucket{endpoint=\"status\",le=\"10\"} 2"));
  CHECK(has_line(t, "cpc_request_duration_seconds_bucket{endpoint=\"status\",le=\"+Inf\"} 3"));
  CHECK(has_line(t, "cpc_request_duration_seconds_count{endpoint=\"status\"} 3"));
  CHECK(has_line(t, "cpc_request_duration_seconds_sum{endpoint=\"status\"} 20.0032"));
  CHECK(t.find("cpc_request_duration_seconds_count{endpoint=\"blobs_put\"}") == std::string::npos);
  CHECK(has_line(t, "cpc_commit_latency_seconds_bucket{le=\"0.05\"} 1"));
  CHECK(has_line(t, "cpc_commit_latency_seconds_bucket{le=\"0.5\"} 1"));
  CHECK(has_line(t, "cpc_commit_latency_seconds_bucket{le=\"1\"} 2"));
  CHECK(has_line(t, "cpc_commit_latency_seconds_count 2"));
  CHECK(has_line(t, "cpc_reencryptions_total{result=\"served\"} 2"));
  CHECK(has_line(t, "cpc_reencryptions_total{result=\"refused\"} 1"));
  CHECK(has_line(t, "# TYPE cpc_chain_height gauge"));
  CHECK(has_line(t, "cpc_chain_height 42"));
  // One # TYPE line for the two labelled values of one metric.
  CHECK(t.find("# TYPE cpc_x_total counter") == t.rfind("# TYPE cpc_x_total counter"));
  CHECK(has_line(t, "cpc_x_total{kind=\"b\"} 2"));
}
