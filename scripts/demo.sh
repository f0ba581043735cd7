#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job: installs what the build needs, builds, and runs the device workflow end to
# end on the embedded single-node network (examples/ev-battery.sh: it starts `cpc-node`
# with no flags when no node answers at $CPC_NODE / 127.0.0.1:7400, and stops it after).
source "$(dirname "$0")/common.sh"
cpc_install "${CPC_BUILD_PACKAGES[@]}" jq curl
cpc_build
PATH="$CPC_BUILD_DIR/tools:$PATH" exec bash "$CPC_ROOT/examples/ev-battery.sh" "$@"
