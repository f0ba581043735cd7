// SPDX-License-Identifier: Apache-2.0
// The Catch2 runner for all unit tests; initialises libsodium once.
#define CATCH_CONFIG_RUNNER
#include <sodium.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  if (sodium_init() < 0) return 3;
  return Catch::Session().run(argc, argv);
}
