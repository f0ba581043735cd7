// SPDX-License-Identifier: Apache-2.0
// Fuzz target: every request body cpc-node parses (docs/node-api.md) and the node-to-node
// DHT messages (docs/dht.md §6), without a running server. The first byte picks the parser:
//   0 POST /v1/dht/find_node body     3 PUT /v1/records/{key}, POST /v1/dht/store_record
//   1 POST /v1/dht/find_value body    4 PUT /v1/blobs/{cid}, POST /v1/dht/store/{cid} body
//   2 POST /v1/dht/ping body             (checked against its own raw and dag-pb CIDs)
//   5 a {cid} or {key} path segment   6/7/8 find_node / find_value / ping replies (client side)
// Invariant: no crash, no sanitizer report; malformed input is an error Status, and a body
// that parses re-serializes to something that parses to the same value.
#include <sodium.h>

#include <cstdlib>

#include "blob_store.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/dht/dht.hpp"
#include "cpc/wire/record.hpp"
#include "dht_http.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return sodium_init() < 0 ? 1 : 0;
}

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// A request that parsed survives the round trip through the client's own body builder.
void round_trip(const cpc::Result<cpc::dht::RpcRequest>& r, int which) {
  if (!r) return;
  using namespace cpc::dht;
  switch (which) {
    case 0: {
      auto again = parse_find_node_request(find_node_body(r->id, r->from));
      check(again && again->id == r->id && again->from == r->from);
      break;
    }
    case 1: {
      auto again = parse_find_value_request(find_value_body(r->id, r->from));
      check(again && again->id == r->id && again->from == r->from);
      break;
    }
    default: {
      auto again = parse_ping_request(ping_body(r->from));
      check(again && again->from == r->from);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const cpc::ByteView bytes(data + 1, size - 1);
  switch (data[0] % 9) {
    case 0:
      round_trip(cpc::dht::parse_find_node_request(body), 0);
      break;
    case 1:
      round_trip(cpc::dht::parse_find_value_request(body), 1);
      break;
    case 2:
      round_trip(cpc::dht::parse_ping_request(body), 2);
      break;
    case 3: {
      auto rec = cpc::record::parse(body);
      if (rec) {
        auto again = cpc::record::parse(cpc::record::to_json(*rec));
        check(again && *again == *rec);
      }
      break;
    }
    case 4: {
      // The raw CID of any body of at most 2 MiB verifies; the dag-pb one only when the body
      // decodes as a UnixFS node. Either way no crash.
      auto raw = cpc::node::verify_block(cpc::cid::raw_cid(bytes), bytes);
      check(raw.is_ok() == (bytes.size() <= cpc::unixfs::kMaxBlockSize));
      (void)cpc::node::verify_block(cpc::cid::cid_of(cpc::cid::kDagPb, bytes), bytes);
      break;
    }
    case 5: {
      auto c = cpc::cid::parse(body);
      if (c) check(cpc::cid::to_string(*c) == body);
      (void)cpc::dht::parse_node_id(body);
      break;
    }
    default: {
      cpc::net::Response r{200, "application/json", std::string(body), {}};
      if (data[0] % 9 == 6) {
        (void)cpc::dht::parse_find_node_reply(r);
      } else if (data[0] % 9 == 7) {
        (void)cpc::dht::parse_find_value_reply(r);
      } else {
        (void)cpc::dht::parse_ping_reply(r);
      }
    }
  }
  return 0;
}
