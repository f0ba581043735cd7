#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what the build and the tests need, builds, and runs the tests with ctest.
#
#   ./scripts/test.sh           the quick tier: every unit, CLI and cluster test
#   ./scripts/test.sh --full    the full tier (CI): adds the sanitized suite (a second,
#                               ASan+UBSan build, with every fuzz target) and the randomized
#                               fault campaign in network namespaces (needs root)
#
# Other arguments go to ctest (e.g. -L unit, -R sign).
source "$(dirname "$0")/common.sh"
full=OFF
if [ "${1:-}" = "--full" ]; then
  full=ON
  shift
fi
cpc_install "${CPC_BUILD_PACKAGES[@]}" "${CPC_TEST_PACKAGES[@]}"
cpc_install_node
cpc_build -DCPC_FULL_TESTS=$full
cd "$CPC_BUILD_DIR"
ctest -j2 --output-on-failure --timeout 1200 "$@"
