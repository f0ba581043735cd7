// SPDX-License-Identifier: Apache-2.0
// Internal to cpc_store: turns LMDB return codes into one-line cpc::Status messages.
// Stateless; thread-safe.
#pragma once

#include <lmdb.h>

#include <string>

#include "cpc/status.hpp"

namespace cpc::store::detail {

// rc != 0. `what` names the operation ("put into table blobs").
inline Status lmdb_status(int rc, const std::string& what) {
  if (rc == MDB_MAP_FULL) {
    return Status::io(what + ": store is full (map size reached; raise Options::map_size)");
  }
  if (rc == MDB_READERS_FULL) {
    return Status::io(what + ": too many open read transactions (raise Options::max_readers)");
  }
  if (rc == MDB_DBS_FULL) {
    return Status::io(what + ": too many tables (raise Options::max_tables)");
  }
  return Status::io(what + ": " + mdb_strerror(rc));
}

inline MDB_val to_val(ByteView b) {
  return MDB_val{b.size(), const_cast<std::uint8_t*>(b.data())};
}
inline ByteView from_val(const MDB_val& v) {
  return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}

}  // namespace cpc::store::detail
