// SPDX-License-Identifier: Apache-2.0
// cpc_dht_sim: N real Dht objects over the in-memory network (cpc/dht/memory_network.hpp). Each
// node joins through a random earlier node; then (a) lookups of random keys from random
// nodes, their hops against log2(N) and whether they return the true k closest; (b) for
// 10/20/30% of the nodes failed at random after replicas were placed and with no repair,
// the share of find_value walks that still reach a live holder and of lookups that still
// return the true closest live nodes. Failures accumulate on one network (the 20% set
// contains the 10% one). Deterministic for a given --seed. Prints markdown
// (docs/benchmarks.md, "DHT simulation"); --check exits 1 when a figure is out of bounds.
//
// usage: cpc_dht_sim [--nodes N] [--keys K] [--seed S] [--check]
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>

#include "cpc/dht/dht.hpp"
#include "cpc/dht/memory_network.hpp"

using namespace cpc::dht;

namespace {

struct Options {
  std::size_t nodes = 10000;
  std::size_t keys = 1000;
  std::uint64_t seed = 1;
  bool check = false;
};

struct Network {
  MemoryNetwork net;
  std::vector<Contact> contacts;
  std::vector<std::unique_ptr<Dht>> dhts;
  std::unordered_map<NodeId, std::size_t, NodeIdHash> index;
};

NodeId random_id(std::mt19937_64& rng) {
  NodeId id{};
  for (auto& b : id) b = static_cast<std::uint8_t>(rng());
  return id;
}

std::size_t pick(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

// Ids are BLAKE2b-256 of a per-node string, as they are of a public key in a real network.
std::unique_ptr<Network> build(const Options& o) {
  auto nw = std::make_unique<Network>();
  std::mt19937_64 rng(o.seed);
  for (std::size_t i = 0; i < o.nodes; ++i) {
    const std::string name = "cpc-dht-sim/" + std::to_string(o.seed) + "/" + std::to_string(i);
    Contact c{node_id(cpc::as_bytes(name)), "sim:" + std::to_string(i)};
    Config cfg;
    cfg.seed = o.seed * 1000003 + i + 1;
    nw->dhts.push_back(std::make_unique<Dht>(c, nw->net.endpoint(c), cfg));
    nw->net.attach(*nw->dhts.back());
    nw->index[c.id] = i;
    nw->contacts.push_back(std::move(c));
  }
  for (std::size_t i = 1; i < o.nodes; ++i) {
    const Contact& seed = nw->contacts[pick(rng, i)];
    if (auto st = nw->dhts[i]->bootstrap({&seed, 1}); !st) {
      std::fprintf(stderr, "cpc_dht_sim: node %zu: %s\n", i, st.message().c_str());
      std::exit(3);
    }
  }
  return nw;
}

// The n live nodes closest to key, by brute force: ordered by the leading 64 bits of the
// distance (ties, which never happen with 10^5 random ids, broken by the full distance).
std::vector<NodeId> true_closest(const Network& nw, const std::vector<bool>& dead,
                                 const NodeId& key, std::size_t n) {
  std::vector<std::pair<std::uint64_t, std::size_t>> d;
  d.reserve(nw.contacts.size());
  std::uint64_t k = 0;
  for (int b = 0; b < 8; ++b) k = k << 8 | key[b];
  for (std::size_t i = 0; i < nw.contacts.size(); ++i) {
    if (dead[i]) continue;
    std::uint64_t x = 0;
    for (int b = 0; b < 8; ++b) x = x << 8 | nw.contacts[i].id[b];
    d.emplace_back(x ^ k, i);
  }
  n = std::min(n, d.size());
  std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n), d.end(),
                    [&](const auto& a, const auto& b) {
                      if (a.first != b.first) return a.first < b.first;
                      return distance(nw.contacts[a.second].id, key) <
                             distance(nw.contacts[b.second].id, key);
                    });
  std::vector<NodeId> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(nw.contacts[d[i].second].id);
  return out;
}

