// SPDX-License-Identifier: Apache-2.0
// The limit for cpc-sign / cpc-verify: raw libsodium crypto_sign_detached and
// crypto_sign_verify_detached over the exact lines of an NDJSON file, in one process.
// Prints "sign_per_s verify_per_s" (records per second).
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2 || sodium_init() < 0) {
    std::fprintf(stderr, "usage: cpc_sign_limit FILE.ndjson\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  unsigned char pk[32], sk[64];
  crypto_sign_keypair(pk, sk);
  std::vector<unsigned char> sigs(64 * lines.size());
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    crypto_sign_detached(&sigs[64 * i], nullptr,
                         reinterpret_cast<const unsigned char*>(lines[i].data()), lines[i].size(),
                         sk);
  }
  auto t1 = clock::now();
  std::size_t bad = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bad += crypto_sign_verify_detached(&sigs[64 * i],
                                       reinterpret_cast<const unsigned char*>(lines[i].data()),
                                       lines[i].size(), pk) != 0;
  }
  auto t2 = clock::now();
  double s = std::chrono::duration<double>(t1 - t0).count();
  double v = std::chrono::duration<double>(t2 - t1).count();
  std::printf("%.0f %.0f\n", lines.size() / s, lines.size() / v);
  return bad == 0 ? 0 : 1;
}
