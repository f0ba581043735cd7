// SPDX-License-Identifier: Apache-2.0
// Chain benchmark (docs/benchmarks.md, "Chain"), in process, no network:
//   1. committed transfers per second with 1 and 4 validators running the real consensus
//      engine (messages delivered instantly, commit_ms = 0), blocks of 10 … 10,000 txs;
//      mempool admission (signature + rules, per validator) is timed separately;
//   2. the cost of applying (execute + commit) a 1,000-transfer block over a state of
//      10^3 … 10^6 accounts;
//   3. Ed25519 verifications per transaction and the ratio to the raw verify rate.
// Usage: cpc_chain_bench [--quick]
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>

#include "cpc/chain/consensus.hpp"

using namespace cpc;
using namespace cpc::chain;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double raw_verify_rate() {
  auto sk = keys::SecretKey::generate().value();
  std::uint8_t msg[200] = {1};
  std::uint8_t sig[64];
  crypto_sign_detached(sig, nullptr, msg, sizeof msg, sk.ed25519_secret());
  int n = 0;
  auto t = Clock::now();
  while (seconds_since(t) < 1.0) {
    for (int i = 0; i < 100; ++i) {
      if (crypto_sign_verify_detached(sig, msg, sizeof msg, sk.public_key().sign.data()) != 0)
        return 0;
    }
    n += 100;
  }
  return n / seconds_since(t);
}

struct Net {
  std::vector<keys::SecretKey> vals;
  std::vector<keys::SecretKey> users;
  Genesis genesis;
  std::vector<std::unique_ptr<MemoryStateStore>> stores;
  std::vector<std::unique_ptr<ChainState>> states;
  std::vector<std::unique_ptr<Mempool>> pools;
  std::vector<std::unique_ptr<Consensus>> engines;
  std::deque<std::pair<std::size_t, Action>> queue;
  std::vector<std::pair<std::size_t, Timeout>> timers;
  std::uint64_t now = 1'700'000'000'000;

  Net(std::size_t n_vals, std::size_t n_users, std::size_t block_txs = 10'000) {
    genesis.chain = "cpc-bench";
    genesis.time_ms = now - 1000;
    for (std::size_t i = 0; i < n_vals; ++i) {
      vals.push_back(keys::SecretKey::generate().value());
      genesis.validators.push_back({vals.back().public_key().sign, 1});
    }
    for (std::size_t i = 0; i < n_users; ++i) {
      users.push_back(keys::SecretKey::generate().value());
      genesis.alloc.push_back({users.back().public_key().sign, 1'000'000});
    }
    ConsensusConfig cfg;
    cfg.commit_ms = 0;
    cfg.busy_commit_ms = 0;
    cfg.block_limits.max_txs = block_txs;
    cfg.block_limits.max_bytes = std::size_t{64} << 20;
    for (std::size_t i = 0; i < n_vals; ++i) {
      stores.push_back(std::make_unique<MemoryStateStore>());
      states.push_back(ChainState::open(genesis, *stores.back()).value());
      pools.push_back(std::make_unique<Mempool>(
          *states.back(), MempoolLimits{100'000, std::size_t{256} << 20, 10'000, 600}));
      cfg.mempool = pools.back().get();
      engines.push_back(std::make_unique<Consensus>(&vals[i], *states.back(), cfg));
    }
  }

  void route(std::size_t from, std::vector<Action> actions) {
    for (auto& a : actions) queue.emplace_back(from, std::move(a));
  }

  // Delivers everything instantly; when idle, fires the earliest timer. Stops when every
  // validator has committed `height`.
  void run_until(std::uint64_t height) {
    auto done = [&] {
      for (auto& s : states) {
        if (s->height() < height) return false;
      }
      return true;
    };
    while (!done()) {
      if (queue.empty()) {
        auto it = std::min_element(timers.begin(), timers.end(), [](auto& a, auto& b) {
          return a.second.at_ms < b.second.at_ms;
        });
        if (it == timers.end()) return;
        auto [node, t] = *it;
        timers.erase(it);
        now = std::max(now, t.at_ms);
        route(node, engines[node]->on_timeout(t, now));
        continue;
      }
      auto [from, a] = std::move(queue.front());
      queue.pop_front();
      for (std::size_t j = 0; j < engines.size(); ++j) {
        if (j == from) continue;
        if (auto* p = std::get_if<BroadcastProposal>(&a))
          route(j, engines[j]->on_proposal(p->proposal, now));
        if (auto* v = std::get_if<BroadcastVote>(&a)) route(j, engines[j]->on_vote(v->vote, now));
      }
      if (auto* t = std::get_if<ScheduleTimeout>(&a)) timers.emplace_back(from, t->timeout);
    }
  }
};

std::vector<Tx> make_transfers(const Net& net, std::size_t count) {
  std::vector<Tx> txs;
  std::size_t u = net.users.size();
  for (std::size_t i = 0; i < count; ++i) {
    Tx t;
    t.chain = net.genesis.chain;
    t.nonce = i / u;
    t.op = Op::kTransfer;
    t.to = net.users[(i + 1) % u].public_key().sign;
    t.amount = 1;
    sign_tx(t, net.users[i % u]);
    txs.push_back(std::move(t));
  }
  return txs;
}

