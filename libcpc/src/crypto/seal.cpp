// SPDX-License-Identifier: Apache-2.0
// Sealing and opening streams and records (seal.hpp, crypto.md §6).
#include "cpc/crypto/seal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cpc/codec/base64.hpp"
#include "seal_internal.hpp"

namespace cpc::seal {
namespace {

constexpr std::size_t kABytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::string_view kChunkAdTag = "cpc/chunk/v1";

std::array<std::uint8_t, 32> header_hash(const Header& h) {
  std::array<std::uint8_t, 32> out{};
  std::string rec = h.record();
  group::hash32("cpc/sealed-header/v1", {as_bytes(rec)}, out);
  return out;
}

// AD_i = "cpc/chunk/v1" || hh || u64le(i) || u8(final)   (crypto.md §6)
std::array<std::uint8_t, 12 + 32 + 9> chunk_ad(const std::array<std::uint8_t, 32>& hh,
                                               std::uint64_t index, bool final) {
  std::array<std::uint8_t, 12 + 32 + 9> ad{};
  std::memcpy(ad.data(), kChunkAdTag.data(), 12);
  std::memcpy(ad.data() + 12, hh.data(), 32);
  for (int b = 0; b < 8; ++b) ad[44 + b] = static_cast<std::uint8_t>(index >> (8 * b));
  ad[52] = final ? 1 : 0;
  return ad;
}

}  // namespace

KeySource owner_key_source(const keys::SecretKey& sk) {
  return [&sk](const Header& h) -> Result<capsule::Key> {
    if (!(h.to == sk.public_key().encrypt)) {
      return Status::refused("sealed to another key (recipient " + h.recipient + ", not " +
                             sk.public_key().id() + ")");
    }
    return capsule::decapsulate(sk.encrypt_scalar(), h.capsule);
  };
}

Sealer::Sealer(const keys::PublicKey& to, std::uint32_t chunk_size) {
  header_.to = to.encrypt;
  header_.recipient = to.id();
  header_.chunk_size = chunk_size;
  Wiped<capsule::Key> key;
  header_.capsule = capsule::encapsulate(to.encrypt, key.value);
  crypto_secretstream_xchacha20poly1305_init_push(&state_, header_.stream.data(), key.value.data());
  header_hash_ = header_hash(header_);
}

Sealer::~Sealer() {
  sodium_memzero(&state_, sizeof state_);
}

void Sealer::seal_chunk(ByteView plain, bool final, std::string& out) {
  auto ad = chunk_ad(header_hash_, index_, final);
  cipher_.resize(plain.size() + kABytes);
  crypto_secretstream_xchacha20poly1305_push(
      &state_, cipher_.data(), nullptr, plain.data(), plain.size(), ad.data(), ad.size(),
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  internal::chunk_record(index_, final, cipher_, out);
  ++index_;
}

Result<Opener> Opener::begin(const Header& header, const KeySource& keys) {
  auto key = keys(header);
  CPC_RETURN_IF_ERROR(key);
  Opener o;
  o.header_ = header;
  o.header_hash_ = header_hash(header);
  int rc =
      crypto_secretstream_xchacha20poly1305_init_pull(&o.state_, header.stream.data(), key->data());
  sodium_memzero(key->data(), key->size());
  if (rc != 0) return Status::refused("invalid secretstream header");
  return o;
}

Opener::Opener(Opener&& o) noexcept
    : header_(std::move(o.header_)),
      header_hash_(o.header_hash_),
      state_(o.state_),
      index_(o.index_),
      finished_(o.finished_) {
  sodium_memzero(&o.state_, sizeof o.state_);
}

Opener::~Opener() {
  sodium_memzero(&state_, sizeof state_);
}

Status Opener::open_chunk(std::string_view line, Bytes& plain) {
  internal::ChunkFields f;
  CPC_RETURN_IF_ERROR(internal::parse_chunk(line, f, data_));
  if (finished_) return Status::refused("data after the final chunk (stream extended)");
  if (f.index != index_) {
    return Status::refused("chunk " + std::to_string(f.index) + " where chunk " +
                           std::to_string(index_) + " was expected (reordered or missing)");
  }
  CPC_RETURN_IF_ERROR(base64::decode_into(f.data, cipher_).with_context("chunk data"));
  if (cipher_.size() < kABytes) return Status::bad_input("chunk too short");
  std::size_t plain_len = cipher_.size() - kABytes;
  if (plain_len > header_.chunk_size && header_.chunk_size != 0) {
    return Status::refused("chunk larger than the stream's chunk size");
  }
  auto ad = chunk_ad(header_hash_, index_, f.final);
  plain.resize(plain_len);
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&state_, plain.data(), nullptr, &tag,
                                                 cipher_.data(), cipher_.size(), ad.data(),
                                                 ad.size()) != 0) {
    plain.clear();
    return Status::refused("chunk " + std::to_string(index_) +
                           " does not authenticate (modified, reordered or wrong key)");
  }
  bool tag_final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  if (tag_final != f.final) {
    plain.clear();
    return Status::refused("chunk " + std::to_string(index_) + " has an inconsistent final flag");
  }
  if (!f.final && header_.chunk_size != 0 && plain_len != header_.chunk_size) {
    plain.clear();
    return Status::refused("short chunk before the end of the stream");
  }
  finished_ = f.final;
  ++index_;
  return Status::ok();
}

