#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every reference in the tree (a doc, a header, a script, a source file) names a file that
# exists in the repository (tests/cli/references.py). Needs the git checkout: ctest skips
# it (77) in a tree without one.
set -euo pipefail
: "${CPC_SRC:?CPC_SRC must point at the source tree}"
if ! git -C "$CPC_SRC" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  echo "references: $CPC_SRC is not a git checkout; skipped" >&2
  exit 77
fi
exec python3 "$CPC_SRC/tests/cli/references.py" "$CPC_SRC"
