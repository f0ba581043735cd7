// SPDX-License-Identifier: Apache-2.0
// Speed of the codec's JSON path: canonicalize and parse a small sensor record (the
// signing hot path, target well under 1 µs per record), and LineReader throughput over a
// temporary file of ~90 KB lines (sealed streams). Usage: json_bench [MiB, default 512].
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cpc/codec/json.hpp"
#include "cpc/codec/ndjson.hpp"

namespace {

// CPU time of this thread: the figures stay meaningful on a shared, busy machine.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
};

double seconds_since(Clock::time_point start) {
  return Clock::now() - start;
}

void bench_records() {
  const std::string record = R"({"device":"t-17","t":1700000000,"temp":21.5})";
  auto value = cpc::json::parse(record).value();
  constexpr int kRounds = 2'000'000;
  std::string out;
  std::size_t sink = 0;
  auto start = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    out.clear();
    cpc::json::canonicalize_append(value, out);
    sink += out.size();
  }
  double ns = seconds_since(start) * 1e9 / kRounds;
  std::printf("canonicalize_append %zu-byte record: %.0f ns/record (CPU time)\n", record.size(),
              ns);

  start = Clock::now();
  for (int i = 0; i < kRounds / 4; ++i) sink += cpc::json::parse(record)->size();
  ns = seconds_since(start) * 1e9 / (kRounds / 4);
  std::printf("parse %zu-byte record: %.0f ns/record (CPU time)\n", record.size(), ns);
  if (sink == 0) std::abort();
}

void bench_line_reader(std::size_t mib) {
  char name[] = "/tmp/cpc_json_bench_XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) std::abort();
  unlink(name);
  std::string line = "{\"type\":\"chunk\",\"data\":\"" + std::string(90'000, 'A') + "\"}\n";
  std::size_t total = 0;
  while (total < (mib << 20)) {
    if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
    total += line.size();
  }
  lseek(fd, 0, SEEK_SET);
  cpc::ndjson::LineReader reader(fd);
  std::string_view view;
  std::size_t lines = 0;
  auto start = Clock::now();
  while (reader.next(view).value()) ++lines;
  double s = seconds_since(start);
  std::printf("LineReader %zu MiB in %zu lines of %zu B (page cache, CPU time): %.0f MB/s\n", mib,
              lines, line.size(), static_cast<double>(total) / s / 1e6);
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 512;
  bench_records();
  bench_line_reader(mib);
}