Status seal_stream(int in_fd, const keys::PublicKey& to, std::uint32_t chunk_size,
                   const std::function<Status(std::string_view)>& out,
                   const std::function<void(std::uint64_t)>& progress) {
  Sealer sealer(to, chunk_size);
  std::string line = sealer.header().record() + "\n";
  CPC_RETURN_IF_ERROR(out(line));
  // Read one chunk ahead so the last chunk can be flagged final (an empty input is a single
  // empty final chunk).
  Bytes cur(chunk_size), next(chunk_size);
  auto fill = [&](Bytes& buf, std::size_t& got) -> Status {
    got = 0;
    while (got < buf.size()) {
      ssize_t n = ::read(in_fd, buf.data() + got, buf.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::io(std::string("read failed: ") + std::strerror(errno));
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    return Status::ok();
  };
  std::size_t cur_len = 0, next_len = 0;
  std::uint64_t sealed = 0;
  CPC_RETURN_IF_ERROR(fill(cur, cur_len));
  bool more = cur_len == chunk_size;
  line.reserve(base64::encoded_size(chunk_size + kABytes) + 64);
  for (;;) {
    if (more) CPC_RETURN_IF_ERROR(fill(next, next_len));
    bool final = !more || next_len == 0;
    line.clear();
    sealer.seal_chunk(ByteView(cur.data(), cur_len), final, line);
    CPC_RETURN_IF_ERROR(out(line));
    sealed += cur_len;
    if (progress) progress(sealed);
    if (final) break;
    std::swap(cur, next);
    cur_len = next_len;
    more = cur_len == chunk_size;
  }
  sodium_memzero(cur.data(), cur.size());
  sodium_memzero(next.data(), next.size());
  return Status::ok();
}

Status open_stream(const LineSource& lines, const KeySource& keys, const ByteSink& sink) {
  std::string_view line;
  auto got = lines(line);
  CPC_RETURN_IF_ERROR(got);
  if (!*got) return Status::bad_input("empty input: no cpc/sealed header");
  auto header = parse_header(line);
  CPC_RETURN_IF_ERROR(header);
  auto opener = Opener::begin(*header, keys);
  CPC_RETURN_IF_ERROR(opener);
  Bytes plain;
  for (;;) {
    got = lines(line);
    CPC_RETURN_IF_ERROR(got);
    if (!*got) break;
    CPC_RETURN_IF_ERROR(opener->open_chunk(line, plain));
    CPC_RETURN_IF_ERROR(sink(plain));
  }
  sodium_memzero(plain.data(), plain.size());
  if (!opener->finished()) return Status::refused("stream truncated: no final chunk");
  return Status::ok();
}

std::string seal_record(const keys::PublicKey& to, ByteView plain) {
  Sealer sealer(to, 0);
  // A sealed record is its header (without chunk_size) plus one final chunk's data.
  std::string chunk;
  sealer.seal_chunk(plain, true, chunk);
  internal::ChunkFields f;
  std::string scratch;
  (void)internal::parse_chunk(chunk, f, scratch);  // our own canonical output
  std::string rec = sealer.header().record();
  // Insert "data" in sorted position: after "chunk_size"/"capsule", before "recipient".
  std::size_t at = rec.find(R"(,"recipient":)");
  rec.insert(at, R"(,"data":")" + std::string(f.data) + "\"");
  return rec;
}

Result<Bytes> open_record(std::string_view line, const KeySource& keys) {
  auto j = internal::parse_json_object(line);
  CPC_RETURN_IF_ERROR(j);
  auto header = internal::header_from_json(*j, /*record_form=*/true);
  CPC_RETURN_IF_ERROR(header);
  if (!(*j)["data"].is_string()) return Status::bad_input("\"data\" must be a string");
  auto opener = Opener::begin(*header, keys);
  CPC_RETURN_IF_ERROR(opener);
  std::string chunk;
  auto cipher = base64::decode((*j)["data"].get<std::string>());
  if (!cipher) return cipher.status().with_context("\"data\"");
  internal::chunk_record(0, true, *cipher, chunk);
  Bytes plain;
  CPC_RETURN_IF_ERROR(opener->open_chunk(chunk, plain));
  return plain;
}

}  // namespace cpc::seal
