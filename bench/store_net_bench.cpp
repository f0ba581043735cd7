// SPDX-License-Identifier: Apache-2.0
// store_net_bench: rough rates for the node's transport and store on this machine —
// LMDB put/get of 1 KiB values through cpc::store (durable per-commit and batched), and
// trivial GETs through cpc::net with 4 concurrent clients. Single process; prints one
// line per figure. Usage: store_net_bench [seconds-per-HTTP-run, default 2]
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cpc/net/http_client.hpp"
#include "cpc/net/http_server.hpp"
#include "cpc/store/lmdb_env.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int bench_store() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cpc-bench-XXXXXX").string();
  std::string dir = ::mkdtemp(tmpl.data());
  auto env = cpc::store::Env::open(dir);
  if (!env) return std::fprintf(stderr, "%s\n", env.status().message().c_str()), 3;
  auto t = (*env)->table("bench").value();
  std::string value(1024, 'v');
  auto key = [](int i) { return "key/" + std::to_string(i * 2654435761u % 1000003u); };

  const int kDurable = 500, kBatched = 200000;
  auto t0 = Clock::now();
  for (int i = 0; i < kDurable; ++i) {
    auto w = (*env)->write_txn().value();
    if (!w->put(t, key(i), value) || !w->commit()) return 3;
  }
  std::printf("store put 1 KiB, one durable commit each: %.0f/s\n", kDurable / seconds_since(t0));
  t0 = Clock::now();
  for (int i = 0; i < kBatched; i += 1000) {
    auto w = (*env)->write_txn().value();
    for (int j = i; j < i + 1000; ++j) {
      if (!w->put(t, key(j), value)) return 3;
    }
    if (!w->commit()) return 3;
  }
  std::printf("store put 1 KiB, 1000 per commit:        %.0f/s\n", kBatched / seconds_since(t0));
  t0 = Clock::now();
  auto r = (*env)->read_txn().value();
  std::size_t found = 0;
  for (int i = 0; i < kBatched; ++i) found += r->get(t, key(i)).value().has_value();
  std::printf("store get 1 KiB (copied out), one txn:   %.0f/s (%zu found)\n",
              kBatched / seconds_since(t0), found);
  r.reset();
  env->reset();
  std::filesystem::remove_all(dir);
  return 0;
}

int bench_http(double seconds) {
  cpc::net::HttpServer server;
  server.route("GET", "/ping", [](const cpc::net::Request&) {
    return cpc::net::Response{200, "text/plain", "pong", {}};
  });
  if (auto s = server.start("127.0.0.1:0"); !s)
    return std::fprintf(stderr, "%s\n", s.message().c_str()), 3;
  std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/ping";
  std::atomic<long> done{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  auto t0 = Clock::now();
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      cpc::net::HttpClient client;
      while (!stop) {
        auto r = client.get(url);
        (r && r->status == 200 ? done : failed)++;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : clients) th.join();
  std::printf("http GET, 4 clients (keep-alive), 2 server threads: %.0f req/s (%ld failed)\n",
              done / seconds_since(t0), failed.load());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  double seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
  if (int rc = bench_store(); rc != 0) return rc;
  return bench_http(seconds);
}
