// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the sealed-stream opener on arbitrary NDJSON. A fixed recipient key is used so
// that a corpus of real sealed streams (and mutations of them) reaches the chunk-level code.
// Invariants: no crash; nothing is released unless it authenticates (the opener only returns
// OK for streams that end with their final chunk).
#include <sodium.h>

#include <unistd.h>

#include <cstdlib>

#include "cpc/crypto/seal.hpp"
#include "cpc/io/file.hpp"

namespace {

// The corpus is sealed to a fixed test key committed next to it (make_corpus.sh).
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
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t pos = 0;
  auto lines = [&](std::string_view& line) -> cpc::Result<bool> {
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      line = text.substr(pos, nl - pos);
      pos = nl + 1;
      if (!line.empty()) return true;
    }
    return false;
  };
  std::size_t released = 0;
  auto sink = [&](cpc::ByteView b) {
    released += b.size();
    return cpc::Status::ok();
  };
  auto keys = cpc::seal::owner_key_source(fuzz_key());
  (void)cpc::seal::open_stream(lines, keys, sink);
  // Sealed records too (first line only).
  pos = 0;
  std::string_view first;
  if (auto more = lines(first); more && *more) (void)cpc::seal::open_record(first, keys);
  return 0;
}
