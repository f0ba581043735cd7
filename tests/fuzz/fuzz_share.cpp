// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the sharing records a node or a client parses (cpc/wire/share.hpp,
// docs/node-api.md §11). The first byte picks the parser:
//   0 POST /v1/reencrypt body (parse_request)   3 GET /v1/grants reply (parse_grants)
//   1 its reply (parse_response)                4 a grant's sealed kfrag, opened with the
//   2 GET /v1/proxies reply (parse_proxies)        fuzz key (open_kfrag)
// Invariant: no crash, no sanitizer report; malformed input is an error Status, and what
// parses re-serializes to something that parses to the same record.
#include <sodium.h>

#include <cstdlib>

#include "cpc/crypto/keys.hpp"
#include "cpc/io/file.hpp"
#include "cpc/wire/share.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// The sealed-kfrag seeds are sealed to the fixed test key committed next to the corpus
// (as fuzz_sealed_stream.cpp's).
const cpc::keys::SecretKey& fuzz_key() {
  static const cpc::keys::SecretKey key = [] {
    auto text = cpc::io::read_file(CPC_FUZZ_KEY);
    if (!text) std::abort();
    return cpc::keys::parse_secret_key(*text, nullptr).value();
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return sodium_init() < 0 ? 1 : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  using namespace cpc::share;
  switch (data[0] % 5) {
    case 0: {
      auto r = parse_request(body);
      if (!r) break;
      const std::string rec = request_record(*r);
      auto again = parse_request(rec);
      check(again && request_record(*again) == rec);
      (void)verify_request(*r);
      break;
    }
    case 1: {
      auto r = parse_response(body);
      if (!r) break;
      const std::string rec = response_record(*r);
      auto again = parse_response(rec);
      check(again && response_record(*again) == rec);
      break;
    }
    case 2: {
      auto r = parse_proxies(body);
      if (!r) break;
      const std::string rec = proxies_record(*r);
      auto again = parse_proxies(rec);
      check(again && proxies_record(*again) == rec);
      break;
    }
    case 3: {
      auto r = parse_grants(body);
      if (!r) break;
      const std::string rec = grants_record(cpc::chain::PubKey{}, "", 0, *r);
      auto again = parse_grants(rec);
      check(again && grants_record(cpc::chain::PubKey{}, "", 0, *again) == rec);
      break;
    }
    default: {
      auto k = open_kfrag(body, fuzz_key());
      if (k) check(cpc::pre::decode_kfrag(cpc::pre::encode_kfrag(*k)).is_ok());
    }
  }
  return 0;
}
