// SPDX-License-Identifier: Apache-2.0
// Grantee read time, split (bench/share_bench.sh, docs/benchmarks.md "Sharing"):
//   cpc_share_bench NODE KEYFILE CID [REPS]
// REPS (default 5) times: cpc::client::read_sealed (what cpc-get CID -k KEY does) with its
// ReadTimings — the grant lookup, the proxies' re-encryption round trip, decryption, and
// the rest (fetching the object) — and, for comparison, a plain fetch of the same object
// (cpc-get CID without a key). Prints medians in ms on one line:
//   size total fetch grants reencrypt decrypt plain_fetch
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cpc/client/object_client.hpp"
#include "cpc/client/share_client.hpp"
#include "cpc/crypto/keyfile.hpp"

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0 || argc < 4) {
    std::fprintf(stderr, "usage: cpc_share_bench NODE KEYFILE CID [REPS]\n");
    return 2;
  }
  const std::string node = argv[1];
  auto key = cpc::keyfile::load_secret(argv[2], std::nullopt);
  auto cid = cpc::cid::parse(argv[3]);
  if (!key || !cid) {
    std::fprintf(stderr, "cpc_share_bench: bad key or CID\n");
    return 2;
  }
  const int reps = argc > 4 ? std::stoi(argv[4]) : 5;
  std::vector<double> total, fetch, grants, reenc, dec, plain;
  std::uint64_t size = 0;
  for (int r = 0; r < reps; ++r) {
    cpc::client::ReadTimings t;
    cpc::client::ReadOptions o;
    o.node = node;
    o.timings = &t;
    std::uint64_t n = 0;
    auto t0 = std::chrono::steady_clock::now();
    cpc::Status s = cpc::client::read_sealed(
        *cid, *key,
        [&](cpc::ByteView b) {
          n += b.size();
          return cpc::Status::ok();
        },
        o);
    const double all = ms_since(t0);
    if (!s) {
      std::fprintf(stderr, "cpc_share_bench: %s\n", s.message().c_str());
      return 1;
    }
    size = n;
    total.push_back(all);
    grants.push_back(t.grants_ms);
    reenc.push_back(t.reencrypt_ms);
    dec.push_back(t.decrypt_ms);
    fetch.push_back(all - t.grants_ms - t.reencrypt_ms - t.decrypt_ms);
    cpc::client::Options po;
    po.node = node;
    t0 = std::chrono::steady_clock::now();
    auto got = cpc::client::get_object(
        *cid, [](cpc::ByteView) { return cpc::Status::ok(); }, po);
    plain.push_back(ms_since(t0));
    if (!got) {
      std::fprintf(stderr, "cpc_share_bench: %s\n", got.status().message().c_str());
      return 1;
    }
  }
  std::printf("%llu %.2f %.2f %.2f %.2f %.2f %.2f\n", static_cast<unsigned long long>(size),
              median(total), median(fetch), median(grants), median(reenc), median(dec),
              median(plain));
  return 0;
}
