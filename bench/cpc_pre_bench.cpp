// SPDX-License-Identifier: Apache-2.0
// Re-encryption and homomorphic encryption, in process (docs/benchmarks.md): µs per
// operation, the libsodium ristretto255 scalar multiplications each one performs and the
// variable-time multi-scalar multiplications of its cfrag proof checks (crypto.md §5,
// msm.hpp), its time in units of one crypto_scalarmult_ristretto255 measured in the same
// run, and (for operations without an MSM) the ratio of its time to its libsodium
// multiplications (1.00 would mean "nothing but the multiplications"). Then HE rates.
//   cpc_pre_bench [--machine]   --machine prints "name µs" lines for bench/pre_vs_umbral.sh
// The HE table lives in $CPC_CACHE_DIR (or the default cache dir, he.hpp).
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "cpc/crypto/capsule.hpp"
#include "cpc/crypto/he.hpp"
#include "cpc/crypto/pre.hpp"
#include "msm.hpp"

using namespace cpc;
using Clock = std::chrono::steady_clock;

namespace {

// Median-free but warm: runs `op` for at least `min_seconds` and returns µs per call.
double time_us(const std::function<void()>& op, double min_seconds = 0.4) {
  op();
  int n = 0;
  auto t0 = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 8; ++i) op();
    n += 8;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_seconds);
  return elapsed * 1e6 / n;
}

