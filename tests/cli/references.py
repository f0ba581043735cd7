#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Every reference in the tree points at a file that exists in the repository (issue 12):
# scans every tracked text file for what looks like a path or a file name of ours —
# "docs/crypto.md", "cpc/crypto/seal.hpp", "tests/cli/lib.sh", "node_replicate.cpp",
# "docs/style.md" — and fails, listing file:line, for each one that names nothing in the tree.
#
# A path with a folder must exist as written (from the root; cpc/… from libcpc/include/;
# docs' own links relative to docs/). A bare file name must be the name of some tracked
# file. Names the tools create at run time or that belong to other projects are listed
# in ALLOWED with the reason.
import os
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
os.chdir(root)
tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True,
                         check=True).stdout.split()
tracked_set = set(tracked)
basenames = {os.path.basename(p) for p in tracked}
dirs = set()
for p in tracked:
    d = os.path.dirname(p)
    while d:
        dirs.add(d)
        d = os.path.dirname(d)

# Names that are not files of this repository, each with why.
ALLOWED = {
    # Files the tools, the node or the tests create at run time.
    "peers.json", "node.key", "genesis.json", "explorer_assets.cpp", "version.hpp",
    "kfrag.aa", "kfrag.ac", "cfrag.aa", "cfrag.ac", "install.log", "package.json",
    "readings.sealed", "readings.copy", "readings.ndjson", "temps.he", "sensor.key",
    "sensor.pub", "owner.key", "owner.pub", "grantee.key", "grantee.pub", "trace.log",
    "chain.log", "node.log", "stdout.log", "stderr.log", "explorer.png",
    # Placeholders in prose ("tools/cpc-x.cpp", "files snake_case.cpp").
    "cpc-x.cpp", "snake_case.cpp",
    # Other projects' files, named where we learn from them or cross-check against them.
    "lmdb.h", "sodium.h", "microhttpd.h", "curl.h", "status.h", "db.h", "result.h",
    "dht.cpp", "crypto.cpp", "keygen.go", "minisign.c", "helpers.h", "manpage.md",
    "tools_common.h", "dhtnode.cpp", "impl.md", "table_format.md", "log_format.md",
    "age.1.ronn", "testkit_test.go", "index.js", "index.mjs", "UNIXFS.md", "manpage.md",
}
# What counts as a reference: a path of our folders, a cpc/ header, a bare source or doc
# name.
OUR_DIRS = ("docs", "tests", "bench", "scripts", "tools", "libcpc", "man", "examples",
            "packaging", "completions", ".ci")
EXT = r"(?:md|sh|cpp|hpp|h|py|mjs|js|css|html|cmake|in|json|txt|service|1|5)"
path_re = re.compile(r"(?<![\w./-])((?:%s)/[\w./-]*?\.%s)(?![\w])" % ("|".join(
    re.escape(d) for d in OUR_DIRS), EXT))
# Paths written relative to libcpc/ ("src/node/record.cpp", "include/cpc/status.hpp").
lib_re = re.compile(r"(?<![\w./$-])((?:src|include)/[\w./-]*?\.%s)(?![\w])" % EXT)
header_re = re.compile(r"(?<![\w./-])(cpc/[\w/]+\.hpp)(?![\w])")
bare_re = re.compile(r"(?<![\w./$-])([A-Za-z][\w-]*\.(?:md|cpp|hpp|sh))(?![\w/])")

problems = []
for path in tracked:
    if path.startswith("tests/fuzz/corpus/") or path.startswith("tests/vectors/"):
        continue
    if path == "tests/cli/references.py":  # its examples are not references
        continue
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
        continue
    here = os.path.dirname(path)
    for n, line in enumerate(lines, 1):
        # A path resolves from the root, from libcpc/ (src/…, include/…) or from the file's
        # own folder; other projects' files and run-time outputs are in ALLOWED.
        for pattern, roots in ((path_re, ("",)), (lib_re, ("", "libcpc/"))):
            for m in pattern.finditer(line):
                ref = m.group(1).rstrip(".")
                if "*" in ref or "<" in ref or "XXXX" in ref:
                    continue
                if any(r + ref in tracked_set or r + ref in dirs for r in roots):
                    continue
                if os.path.normpath(os.path.join(here, ref)) in tracked_set:
                    continue
                if os.path.basename(ref) in ALLOWED:
                    continue
                problems.append(f"{path}:{n}: {ref}")
        for m in header_re.finditer(line):
            ref = m.group(1)
            if ref == "cpc/version.hpp" or "libcpc/include/" + ref in tracked_set:
                continue
            if line[:m.start(1)].endswith("libcpc/include/"):
                continue
            problems.append(f"{path}:{n}: {ref}")
        for m in bare_re.finditer(line):
            ref = m.group(1)
            if ref in basenames or ref in ALLOWED:
                continue
            problems.append(f"{path}:{n}: {ref}")

for p in problems:
    print("no such file:", p)
if problems:
    print(f"references: {len(problems)} reference(s) to files that do not exist", file=sys.stderr)
    sys.exit(1)
print(f"references: {len(tracked)} files, every reference resolves")