void bench_consensus(std::size_t n_vals, std::size_t block_txs, std::size_t blocks) {
  Net net(n_vals, std::min<std::size_t>(block_txs, 2000), block_txs);
  std::vector<Tx> txs = make_transfers(net, block_txs * blocks);
  std::uint64_t v0 = verify_count();
  auto t0 = Clock::now();
  for (auto& pool : net.pools) {
    for (const auto& t : txs) {
      if (!pool->add(t)) std::abort();
    }
  }
  double admit = seconds_since(t0);
  std::uint64_t v1 = verify_count();
  auto t1 = Clock::now();
  for (std::size_t i = 0; i < net.engines.size(); ++i) net.route(i, net.engines[i]->start(net.now));
  // Block 1 may be proposed before every mempool is full: count blocks until all txs are in.
  std::uint64_t h = 0;
  std::size_t committed = 0;
  while (committed < txs.size()) {
    net.run_until(++h);
    committed += net.states[0]->block_at(h)->block.txs.size();
    if (h > blocks * 4 + 4) break;
  }
  double run = seconds_since(t1);
  std::uint64_t v2 = verify_count();
  double per_tx_consensus = double(v2 - v1) / double(committed);
  double per_tx_admit = double(v1 - v0) / double(txs.size());
  std::printf("| %zu | %zu | %llu | %.0f | %.1f | %.1f | %.2f + %.2f |\n", n_vals, block_txs,
              static_cast<unsigned long long>(h), committed / run, 1e3 * run / double(h),
              1e6 * admit / double(txs.size() * n_vals), per_tx_admit, per_tx_consensus);
  std::fflush(stdout);
}

void bench_state_size(std::size_t accounts, std::size_t block_txs, int blocks) {
  Net net(1, 1000);
  // Preload the store with `accounts` accounts (written directly: same keys and values).
  WriteBatch b;
  std::vector<PubKey> extra(accounts);
  for (std::size_t i = 0; i < accounts; ++i) {
    randombytes_buf(extra[i].data(), extra[i].size());
    b.put("a/" + to_hex(extra[i]), R"({"balance":5,"nonce":0})");
  }
  if (!net.stores[0]->commit(b)) std::abort();
  ChainState& cs = *net.states[0];
  double total = 0;
  std::optional<CommitCertificate> last;
  for (int k = 0; k < blocks; ++k) {
    std::vector<Tx> txs;
    for (std::size_t i = 0; i < block_txs; ++i) {
      Tx t;
      t.chain = net.genesis.chain;
      t.nonce = cs.account(net.users[i % 1000].public_key().sign).nonce + i / 1000;
      t.op = Op::kTransfer;
      t.to = extra[(static_cast<std::size_t>(k) * block_txs + i) % accounts];
      t.amount = 1;
      sign_tx(t, net.users[i % 1000]);
      txs.push_back(std::move(t));
    }
    auto blk = cs.build_block(net.vals[0].public_key().sign, 0, cs.head_time() + 1, txs, {}, last);
    auto t = Clock::now();
    auto ex = cs.execute(*blk);
    if (!ex) std::abort();
    CommitCertificate c;
    c.height = blk->header.height;
    c.block = ex->block_hash;
    Vote v{VoteType::kPrecommit, net.genesis.chain, c.height, 0, c.block};
    sign_vote(v, net.vals[0]);
    c.precommits.push_back({v.validator, v.sig});
    if (!cs.commit(*blk, c, *ex)) std::abort();
    total += seconds_since(t);
    last = c;
  }
  std::printf("| %zu | %zu | %.1f | %.1f |\n", accounts, block_txs, 1e3 * total / blocks,
              1e6 * total / double(blocks * block_txs));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  double raw = raw_verify_rate();
  std::printf("raw Ed25519 verify: %.0f/s (%.1f µs)\n\n", raw, 1e6 / raw);
  std::printf(
      "| validators | txs/block | blocks | committed tx/s | ms/block | admission µs/tx/validator | "
      "verifications/tx (admission + consensus, all validators) "
      "|\n|---:|---:|---:|---:|---:|---:|---|\n");
  for (std::size_t n : {1u, 4u}) {
    for (std::size_t size : {10u, 100u, 1000u, 10000u}) {
      if (quick && size > 1000) continue;
      bench_consensus(n, size, size >= 1000 ? 3 : 10);
    }
  }
  std::printf(
      "\n| accounts in state | txs/block | apply ms/block | apply µs/tx "
      "|\n|---:|---:|---:|---:|\n");
  for (std::size_t accounts : {1000u, 10000u, 100000u, 1000000u}) {
    if (quick && accounts > 10000) continue;
    bench_state_size(accounts, 1000, 5);
  }
  std::printf("\nraw verify for comparison: %.1f µs per Ed25519 verification\n", 1e6 / raw);
  return 0;
}
