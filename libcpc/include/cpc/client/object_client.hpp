// SPDX-License-Identifier: Apache-2.0
// The client side of storing and fetching objects through a node (cpc-put, cpc-get;
// docs/node-api.md §3). put_object() builds an object's UnixFS DAG locally (unixfs.hpp) and
// uploads every block with PUT /v1/blobs/{cid}, several in parallel; get_object() fetches
// the root, walks the DAG and fetches leaves a window at a time in parallel, verifying
// every block against its CID before a byte of it reaches the sink.
//
// Memory: a window of at most `window` blocks (1 MiB each) in flight, whatever the size of
// the object.
//
// Thread safety: each call uses its own HTTP handles; calls may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cpc/codec/cid.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/status.hpp"

namespace cpc::client {

struct Options {
  std::string node = "http://127.0.0.1:7400";
  std::size_t window = 8;  // blocks in flight
  // Progress display (cpc/io/progress.hpp); may be empty. Called with the bytes done so far
  // after every block (1 MiB) or more often, so the caller must throttle any drawing; and
  // with the object's total once it is known (get_object: from the root block, before the
  // first byte; put_object never knows it), else nullopt.
  std::function<void(std::uint64_t done, std::optional<std::uint64_t> total)> progress;
};

struct PutResult {
  cid::Cid cid;
  std::uint64_t size = 0;
};

// Stores the bytes read from `fd` until end of input as one object. Errors: kIo for read
// errors, an unreachable node or a node error (5xx, naming the node's message); kBadInput
// when the node refuses a block (4xx).
Result<PutResult> put_object(int fd, const Options& options);
// Stores `data` as one object.
Result<PutResult> put_bytes(ByteView data, const Options& options);

// Streams the object `root` to `sink`. Errors: kRefused "not found: CID" when the network
// does not have a block (nothing has been written to the sink when it is the root);
// kRefused when a block does not match its CID; kBadInput for a malformed DAG; kIo for
// network and node errors; the sink's errors unchanged.
Result<std::uint64_t> get_object(const cid::Cid& root, const unixfs::ByteSink& sink,
                                 const Options& options);

// POST /v1/sum (docs/sharing.md §5): the node adds the cpc/he objects `cids` and returns
// the one cpc/he record of the total. kRefused for an unknown CID, objects that are not
// cpc/he records or are under different keys; kBadInput for a malformed CID list, a CID
// named twice (checked before any request) or more than the node takes in one sum (413).
// `cids` in canonical form (cid::to_string), so that the same CID compares equal.
Result<std::string> sum_objects(const std::vector<std::string>& cids, const Options& options);

}  // namespace cpc::client
