# SPDX-License-Identifier: Apache-2.0
# Shared by the set-up scripts: install what is missing from Debian's packages, then
# configure and build into $CPC_BUILD_DIR (default ./build). Sourced, not run.
set -euo pipefail
CPC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPC_BUILD_DIR=${CPC_BUILD_DIR:-$CPC_ROOT/build}

# Debian packages the build needs, and those only the tests and benchmarks need.
CPC_BUILD_PACKAGES=(g++ cmake ninja-build pkgconf libsodium-dev libssl-dev libcli11-dev
  nlohmann-json3-dev catch2 liblmdb-dev libcurl4-openssl-dev libmicrohttpd-dev)
CPC_TEST_PACKAGES=(python3 python3-cryptography age jq time procps psmisc man-db groff-base
  dpkg-dev file chromium fonts-dejavu-core nftables)

cpc_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -f /tmp/.cpc-apt-updated ]; then
    $sudo apt-get update -q >&2 && touch /tmp/.cpc-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

cpc_build() {
  cmake -S "$CPC_ROOT" -B "$CPC_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >&2
  cmake --build "$CPC_BUILD_DIR" -j2 >&2
}

# Node.js and npm for the cross-checks against independent implementations (npm packages
# installed by the tests themselves). A machine may already have them from elsewhere;
# Debian's packages would conflict with those, so only install when the commands are absent.
cpc_install_node() {
  command -v node > /dev/null && command -v npm > /dev/null && return 0
  cpc_install nodejs npm
}