struct Row {
  const char* name;
  double var_mults, base_mults;  // libsodium multiplications per operation
  double msms;                   // 8-term variable-time MSMs (one per cfrag proof check)
  double us;
};

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  const bool machine = argc > 1 && std::strcmp(argv[1], "--machine") == 0;

  // The limits, measured now. `sink` keeps the calls' results alive.
  int sink = 0;
  std::array<std::uint8_t, 32> s{}, p{}, out{};
  crypto_core_ristretto255_scalar_random(s.data());
  sink += crypto_scalarmult_ristretto255_base(p.data(), s.data());
  const double mult_us =
      time_us([&] { sink += crypto_scalarmult_ristretto255(out.data(), s.data(), p.data()); });
  const double base_us =
      time_us([&] { sink += crypto_scalarmult_ristretto255_base(out.data(), s.data()); });

  auto owner = keys::SecretKey::generate().value();
  auto grantee = keys::SecretKey::generate().value();
  const auto& a = owner.public_key().encrypt;
  const auto& b = grantee.public_key().encrypt;
  std::array<std::uint8_t, 1024> msg{};
  std::array<std::uint8_t, 1024 + crypto_aead_xchacha20poly1305_ietf_ABYTES> ct{};
  std::array<std::uint8_t, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES> nonce{};
  randombytes_buf(msg.data(), msg.size());

  capsule::Key key{};
  capsule::Capsule cap = capsule::encapsulate(a, key);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(ct.data(), &ct_len, msg.data(), msg.size(), nullptr, 0,
                                             nullptr, nonce.data(), key.data());
  auto kfrags = pre::generate_kfrags(owner, b, 3, 5).value();
  std::vector<pre::CapsuleFragment> cfrags;
  for (int i = 0; i < 3; ++i) cfrags.push_back(pre::reencapsulate(cap, kfrags[i]).value());

  // Scratch output for the encryption benchmark (ct stays the ciphertext under `key`).
  auto scratch = ct;
  unsigned long long scratch_len = 0;
  std::vector<Row> rows;
  rows.push_back({"encrypt_1k", 1, 2, 0, time_us([&] {
                    capsule::Key k{};
                    auto c = capsule::encapsulate(a, k);
                    crypto_aead_xchacha20poly1305_ietf_encrypt(scratch.data(), &scratch_len,
                                                               msg.data(), msg.size(), nullptr, 0,
                                                               nullptr, nonce.data(), k.data());
                  })});
  rows.push_back(
      {"kfrags_3of5", 6, 1, 0, time_us([&] { (void)pre::generate_kfrags(owner, b, 3, 5); })});
  rows.push_back({"kfrag_check", 1, 0, 0,
                  time_us([&] { (void)pre::verify_kfrag(kfrags[0], owner.public_key(), b); })});
  // The proxy's products and capsule check use no libsodium multiplication any more
  // (crypto.md §5.2, ct_mul.hpp): "in mults" is the figure to read.
  rows.push_back(
      {"reencrypt", 0, 0, 0, time_us([&] { (void)pre::reencapsulate(cap, kfrags[0]); })});
  std::vector<capsule::Capsule> caps(16, cap);
  rows.push_back({"reencrypt_batched", 0, 0, 0,
                  time_us([&] {
                    (void)pre::reencapsulate(std::span<const capsule::Capsule>(caps), kfrags[0]);
                  }) / 16});
  rows.push_back({"verify_cfrag", 0, 0, 1, time_us([&] {
                    (void)pre::verify_cfrag(cfrags[0], cap, owner.public_key(), b);
                  })});
  std::array<std::uint8_t, 1024> pt{};
  rows.push_back({"decrypt_3cfrags", 4, 0, 3, time_us([&] {
                    auto k =
                        pre::decapsulate_frags(grantee, owner.public_key(), cap, cfrags).value();
                    unsigned long long pt_len = 0;
                    if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt.data(), &pt_len, nullptr,
                                                                   ct.data(), ct_len, nullptr, 0,
                                                                   nonce.data(), k.data()) != 0) {
                      std::abort();
                    }
                  })});

  // One proof check's MSM alone: 8 random terms (3 tables built once per capsule or once
  // for all are rebuilt here too, so this is an upper bound).
  {
    namespace ed = ed25519;
    std::array<ed::MsmTable, 8> tables;
    std::array<std::array<std::uint8_t, 32>, 8> sc{};
    for (std::size_t i = 0; i < 8; ++i) {
      std::array<std::uint8_t, 32> pb{};
      crypto_core_ristretto255_random(pb.data());
      crypto_core_ristretto255_scalar_random(sc[i].data());
      if (i >= 6) std::memset(sc[i].data() + 16, 0, 16);  // the two 128-bit weights
      ed::Point q;
      if (!ed::decode_ristretto_checked(pb.data(), q)) std::abort();
      tables[i] = ed::msm_table(q);
    }
    ed::MsmTerm terms[8];
    for (std::size_t i = 0; i < 8; ++i) terms[i] = {sc[i].data(), &tables[i]};
    rows.push_back({"msm_8terms", 0, 0, 1,
                    time_us([&] { sink += ed::is_identity(ed::msm(terms, 8)) ? 1 : 0; })});
  }

  if (machine) {
    for (const Row& r : rows) std::printf("%s %.1f\n", r.name, r.us);
    return 0;
  }
  std::printf("ristretto255 scalarmult %.1f µs, scalarmult_base %.1f µs (this run)\n\n", mult_us,
              base_us);
  std::printf("%-20s %10s %14s %6s %12s %16s\n", "operation", "µs/op", "mults var+base", "MSMs",
              "in mults", "ratio to mults");
  for (const Row& r : rows) {
    double limit = r.var_mults * mult_us + r.base_mults * base_us;
    std::printf("%-20s %10.1f %9.0f+%-4.0f %6.0f %12.2f", r.name, r.us, r.var_mults, r.base_mults,
                r.msms, r.us / mult_us);
    if (r.msms == 0 && limit > 0) std::printf(" %16.2f", r.us / limit);
    std::printf("\n");
  }

  // Homomorphic encryption.
  auto t0 = Clock::now();
  auto table = he::DlogTable::shared();
  double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!table) {
    std::fprintf(stderr, "cpc_pre_bench: %s\n", table.status().message().c_str());
    return 3;
  }
  std::printf("\nHE table %s: %s in %.2f s\n", (*table)->path().c_str(),
              (*table)->built() ? "built and written" : "loaded and verified", open_s);
  auto c1 = he::encrypt(a, 12345).value();
  auto c2 = he::encrypt(a, -678).value();
  double enc_us = time_us([&] { (void)he::encrypt(a, 65535); });
  double add_us = time_us([&] { (void)he::add(c1, c2); });
  std::printf("HE encrypt           %10.0f /s\n", 1e6 / enc_us);
  std::printf("HE add               %10.0f /s\n", 1e6 / add_us);
  for (std::int64_t total :
       {std::int64_t{123456}, std::int64_t{65535} * 1000000, he::kMaxAbs, -he::kMaxAbs}) {
    auto c = he::encrypt(a, total).value();
    double us = time_us([&] { (void)he::decrypt(owner, c); }, 1.0);
    std::printf("HE decrypt total %-14lld %8.1f /s  (%.3f s each)\n", static_cast<long long>(total),
                1e6 / us, us / 1e6);
  }
  return sink == 12345 ? 1 : 0;
}
