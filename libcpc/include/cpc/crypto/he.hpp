// SPDX-License-Identifier: Apache-2.0
// Additively homomorphic encryption (crypto.md §5.5–5.6): exponential ElGamal on
// ristretto255, (r·G, m·G + r·A), for signed integers and fixed-point decimals. Anyone can
// add ciphertexts to the same key without any secret; the key holder decrypts a total by a
// bounded discrete logarithm (baby-step giant-step over a table cached on disk). The
// record `cpc/he` is specified in formats-pre.md §3.
//
// Range: decryption returns m exactly when |m| <= 2^40 (kMaxAbs) and refuses (kRefused,
// "total outside the decryptable range ±2^40") otherwise; every result is re-checked by
// computing m·G, so a wrong number is never returned.
//
// Costs: encrypt 2 base + 1 variable-base mults; add 2 point additions; rerandomize 1 base +
// 1 variable-base mult; decrypt 1 variable-base mult plus the search: at most 2^19 giant
// steps (0.36-0.41 s measured on a loaded 2-vCPU VM, docs/benchmarks.md) once the table is
// loaded (~0.1 s to map and checksum 32 MiB) or built (2^21 additions, ~2 s, once).
//
// Thread safety: values and pure functions; the process-wide table (DlogTable::shared) is
// loaded once under a lock and then read-only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/crypto/group.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/status.hpp"

namespace cpc::he {

inline constexpr unsigned kRangeBits = 40;
inline constexpr std::int64_t kMaxAbs = std::int64_t{1} << kRangeBits;
inline constexpr unsigned kMaxScale = 18;
inline constexpr std::uint64_t kMaxCount = (std::uint64_t{1} << 53) - 1;

struct Ciphertext {
  group::Point to;  // the recipient's encryption key A
  group::Point c1;  // r·G
  group::Point c2;  // m·G + r·A
  unsigned scale = 0;
  std::uint64_t count = 1;  // readings summed
};

// Encrypts m, |m| <= kMaxAbs, scale <= kMaxScale (kBadInput otherwise).
Result<Ciphertext> encrypt(const group::Point& to, std::int64_t m, unsigned scale = 0);

// The componentwise sum. kRefused for different recipients; kBadInput for different scales
// or a count overflow, or (only for crafted inputs) a component summing to the identity.
// Two decodes and an encode per component through libsodium's byte API (~12 µs): use sum()
// or Summer for more than a few ciphertexts.
Result<Ciphertext> add(const Ciphertext& a, const Ciphertext& b);
// The sum of a non-empty span (kBadInput when empty), with the same checks and result as a
// chain of add() (the message names the first offending index), through Summer.
Result<Ciphertext> sum(std::span<const Ciphertext> cts);

// A running sum that adds in extended Edwards coordinates (ed25519_point.hpp, on public values)
// and encodes once in total(). Each ciphertext costs two RFC 9496 decodes of our own (an
// inverse square root each) and two cheap point additions, instead of ~12 µs of libsodium's
// decode-add-encode per component for add(); add_record() also parses and validates the
// record (the recipient key checked once), and add_records() decodes four points at a time
// with their square roots interleaved and a batch's halves on two threads (crypto.md §5.5).
// The result equals the chain of add() (he_test, he_sum_test check it). Memory: constant
// (add_records: proportional to its batch).
class Summer {
 public:
  Summer();
  ~Summer();
  Summer(const Summer&) = delete;
  Summer& operator=(const Summer&) = delete;

  // Adds one ciphertext, with add()'s checks against the ciphertexts added so far.
  Status add(const Ciphertext& c);
  // Adds a batch: a chain of add(c), except that on failure nothing of the batch is added
  // and `failed` is the index of the ciphertext refused. Decoded as add_records() does.
  Status add(std::span<const Ciphertext> cts, std::size_t& failed);
  // Adds one cpc/he record: exactly add(parse_he_record(record)), errors included. The
  // canonical layout that he_record() writes takes the fast path; any other spelling the
  // strict parser accepts takes the slow one.
  Status add_record(std::string_view record);
  // Adds a batch of cpc/he records: exactly a chain of add_record, errors included, except
  // that on failure nothing of the batch is added and `failed` is the index of the record
  // that failed. Batches of kParallelRecords or more are decoded on two threads (each half's
  // points into its own partial sum); the checks of recipient, scale and count run in order.
  static constexpr std::size_t kParallelRecords = 256;
  Status add_records(std::span<const std::string_view> records, std::size_t& failed);
  // Ciphertexts added so far.
  std::uint64_t size() const;
  // The sum. kBadInput when nothing was added or (crafted inputs only) a component sums to
  // the identity. Cost: 2 inverse square roots + 2 libsodium decodes.
  Result<Ciphertext> total() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The same plaintext under fresh randomness: the bytes change, the value does not.
Ciphertext rerandomize(const Ciphertext& c);

// A table of baby steps j·G, j in [0, 2^bits], for the search of crypto.md §5.6, kept in a
// file under a cache directory (the file format is in crypto.md §5.6).
class DlogTable {
 public:
  static constexpr unsigned kDefaultBits = 21;

