// SPDX-License-Identifier: Apache-2.0
// Signatures (crypto.md §3, formats.md §4–5): cpc/signed envelopes over any JSON value,
// signed over a domain-tagged RFC 8785 encoding, and cpc/signature detached signatures
// that are plain RFC 8032 Ed25519 over a file's bytes. A Keyring is the set of signers a
// verifier trusts; it holds every key it is given (files, directories, bare hex keys) and
// is never reduced to one.
//
// Errors: kBadInput for malformed records (bad JSON, wrong type or fields, bad hex),
// kRefused when a signature does not verify or its signer is not trusted.
//
// Thread safety: Signer and Verifier keep scratch buffers; one per thread. Keyring is
// read-only after loading and may be shared.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/codec/json.hpp"
#include "cpc/crypto/keys.hpp"

namespace cpc::sign {

// "cpc/signed/v1" followed by a newline: prefixes the canonical record in envelope mode.
inline constexpr std::string_view kEnvelopeTag = "cpc/signed/v1\n";

class Keyring {
 public:
  void add(const keys::SignPublic& key) { keys_.insert(key); }
  // Adds the keys named by `spec`: a bare 64-hex Ed25519 key, a public- or secret-key file,
  // or a directory of such files.
  Status add_spec(const std::string& spec);
  bool contains(const keys::SignPublic& key) const { return keys_.count(key) != 0; }
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

 private:
  std::set<keys::SignPublic> keys_;
};

// Short form of a signer for messages: its first 8 hex digits and an ellipsis.
std::string short_signer(const keys::SignPublic& key);

class Signer {
 public:
  explicit Signer(const keys::SecretKey& sk);
  // Parses `line` as a JSON value (strictly) and appends its cpc/signed record, newline
  // included, to `out`.
  Status sign_line(std::string_view line, std::string& out);
  // Appends the cpc/signed record of an already parsed value.
  void sign_value(const json::Value& payload, std::string& out);

 private:
  const keys::SecretKey& sk_;
  std::string signer_hex_;
  std::string canon_;
  std::string message_;
};

class Verifier {
 public:
  // With an empty keyring every correctly signed record is accepted (its embedded signer is
  // used); otherwise the signer must be in `trusted`.
  explicit Verifier(const Keyring& trusted) : trusted_(trusted) {}
  // Verifies one cpc/signed record; on success `payload` receives the canonical payload.
  Status verify_line(std::string_view line, std::string& payload);
  // The signer of the last record verify_line parsed.
  const keys::SignPublic& last_signer() const { return signer_; }

 private:
  const Keyring& trusted_;
  keys::SignPublic signer_{};
  std::string message_;
};

// The cpc/signature record (no newline) of `message` signed by `sk`.
std::string detached_record(const keys::SecretKey& sk, ByteView message);
// Verifies a cpc/signature record over `message`.
Status verify_detached(ByteView message, std::string_view record, const Keyring& trusted);

}  // namespace cpc::sign
