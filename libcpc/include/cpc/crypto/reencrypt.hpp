// SPDX-License-Identifier: Apache-2.0
// Re-encryption over sealed inputs (docs/cli.md "Re-encryption", crypto.md §5, formats-pre.md
// §4): the capsules of a sealed stream or of a stream of sealed records, in order; the
// proxy's pass over them (one cfrag per capsule); checking a proxy's cfrags against them;
// and the grantee's seal::KeySource, which opens data sealed to the owner with the cfrags
// of several proxies. This module joins seal.hpp and pre.hpp; neither depends on it.
//
// Matching is by position: cfrag i of a proxy's output belongs to capsule i of the sealed
// input (a cfrag names no capsule, formats-pre.md §2), and a cfrag for another capsule
// fails its proof.
//
// Errors: kBadInput for malformed records (the message names the line, and the file for
// cfrag files) and for cfrag files whose length does not match the sealed input; kRefused
// for capsules sealed to another owner, kfrags or cfrags that do not verify, too few valid
// cfrags. Thread safety: every object belongs to one thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/codec/ndjson.hpp"
#include "cpc/crypto/pre.hpp"
#include "cpc/crypto/seal.hpp"

namespace cpc::reencrypt {

// The capsules of a sealed input read from `lines`: a sealed stream gives its header's one
// capsule, and the cpc/chunk records after it are skipped without being parsed, so memory
// stays one line whatever the size; a stream of sealed records gives one per record.
class CapsuleReader {
 public:
  explicit CapsuleReader(ndjson::LineReader& lines) : lines_(lines) {}
  // Sets `header` to the next capsule's header; false at the end. kBadInput "line N: …"
  // for a malformed record, kRefused "line N: invalid capsule" for a capsule that fails
  // its check.
  Result<bool> next(seal::Header& header);
  // Capsules returned so far.
  std::size_t count() const { return count_; }
  // The line of the last capsule returned (for messages).
  std::size_t line_number() const { return line_; }

 private:
  ndjson::LineReader& lines_;
  enum class Kind { kUnknown, kStream, kRecords } kind_ = Kind::kUnknown;
  std::size_t count_ = 0, line_ = 0;
};

// Reads the one cpc/kfrag record of a kfrag file (kBadInput unless there is exactly one).
Result<pre::KeyFragment> read_kfrag_file(const std::string& path);

// The proxy's pass: one cpc/cfrag record per capsule of `capsules`, in order, through
// `out` (no newline), re-encrypted with `kfrag` in batches of 64 (bounded memory; the batch
// form of pre::reencapsulate). The kfrag is checked once (signature, commitment); kRefused
// when it does not verify, or for a capsule sealed to another key than the kfrag's owner.
// On a machine with two or more cores each batch is split in two halves, the second
// re-encrypted on a helper thread (std::async), joined before its cfrags are written: the
// output and its order are the same as with one thread. `out` is only called from the
// calling thread.
Status reencrypt(CapsuleReader& capsules, const pre::KeyFragment& kfrag,
                 const std::function<Status(std::string_view)>& out);

// cpc/cfrag records, one file per proxy, read in lockstep: next() gives one cfrag from each.
class CfragFiles {
 public:
  CfragFiles();
  ~CfragFiles();
  CfragFiles(const CfragFiles&) = delete;
  CfragFiles& operator=(const CfragFiles&) = delete;
  // Opens every file (kIo when one cannot be opened). REQUIRES: called once.
  Status open(const std::vector<std::string>& paths);
  // The next cfrag of every file. kBadInput "FILE line N: …" for a malformed record and
  // "FILE: no cfrag for capsule N" when a file has run out.
  Result<std::vector<pre::CapsuleFragment>> next();
  // kBadInput when a file holds more cfrags than capsules were opened.
  Status finish();

 private:
  struct File;
  std::vector<std::unique_ptr<File>> files_;
  std::size_t taken_ = 0;
};

// Checks each cfrag of `cfrags` (one file's cpc/cfrag lines) against the capsule in the
// same position of `capsules`, for this owner and grantee. kRefused "cfrag N does not verify
// (…)" at the first failure (N counts from 1); kBadInput for malformed records or when the
// number of cfrags differs from the number of capsules.
Status verify_cfrags(ndjson::LineReader& cfrags, CapsuleReader& capsules,
                     const keys::PublicKey& owner, const group::Point& grantee);

// The KeySource of a grantee holding cfrags from several proxies: for the n-th header it is
// asked about, takes the n-th cfrag of each file and combines those that verify
// (pre::decapsulate_valid_frags: proofs checked, copies counted once, t needed). kRefused
// for a header sealed to another key than `owner`'s or too few valid cfrags. `grantee`,
// `owner` and `cfrags` must outlive the KeySource.
seal::KeySource grantee_key_source(const keys::SecretKey& grantee, const keys::PublicKey& owner,
                                   CfragFiles& cfrags);

}  // namespace cpc::reencrypt
