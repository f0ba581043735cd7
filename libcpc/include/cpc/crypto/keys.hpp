// SPDX-License-Identifier: Apache-2.0
// Identities (crypto.md §2): an Ed25519 signing key pair and a ristretto255 encryption key
// pair, their key id, and the cpc/secret-key and cpc/public-key records of formats.md §2,
// optionally protected by a passphrase (Argon2id, crypto.md §2.1).
//
// Parsing validates everything: hex spelling and lengths, points and scalars (group.hpp),
// and that the stored public half matches the secret. Errors: kBadInput for malformed
// records, kRefused for a wrong passphrase.
//
// Thread safety: SecretKey and PublicKey are values; a SecretKey is not shared between
// threads without locking (its memory is sodium_malloc'ed, see secure_memory.hpp).
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "cpc/crypto/group.hpp"
#include "cpc/crypto/secure_memory.hpp"
#include "cpc/status.hpp"

namespace cpc::keys {

using SignPublic = std::array<std::uint8_t, 32>;

struct PublicKey {
  SignPublic sign{};
  group::Point encrypt;
  // 16 hex digits (crypto.md §2).
  std::string id() const;
};

class SecretKey {
 public:
  // A new random identity. Fails (kIo) only when secure memory runs out.
  static Result<SecretKey> generate();
  // From a 32-byte Ed25519 seed and a 32-byte non-zero canonical scalar.
  static Result<SecretKey> from_secrets(ByteView seed, ByteView scalar);

  const PublicKey& public_key() const { return pub_; }
  // libsodium's 64-byte Ed25519 secret key (seed || public key).
  const std::uint8_t* ed25519_secret() const { return secret_.data() + 32; }
  const std::uint8_t* seed() const { return secret_.data(); }
  // The encryption scalar a (a copy that wipes itself).
  group::Scalar encrypt_scalar() const;

 private:
  SecretBytes secret_{kSecretSize};  // seed(32) | ed25519 sk(64) | scalar(32)
  PublicKey pub_;
  static constexpr std::size_t kSecretSize = 128;
};

struct KdfParams {
  unsigned long long opslimit = 2;     // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memlimit = 64ull << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// One-line JSON records (no trailing newline).
std::string public_key_record(const PublicKey& pk);
// With passphrase == nullptr the secret is stored in the clear (file mode 0600 protects it).
// Fails (kIo) only when secure memory or Argon2id's memory cannot be allocated.
Result<std::string> secret_key_record(const SecretKey& sk, const SecretBytes* passphrase,
                                      const KdfParams& kdf = {});

// Supplies a passphrase when a protected key is opened; called at most once.
using PassphraseSource = std::function<Result<SecretBytes>()>;

// Parses a cpc/secret-key record, asking `passphrase` only when the key is protected.
Result<SecretKey> parse_secret_key(std::string_view record, const PassphraseSource& passphrase);
// Parses a cpc/public-key record, or the public half of a cpc/secret-key record (no
// passphrase needed).
Result<PublicKey> parse_public_key(std::string_view record);
// True when the record is a passphrase-protected secret key.
bool is_protected(std::string_view record);

}  // namespace cpc::keys
