// SPDX-License-Identifier: Apache-2.0
// Key files as the tools use them: loading a secret key from a file (refusing group- or
// world-readable files) and asking for its passphrase only when it is protected — from
// --passphrase-file, else $CPC_PASSPHRASE_FILE, else the terminal (/dev/tty, echo off);
// with none of them a protected key is an error, never a hang. Loading public keys from
// public-key files, secret-key files (their public half) or directories of them (keyrings).
//
// Thread safety: not thread-safe (terminal I/O); call from the main thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cpc/crypto/keys.hpp"

namespace cpc::keyfile {

// The first line of `path` (trailing "\n" or "\r\n" removed), in secure memory.
// An empty passphrase is refused (kBadInput).
Result<SecretBytes> read_passphrase_file(const std::string& path);

// Prompts on /dev/tty with echo off. With confirm, asks twice and requires a match.
// kBadInput when there is no terminal.
Result<SecretBytes> prompt_passphrase(const std::string& prompt, bool confirm);

// The passphrase to use for a key: `file` when given, else $CPC_PASSPHRASE_FILE, else the
// terminal.
keys::PassphraseSource passphrase_source(const std::optional<std::string>& file);

// Loads a secret key file ("-" for stdin).
Result<keys::SecretKey> load_secret(const std::string& path,
                                    const std::optional<std::string>& passphrase_file);

// Loads a public key from a cpc/public-key or cpc/secret-key file.
Result<keys::PublicKey> load_public(const std::string& path);

// Every public key in `path`: one file, or every regular file of a directory (a keyring;
// names starting with '.' are skipped). A file that is not a key is an error naming it.
Result<std::vector<keys::PublicKey>> load_public_keys(const std::string& path);

}  // namespace cpc::keyfile
