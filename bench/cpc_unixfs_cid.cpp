// SPDX-License-Identifier: Apache-2.0
// Prints the UnixFS root CID of a file (or stdin) as `ipfs add --cid-version=1
// --raw-leaves --chunker=size-1048576 -Q` would, without storing any block. Used by
// tests/cli/unixfs_ipfs_compat.sh against the IPFS importer and to measure hashing speed:
//
//   cpc_unixfs_cid [--chunk-size N] [--max-links N] [--stats] [FILE|-]
//
// --stats prints the size, block counts and throughput to stderr. Exit status: 0, 2 usage,
// 3 I/O.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cpc/codec/unixfs.hpp"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: cpc_unixfs_cid [--chunk-size N] [--max-links N] [--stats] [FILE|-]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t chunk_size = cpc::unixfs::kChunkSize;
  std::size_t max_links = cpc::unixfs::kMaxLinks;
  bool stats = false;
  std::string path = "-";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--chunk-size" || arg == "--max-links") && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0') return usage();
      (arg == "--chunk-size" ? chunk_size : max_links) = static_cast<std::size_t>(v);
    } else if (arg == "--stats") {
      stats = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage();
    } else {
      path = arg;
    }
  }
  const int fd = path == "-" ? 0 : open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    std::fprintf(stderr, "cpc_unixfs_cid: %s: %s\n", path.c_str(), std::strerror(errno));
    return 3;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  std::uint64_t leaves = 0, nodes = 0;
  cpc::unixfs::FileBuilder builder(
      [&](const cpc::cid::Cid& c, cpc::ByteView) {
        ++(c.codec == cpc::cid::kRaw ? leaves : nodes);
        return cpc::Status::ok();
      },
      chunk_size, max_links);
  // A whole number of chunks per read, so that the builder hashes them in place.
  cpc::Bytes buf(chunk_size *
                 std::max<std::size_t>(1, (16u << 20) / std::max<std::size_t>(1, chunk_size)));
  const auto start = std::chrono::steady_clock::now();
  for (bool eof = false; !eof;) {
    std::size_t filled = 0;
    while (filled < buf.size()) {
      const ssize_t n = read(fd, buf.data() + filled, buf.size() - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::fprintf(stderr, "cpc_unixfs_cid: %s: %s\n", path.c_str(), std::strerror(errno));
        return 3;
      }
      if (n == 0) {
        eof = true;
        break;
      }
      filled += static_cast<std::size_t>(n);
    }
    if (cpc::Status s = builder.write(cpc::ByteView(buf).first(filled)); !s) {
      std::fprintf(stderr, "cpc_unixfs_cid: %s\n", s.message().c_str());
      return s.exit_code();
    }
  }
  auto root = builder.finish();
  if (!root) {
    std::fprintf(stderr, "cpc_unixfs_cid: %s\n", root.status().message().c_str());
    return root.status().exit_code();
  }
  std::printf("%s\n", cpc::cid::to_string(*root).c_str());
  if (stats) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%llu bytes, %llu leaves, %llu nodes, %.3f s, %.0f MB/s\n",
                 static_cast<unsigned long long>(builder.size()),
                 static_cast<unsigned long long>(leaves), static_cast<unsigned long long>(nodes), s,
                 static_cast<double>(builder.size()) / 1e6 / s);
  }
  return 0;
}
