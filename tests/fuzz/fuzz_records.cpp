// SPDX-License-Identifier: Apache-2.0
// Fuzz target: every record parser of cpchain on one line of input — key records, signed
// records, detached signatures, sealed headers and records, kfrags, cfrags, HE records. The
// first byte picks the parser so one corpus covers all. Invariant: no crash, no sanitizer
// report; malformed input is an error Status.
#include <sodium.h>

#include "cpc/crypto/he.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/crypto/pre.hpp"
#include "cpc/crypto/seal.hpp"
#include "cpc/crypto/sign.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return sodium_init() < 0 ? 1 : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
  static const cpc::sign::Keyring kAnySigner;
  std::string payload;
  switch (data[0] % 9) {
    case 0:
      (void)cpc::keys::parse_public_key(line);
      break;
    case 1:
      (void)cpc::keys::parse_secret_key(line, nullptr);
      break;
    case 2: {
      cpc::sign::Verifier verifier(kAnySigner);
      (void)verifier.verify_line(line, payload);
      break;
    }
    case 3:
      (void)cpc::sign::verify_detached(cpc::as_bytes("message"), line, kAnySigner);
      break;
    case 4:
      (void)cpc::seal::parse_header(line);
      break;
    case 5:
      (void)cpc::seal::parse_record_header(line);
      break;
    case 6:
      (void)cpc::pre::parse_kfrag_record(line);
      break;
    case 7:
      (void)cpc::pre::parse_cfrag_record(line);
      break;
    case 8:
      (void)cpc::he::parse_he_record(line);
      break;
  }
  return 0;
}
