// SPDX-License-Identifier: Apache-2.0
// Node ids, the XOR metric and bucket indices (docs/dht.md §1, §2). Pure functions.
#include <sodium.h>

#include <bit>
#include <cstring>

#include "cpc/codec/hex.hpp"
#include "cpc/dht/dht.hpp"

namespace cpc::dht {

NodeId node_id(ByteView public_key) {
  NodeId id{};
  crypto_generichash(id.data(), id.size(), public_key.data(), public_key.size(), nullptr, 0);
  return id;
}

NodeId distance(const NodeId& a, const NodeId& b) {
  NodeId d{};
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = a[i] ^ b[i];
  return d;
}

int bucket_index(const NodeId& a, const NodeId& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<std::uint8_t>(a[i] ^ b[i]);
    if (x != 0) {
      // Leading zero bits so far: 8 per equal byte plus those of this byte.
      const int common = static_cast<int>(i * 8) + std::countl_zero(x);
      return 255 - common;
    }
  }
  return -1;
}

std::string to_hex(const NodeId& id) {
  return hex::encode({id.data(), id.size()});
}

Result<NodeId> parse_node_id(std::string_view text) {
  NodeId id{};
  auto st = hex::decode_into(text, {id.data(), id.size()});
  if (!st) return st.with_context("node id");
  return id;
}

std::size_t NodeIdHash::operator()(const NodeId& id) const {
  std::size_t h = 0;
  std::memcpy(&h, id.data(), sizeof h);
  return h;
}

}  // namespace cpc::dht
