#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job: installs what the build needs, builds, and runs the device workflow of
# examples/device-readings.sh (a device signs and seals a stream of readings; the owner
# verifies and opens them).
source "$(dirname "$0")/common.sh"
cpc_install "${CPC_BUILD_PACKAGES[@]}" jq
cpc_build
PATH="$CPC_BUILD_DIR/tools:$PATH" exec bash "$CPC_ROOT/examples/device-readings.sh" "$@"
