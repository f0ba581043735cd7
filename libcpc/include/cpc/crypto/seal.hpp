// SPDX-License-Identifier: Apache-2.0
// Sealed streams and sealed records (crypto.md §6, formats.md §5–6): the capsule KEM of
// capsule.hpp plus libsodium's secretstream XChaCha20-Poly1305, as NDJSON records. A
// sealed stream is one cpc/sealed header record followed by cpc/chunk records; memory
// stays bounded (one chunk) whatever the input size.
//
// The opener authenticates every chunk before releasing its plaintext, and reports
// reordering, duplication, truncation, extension and modification as kRefused; records
// that are not well-formed JSON of the right shape are kBadInput.
//
// Thread safety: a Sealer or Opener belongs to one thread.
#pragma once

#include <sodium.h>

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "cpc/crypto/capsule.hpp"
#include "cpc/crypto/keys.hpp"

namespace cpc::seal {

inline constexpr std::uint32_t kDefaultChunkSize = 64 << 10;
inline constexpr std::uint32_t kMaxChunkSize = 16 << 20;
inline constexpr std::size_t kStreamHeaderBytes =
    crypto_secretstream_xchacha20poly1305_HEADERBYTES;  // 24

// The cpc/sealed header record.
struct Header {
  group::Point to;        // recipient's encryption public key
  std::string recipient;  // recipient's key id (informative; `to` is authoritative)
  capsule::Capsule capsule;
  std::uint32_t chunk_size = kDefaultChunkSize;  // 0 in a sealed record (single chunk)
  std::array<std::uint8_t, kStreamHeaderBytes> stream{};

  // The canonical record (RFC 8785: sorted keys, no whitespace), without "data" and newline.
  std::string record() const;
};

// Parses a cpc/sealed header record (stream form). kBadInput when malformed; kRefused when
// the capsule fails its check.
Result<Header> parse_header(std::string_view line);

// Supplies the key a header's capsule carries: the owner decapsulates, a grantee combines
// cfrags (pre.hpp). kRefused when the caller cannot open it.
using KeySource = std::function<Result<capsule::Key>(const Header&)>;
// The KeySource of the holder of `sk`: refuses headers sealed to another key.
KeySource owner_key_source(const keys::SecretKey& sk);

class Sealer {
 public:
  // Starts a stream to `to` with plaintext chunks of `chunk_size` bytes.
  // REQUIRES: 0 < chunk_size <= kMaxChunkSize.
  Sealer(const keys::PublicKey& to, std::uint32_t chunk_size);
  ~Sealer();
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;

  const Header& header() const { return header_; }
  // Appends chunk record number next_index() holding `plain` (at most chunk_size bytes,
  // exactly chunk_size unless final) to `out`, newline included.
  void seal_chunk(ByteView plain, bool final, std::string& out);
  std::uint64_t next_index() const { return index_; }

 private:
  Header header_;
  std::array<std::uint8_t, 32> header_hash_{};
  // The stream's key state lives in the object (no allocation that could fail) and is
  // wiped by the destructor.
  crypto_secretstream_xchacha20poly1305_state state_{};
  std::uint64_t index_ = 0;
  Bytes cipher_;
};

class Opener {
 public:
  // Takes the header's key; fails (kRefused) when the key source refuses.
  static Result<Opener> begin(const Header& header, const KeySource& keys);
  ~Opener();
  Opener(Opener&&) noexcept;
  Opener(const Opener&) = delete;
  Opener& operator=(const Opener&) = delete;
  Opener& operator=(Opener&&) = delete;

  // Opens the next chunk record; `plain` receives its bytes. After the final chunk,
  // finished() is true and any further chunk is refused (extension).
  Status open_chunk(std::string_view line, Bytes& plain);
  bool finished() const { return finished_; }
  const Header& header() const { return header_; }

 private:
  Opener() = default;
  Header header_;
  std::array<std::uint8_t, 32> header_hash_{};
  crypto_secretstream_xchacha20poly1305_state state_{};  // wiped by the destructor
  std::uint64_t index_ = 0;
  bool finished_ = false;
  std::string data_;  // scratch for the chunk's base64 field
  Bytes cipher_;
};

// Drivers over file descriptors and line sources.
using LineSource = std::function<Result<bool>(std::string_view& line)>;
using ByteSink = std::function<Status(ByteView)>;

// Reads `in_fd` to EOF and writes the sealed stream to `out`. `progress`, when set, is
// told the plaintext bytes read so far after each chunk (a progress display).
Status seal_stream(int in_fd, const keys::PublicKey& to, std::uint32_t chunk_size,
                   const std::function<Status(std::string_view)>& out,
                   const std::function<void(std::uint64_t)>& progress = nullptr);
// Reads a sealed stream from `lines` (header first) and writes authenticated plaintext to
// `sink`. Fails unless the stream ends with its final chunk.
Status open_stream(const LineSource& lines, const KeySource& keys, const ByteSink& sink);

// Sealed records (crypto.md §6.1): `plain` sealed alone into one cpc/sealed record line
// (newline not included).
std::string seal_record(const keys::PublicKey& to, ByteView plain);
// Opens a sealed record; kBadInput when malformed, kRefused when it does not open.
Result<Bytes> open_record(std::string_view line, const KeySource& keys);
// Parses the header part of a sealed record (for proxies that re-encrypt its capsule).
Result<Header> parse_record_header(std::string_view line);
// True when `line` looks like a sealed record (has "data"), false for a stream header.
bool is_sealed_record(std::string_view line);

}  // namespace cpc::seal