  // Maps the table file for `bits` under `cache_dir` (created if missing) after verifying
  // its header and BLAKE2b checksum; when it is missing or invalid, builds it and writes
  // it atomically. 8 <= bits <= 26 (kBadInput). kIo when the directory or file cannot be
  // created or written.
  static Result<std::shared_ptr<const DlogTable>> open(const std::string& cache_dir,
                                                       unsigned bits = kDefaultBits);
  // $CPC_CACHE_DIR, else $XDG_CACHE_HOME/cpchain, else $HOME/.cache/cpchain (kIo if none).
  static Result<std::string> default_cache_dir();
  // The process-wide default table (default dir and bits), opened on first use.
  static Result<std::shared_ptr<const DlogTable>> shared();

  // m with m·G == point (a ristretto255 encoding; the identity is m = 0) and
  // |m| <= 2^range_bits, range_bits in [bits, 62]. kRefused when there is none.
  Result<std::int64_t> solve(const std::array<std::uint8_t, 32>& point, unsigned range_bits) const;

  unsigned bits() const { return bits_; }
  const std::string& path() const { return path_; }
  // True when this open() built the table (it was missing or invalid), false when loaded.
  bool built() const { return built_; }

  ~DlogTable();
  DlogTable(const DlogTable&) = delete;
  DlogTable& operator=(const DlogTable&) = delete;

 private:
  DlogTable() = default;
  friend struct TableAccess;
  unsigned bits_ = 0;
  std::string path_;
  bool built_ = false;
  const std::uint64_t* slots_ = nullptr;  // 2^(bits+1) entries
  std::vector<std::uint64_t> owned_;      // when built in this process
  void* map_ = nullptr;                   // when mapped from the file
  std::size_t map_size_ = 0;
};

// Decrypts with the process-wide table and the documented range (±2^40). kRefused when the
// ciphertext is for another key or the total is out of range.
Result<std::int64_t> decrypt(const keys::SecretKey& sk, const Ciphertext& c);
// The same with an explicit table and range (tests, benchmarks).
Result<std::int64_t> decrypt(const keys::SecretKey& sk, const Ciphertext& c, const DlogTable& table,
                             unsigned range_bits);

// `round(decimal · 10^scale)`, half away from zero, exactly (no floating point). Accepts
// [-+]digits[.digits]; kBadInput for anything else or |result| > kMaxAbs.
Result<std::int64_t> parse_fixed(std::string_view decimal, unsigned scale);
// m / 10^scale with exactly `scale` decimals ("-12.50").
std::string format_fixed(std::int64_t m, unsigned scale);

// The one-line `cpc/he` record (formats-pre.md §3), no trailing newline, and its strict
// parser (exact fields, lowercase hex, validated points, scale and count ranges).
std::string he_record(const Ciphertext& c);
Result<Ciphertext> parse_he_record(std::string_view record);
// True when `line` is meant as a cpc/he record (its type field says so); for telling
// cpc/he input from sealed input before parsing.
bool is_he_record(std::string_view line);

// Streams for the tools (docs/cli.md "Encryption"); `lines` yields one line per call (false at
// the end); errors carry "line N: " with `line_number()` of the source.
using LineSource = std::function<Result<bool>(std::string_view& line)>;
using LineNumber = std::function<std::size_t()>;
using RecordSink = std::function<Status(std::string_view record)>;  // one record, no newline
// One decimal number per line (parse_fixed at `scale`) -> one fresh cpc/he record each.
Status encrypt_lines(const LineSource& lines, const LineNumber& line_number, const group::Point& to,
                     unsigned scale, const RecordSink& out);
// The sum of every cpc/he record of `lines` (Summer). kBadInput for empty input.
Result<Ciphertext> sum_lines(const LineSource& lines, const LineNumber& line_number);
// Decrypts every cpc/he record of `lines` and emits each value as format_fixed.
Status decrypt_lines(const LineSource& lines, const LineNumber& line_number,
                     const keys::SecretKey& sk, const RecordSink& out);

}  // namespace cpc::he
