// SPDX-License-Identifier: Apache-2.0
// The explorer page's files (libcpc/src/node/explorer/), built into the binary by
// libcpc/cmake/embed_assets.cmake: the generated explorer_assets.cpp defines assets().
#pragma once

#include <cstddef>
#include <span>

namespace cpc::node::explorer {

struct Asset {
  const char* path;          // "/" for index.html, else "/<file name>"
  const char* content_type;  // "text/html; charset=utf-8", …
  const unsigned char* data;
  std::size_t size;
};

// Every file, in the order of libcpc/CMakeLists.txt.
std::span<const Asset> assets();

}  // namespace cpc::node::explorer
