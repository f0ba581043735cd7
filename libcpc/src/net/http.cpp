// SPDX-License-Identifier: Apache-2.0
// The response helpers of cpc/net/http.hpp.
#include "cpc/net/http.hpp"

namespace cpc::net {

Response Response::json(int status, const nlohmann::json& body) {
  return {status, "application/json", body.dump(), {}};
}

Response Response::from_status(const Status& s) {
  return error(s.code() == Code::kBadInput  ? 400
               : s.code() == Code::kRefused ? 409
                                            : 500,
               s.message());
}

Response Response::error(int status, const std::string& message) {
  nlohmann::json j = {{"error", message}};
  return {status,
          "application/json",
          j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

}  // namespace cpc::net
