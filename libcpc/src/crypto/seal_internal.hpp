// SPDX-License-Identifier: Apache-2.0
// Internals shared by the sealed-stream sources (not a public header).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cpc/crypto/seal.hpp"

namespace cpc::seal::internal {

struct ChunkFields {
  std::uint64_t index = 0;
  bool final = false;
  std::string_view data;  // base64, points into the line or into the scratch string
};

Result<nlohmann::json> parse_json_object(std::string_view line);
Result<Header> header_from_json(const nlohmann::json& j, bool record_form);
Status parse_chunk(std::string_view line, ChunkFields& out, std::string& scratch);
void chunk_record(std::uint64_t index, bool final, ByteView cipher, std::string& out);

}  // namespace cpc::seal::internal
