#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, plus every
# libFuzzer target for a bounded time (CPC_FUZZ_SECONDS, default 20), in a second build tree
# compiled with clang ($CPC_ROOT/build-asan). Run by ctest as the "sanitize_suite" test, so
# the one ctest summary covers both builds; also runnable alone.
source "$(dirname "$0")/common.sh"
cpc_install clang libclang-rt-14-dev
export CC=clang CXX=clang++
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CPC_BUILD_DIR=${CPC_SANITIZE_BUILD_DIR:-$CPC_ROOT/build-asan} cpc_build \
  -DCPC_SANITIZE=address,undefined -DCPC_FULL_TESTS=ON -DCPC_FUZZ=ON -DCPC_FUZZ_SECONDS="${CPC_FUZZ_SECONDS:-20}"
cd "${CPC_SANITIZE_BUILD_DIR:-$CPC_ROOT/build-asan}"
ctest -j2 --output-on-failure --timeout 1500 "$@"
