#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what the build and the tests need, builds, and runs every test (unit, CLI and
# cluster) with ctest. Extra arguments go to ctest (e.g. -L unit, -R sign).
source "$(dirname "$0")/common.sh"
cpc_install "${CPC_BUILD_PACKAGES[@]}" "${CPC_TEST_PACKAGES[@]}"
cpc_install_node
cpc_build
cd "$CPC_BUILD_DIR"
ctest -j2 --output-on-failure --timeout 1200 "$@"
