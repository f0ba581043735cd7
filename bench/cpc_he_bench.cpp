// SPDX-License-Identifier: Apache-2.0
// Our side of bench/he_vs_paillier.sh: exponential ElGamal (he.hpp) on the workload of
// bench/paillier_bench.mjs, printed as "name value" lines: encryptions/s, homomorphic
// additions/s (he::sum, i.e. Summer, and the pairwise he::add through libsodium's byte API),
// decryptions of the total/s and whole sums (N additions + 1 decryption)/s. Reading i is
// v_i = (40503·i + 12345) mod 65536, encrypted as pool ciphertext i mod P, as on the
// paillier side, and the decrypted total is checked.
//   cpc_he_bench [N] [P]        (defaults 10000 32)
// The decryption table lives in $CPC_CACHE_DIR (or the default cache dir, he.hpp).
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "cpc/crypto/he.hpp"

using namespace cpc;
using Clock = std::chrono::steady_clock;

namespace {

std::int64_t reading(std::int64_t i) {
  return (40503 * i + 12345) % 65536;
}

// Runs op() (which does `per` operations) until min_seconds have passed; operations per second.
double rate(const std::function<void()>& op, double per, double min_seconds = 1.0) {
  double n = 0;
  auto t0 = Clock::now();
  double elapsed = 0;
  do {
    op();
    n += per;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_seconds);
  return n / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 10000;
  const std::int64_t p = argc > 2 ? std::atoll(argv[2]) : 32;
  if (n < 2 || p < 1) {
    std::fprintf(stderr, "usage: cpc_he_bench [N >= 2] [P >= 1]\n");
    return 2;
  }
  auto owner = keys::SecretKey::generate().value();
  const auto& a = owner.public_key().encrypt;
  auto table = he::DlogTable::shared();
  if (!table) {
    std::fprintf(stderr, "cpc_he_bench: %s\n", table.status().message().c_str());
    return 3;
  }

  std::vector<he::Ciphertext> pool;
  std::int64_t k = 0;
  const double encrypt = rate(
      [&] {
        auto c = he::encrypt(a, reading(k % p)).value();
        if (static_cast<std::int64_t>(pool.size()) < p) pool.push_back(std::move(c));
        ++k;
      },
      1);
  while (static_cast<std::int64_t>(pool.size()) < p) {
    pool.push_back(he::encrypt(a, reading(static_cast<std::int64_t>(pool.size()))).value());
  }
  std::vector<he::Ciphertext> cts;
  std::int64_t expected = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    cts.push_back(pool[static_cast<std::size_t>(i % p)]);
    expected += reading(i % p);
  }

  he::Ciphertext total;
  auto sum_all = [&] { total = he::sum(cts).value(); };
  const double add = rate(sum_all, static_cast<double>(n - 1));
  const double add_pairwise = rate(
      [&] {
        he::Ciphertext t = cts[0];
        for (std::int64_t i = 1; i < n; ++i)
          t = he::add(t, cts[static_cast<std::size_t>(i)]).value();
      },
      static_cast<double>(n - 1));
  if (he::decrypt(owner, total).value() != expected) {
    std::fprintf(stderr, "cpc_he_bench: wrong total\n");
    return 1;
  }
  const double decrypt = rate([&] { (void)he::decrypt(owner, total); }, 1);
  const double sums = rate(
      [&] {
        sum_all();
        (void)he::decrypt(owner, total);
      },
      1);
  std::printf("encrypt_per_s %.1f\n", encrypt);
  std::printf("add_per_s %.1f\n", add);
  std::printf("add_pairwise_per_s %.1f\n", add_pairwise);
  std::printf("decrypt_total_per_s %.1f\n", decrypt);
  std::printf("sum_decrypt_per_s %.2f\n", sums);
  std::printf("total %lld\n", static_cast<long long>(expected));
  return 0;
}
