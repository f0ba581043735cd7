// SPDX-License-Identifier: Apache-2.0
// Test helper (not installed): prints one signed re-encryption request (docs/sharing.md §3)
// for the cluster tests, which check each proxy's answer directly (403 after a revocation).
//   reencrypt_request_tool KEYFILE GRANT_ID CID [--time-offset MS]
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/wire/share.hpp"

int main(int argc, char** argv) {
  if (sodium_init() < 0 || (argc != 4 && argc != 6)) {
    std::fprintf(stderr, "usage: reencrypt_request_tool KEY GRANT_ID CID [--time-offset MS]\n");
    return 2;
  }
  auto sk = cpc::keyfile::load_secret(argv[1], std::nullopt);
  if (!sk) {
    std::fprintf(stderr, "%s\n", sk.status().message().c_str());
    return 1;
  }
  cpc::chain::Hash grant{};
  if (!cpc::hex::decode_into(argv[2], grant)) return 2;
  long long offset = argc == 6 ? std::stoll(argv[5]) : 0;
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  auto r = cpc::share::make_request(grant, argv[3], *sk, static_cast<std::uint64_t>(now + offset));
  std::printf("%s\n", cpc::share::request_record(r).c_str());
  return 0;
}
