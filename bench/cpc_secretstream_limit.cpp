// SPDX-License-Identifier: Apache-2.0
// The limit for sealed streams: raw libsodium secretstream XChaCha20-Poly1305 push and pull
// of N MiB in 64 KiB chunks, in memory, one thread. Prints "push_MBps pull_MBps".
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1024;
  constexpr std::size_t kChunk = 64 << 10;
  constexpr std::size_t kA = crypto_secretstream_xchacha20poly1305_ABYTES;
  std::size_t chunks = mib * 16;
  std::vector<unsigned char> plain(kChunk), out(kChunk);
  randombytes_buf(plain.data(), plain.size());
  std::vector<unsigned char> cipher(chunks * (kChunk + kA));
  unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_keygen(key);
  crypto_secretstream_xchacha20poly1305_state st;
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
  for (std::size_t i = 0; i < chunks; ++i) {
    crypto_secretstream_xchacha20poly1305_push(
        &st, &cipher[i * (kChunk + kA)], nullptr, plain.data(), kChunk, nullptr, 0,
        i + 1 == chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  }
  auto t1 = clock::now();
  crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key);
  int bad = 0;
  for (std::size_t i = 0; i < chunks; ++i) {
    unsigned char tag;
    bad |= crypto_secretstream_xchacha20poly1305_pull(
        &st, out.data(), nullptr, &tag, &cipher[i * (kChunk + kA)], kChunk + kA, nullptr, 0);
  }
  auto t2 = clock::now();
  double mb = static_cast<double>(chunks * kChunk) / 1e6;
  std::printf("%.0f %.0f\n", mb / std::chrono::duration<double>(t1 - t0).count(),
              mb / std::chrono::duration<double>(t2 - t1).count());
  return bad == 0 ? 0 : 1;
}