bool same_ids(const std::vector<Contact>& got, const std::vector<NodeId>& want, std::size_t n) {
  if (got.size() < std::min(n, want.size())) return false;
  for (std::size_t i = 0; i < std::min(n, want.size()); ++i) {
    if (got[i].id != want[i]) return false;
  }
  return true;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

double pct(std::size_t a, std::size_t b) {
  return b == 0 ? 0.0 : 100.0 * static_cast<double>(a) / static_cast<double>(b);
}

struct HopFigures {
  double mean = 0, p95 = 0, max = 0, rounds = 0, queries = 0, exact = 0;
};

HopFigures measure_lookups(Network& nw, const Options& o, std::mt19937_64& rng) {
  const std::vector<bool> none(o.nodes, false);
  std::vector<std::size_t> hops;
  std::size_t rounds = 0, queries = 0, exact = 0;
  for (std::size_t q = 0; q < o.keys; ++q) {
    const NodeId key = random_id(rng);
    LookupStats st;
    auto got = nw.dhts[pick(rng, o.nodes)]->lookup(key, &st);
    hops.push_back(st.hops);
    rounds += st.rounds;
    queries += st.queries;
    exact += same_ids(got, true_closest(nw, none, key, 20), 20);
  }
  std::sort(hops.begin(), hops.end());
  HopFigures f;
  for (auto h : hops) f.mean += static_cast<double>(h);
  const auto n = static_cast<double>(hops.size());
  f.mean /= n;
  f.p95 = static_cast<double>(hops[static_cast<std::size_t>(0.95 * (n - 1))]);
  f.max = static_cast<double>(hops.back());
  f.rounds = static_cast<double>(rounds) / n;
  f.queries = static_cast<double>(queries) / n;
  f.exact = pct(exact, hops.size());
  return f;
}

struct FailureFigures {
  double live_replica = 0, found = 0, found_overall = 0, hops = 0, failures = 0;
  double exact_r = 0, exact_k = 0, recall_k = 0;
};

// Values stored before any failure, on the replica_set() computed by a random node.
struct Placement {
  std::vector<NodeId> keys;
  double exact = 0;  // share placed on the true `replication` closest nodes
};

Placement place_values(Network& nw, const Options& o, std::mt19937_64& rng) {
  Placement p;
  std::size_t exact = 0;
  const std::vector<bool> none(o.nodes, false);
  for (std::size_t q = 0; q < o.keys; ++q) {
    p.keys.push_back(random_id(rng));
    auto rs = nw.dhts[pick(rng, o.nodes)]->replica_set(p.keys.back());
    for (const auto& c : rs) nw.net.add_value(c.id, p.keys.back());
    exact += same_ids(rs, true_closest(nw, none, p.keys.back(), 3), 3);
  }
  p.exact = pct(exact, o.keys);
  return p;
}

// With the nodes in `dead` failed (and nothing repaired), walks find_value and lookup for
// every placed key from random live nodes.
FailureFigures measure_failures(Network& nw, const Placement& p, const std::vector<bool>& dead,
                                std::mt19937_64& rng) {
  std::vector<std::size_t> live;
  for (std::size_t i = 0; i < dead.size(); ++i) {
    if (!dead[i]) live.push_back(i);
  }
  std::size_t recoverable = 0, found = 0, hops = 0, failures = 0, walks = 0;
  std::size_t exact_k = 0, exact_r = 0, recalled = 0, wanted = 0;
  for (const auto& key : p.keys) {
    const std::size_t from = live[pick(rng, live.size())];
    bool has_live = false;
    for (std::size_t i : live) has_live = has_live || nw.net.has_value(nw.contacts[i].id, key);
    recoverable += has_live;
    if (nw.net.has_value(nw.contacts[from].id, key)) {
      found += 1;  // the node reads its own store before asking the DHT
    } else {
      LookupStats st;
      auto r = nw.dhts[from]->find_value(key, &st);
      found += !r.holders.empty();
      hops += st.hops;
      failures += st.failures;
      ++walks;
    }
    auto got = nw.dhts[live[pick(rng, live.size())]]->lookup(key);
    const auto want = true_closest(nw, dead, key, 20);
    exact_k += same_ids(got, want, 20);
    exact_r += same_ids(got, want, 3);
    for (const auto& w : want) {
      recalled += std::any_of(got.begin(), got.end(), [&](const Contact& g) { return g.id == w; });
    }
    wanted += want.size();
  }
  FailureFigures f;
  const std::size_t n = p.keys.size();
  f.live_replica = pct(recoverable, n);
  f.found = pct(found, recoverable);
  f.found_overall = pct(found, n);
  f.hops = walks == 0 ? 0 : static_cast<double>(hops) / static_cast<double>(walks);
  f.failures = walks == 0 ? 0 : static_cast<double>(failures) / static_cast<double>(walks);
  f.exact_r = pct(exact_r, n);
  f.exact_k = pct(exact_k, n);
  f.recall_k = pct(recalled, wanted);
  return f;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--nodes" && has_value) {
      o.nodes = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--keys" && has_value) {
      o.keys = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--seed" && has_value) {
      o.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--check") {
      o.check = true;
    } else {
      std::fprintf(stderr, "usage: cpc_dht_sim [--nodes N] [--keys K] [--seed S] [--check]\n");
      std::exit(2);
    }
  }
  if (o.nodes < 50 || o.keys == 0) {
    std::fprintf(stderr, "cpc_dht_sim: need --nodes >= 50 and --keys >= 1\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  const Options o = parse(argc, argv);
  const double log2n = std::log2(static_cast<double>(o.nodes));
  bool ok = true;
  auto expect = [&](bool cond, const char* what) {
    if (!cond) std::printf("CHECK FAILED: %s\n", what);
    ok = ok && cond;
  };
  const auto start = std::chrono::steady_clock::now();

  auto t0 = std::chrono::steady_clock::now();
  auto nw = build(o);
  const double build_s = seconds_since(t0);
  std::size_t table_total = 0;
  for (const auto& d : nw->dhts) table_total += d->table().size();
  t0 = std::chrono::steady_clock::now();
  std::mt19937_64 rng(o.seed ^ 0x100cULL);
  const HopFigures h = measure_lookups(*nw, o, rng);
  const double lookup_s = seconds_since(t0);

  std::printf("### N = %zu nodes (k = 20, alpha = 3, replication = 3, seed %llu)\n\n", o.nodes,
              static_cast<unsigned long long>(o.seed));
  std::printf("Join: %.1f contacts per routing table on average.\n\n",
              static_cast<double>(table_total) / static_cast<double>(o.nodes));
  std::printf(
      "| lookups | hops mean | hops p95 | hops max | log2(N) | rounds | queries | "
      "true 20 closest |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %zu | %.2f | %.0f | %.0f | %.1f | %.2f | %.1f | %.1f%% |\n\n", o.keys, h.mean,
              h.p95, h.max, log2n, h.rounds, h.queries, h.exact);
  expect(h.mean <= log2n, "mean hops <= log2(N)");
  expect(h.max <= log2n, "max hops <= log2(N)");
  expect(h.exact >= 99.0, "lookups return the true 20 closest >= 99%");

  t0 = std::chrono::steady_clock::now();
  const Placement placed = place_values(*nw, o, rng);
  std::printf(
      "%zu values placed with replica_set() before any failure: %.1f%% on the true 3 "
      "closest nodes.\n\n",
      o.keys, placed.exact);
  expect(placed.exact >= 99.0, "replicas placed on the true 3 closest >= 99%");
  std::printf(
      "| failed | keys with a live replica | find_value finds a holder (of those) | (of "
      "all keys) | hops | failed requests | true 3 closest live | true 20 closest live "
      "| of the 20 closest live, found |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  // Failures accumulate: the 20% set contains the 10% one, as if nodes kept leaving.
  std::vector<std::size_t> order(o.nodes);
  for (std::size_t i = 0; i < o.nodes; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<bool> dead(o.nodes, false);
  std::size_t n_dead = 0;
  for (double share : {0.10, 0.20, 0.30}) {
    for (; n_dead < static_cast<std::size_t>(share * static_cast<double>(o.nodes)); ++n_dead) {
      dead[order[n_dead]] = true;
      nw->net.set_failed(nw->contacts[order[n_dead]].id);
    }
    const FailureFigures f = measure_failures(*nw, placed, dead, rng);
    std::printf("| %.0f%% | %.1f%% | %.1f%% | %.1f%% | %.2f | %.2f | %.1f%% | %.1f%% | %.1f%% |\n",
                share * 100, f.live_replica, f.found, f.found_overall, f.hops, f.failures,
                f.exact_r, f.exact_k, f.recall_k);
    if (share < 0.15) {
      expect(f.found >= 99.0, "find_value reaches a live holder >= 99% at 10% failed");
      expect(f.exact_r >= 95.0, "true 3 closest live >= 95% at 10% failed");
    } else if (share > 0.25) {
      expect(f.found >= 97.0, "find_value reaches a live holder >= 97% at 30% failed");
    }
  }
  const double fail_s = seconds_since(t0);
  std::printf(
      "\nTime (wall clock): join %.2f s, %zu lookups %.2f s, placement and failure "
      "scenarios %.2f s, total %.2f s.\n",
      build_s, o.keys, lookup_s, fail_s, seconds_since(start));
  if (o.check) return ok ? 0 : 1;
  return 0;
}
