// SPDX-License-Identifier: Apache-2.0
// Fuzz target: CID parsing (text and binary) and the strict dag-pb/UnixFS node decoder, plus
// a DAG walk over a fetcher that serves the input as the only block. Invariant: no crash,
// no sanitizer report, bounded work.
#include <sodium.h>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/unixfs.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return sodium_init() < 0 ? 1 : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cpc::ByteView in(data, size);
  (void)cpc::cid::parse(cpc::as_chars(in));
  (void)cpc::cid::from_bytes(in);
  if (auto node = cpc::unixfs::decode_node(in)) (void)cpc::unixfs::encode_node(*node);
  // Walk a DAG whose root is this block; every other block is missing.
  cpc::cid::Cid root = cpc::cid::cid_of(cpc::cid::kDagPb, in);
  auto fetch = [&](const cpc::cid::Cid& c) -> cpc::Result<cpc::Bytes> {
    if (c == root) return cpc::Bytes(in.begin(), in.end());
    return cpc::Status::refused("not found");
  };
  std::size_t out = 0;
  cpc::unixfs::ReadLimits limits;
  limits.max_size = 1 << 20;
  (void)cpc::unixfs::read_file(
      root, fetch,
      [&](cpc::ByteView b) {
        out += b.size();
        return cpc::Status::ok();
      },
      limits);
  return 0;
}
