// SPDX-License-Identifier: Apache-2.0
// cpc-keygen: make an identity (Ed25519 signing key + ristretto255 encryption key), or
// print the public half of one (docs/cli.md "Keys").
#include <unistd.h>

#include <optional>

#include "cpc/crypto/keyfile.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

static int run(int argc, char** argv) {
  CLI::App app{
      "Make a new cpchain identity (secret key, mode 0600), or with --public print the\n"
      "public key of a secret key."};
  std::string out_path, key_path;
  bool pub = false, force = false, protect = false;
  std::optional<std::string> passphrase_file;
  app.add_option("-o,--output", out_path, "Write to FILE (atomically) instead of stdout");
  app.add_flag("--public", pub, "Print the public key of the secret key given by -k or stdin");
  app.add_option("-k,--key", key_path, "Secret key file for --public (default: stdin)");
  app.add_flag("-f,--force", force, "Overwrite an existing output file");
  app.add_flag("-p,--protect", protect,
               "Protect the new secret key with a passphrase (asked on the terminal)");
  app.add_option("--passphrase-file", passphrase_file,
                 "Read the passphrase from the first line of FILE (implies --protect)");
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;

  cpc::io::OutputFile out;
  std::string record;
  if (pub) {
    // Only the public half is read: no passphrase needed even for a protected key.
    auto text = cpc::io::read_file(key_path.empty() ? "-" : key_path, 1 << 20);
    if (!text) return cpc::tool::fail(text.status());
    auto pk = cpc::keys::parse_public_key(*text);
    if (!pk)
      return cpc::tool::fail(pk.status().with_context(key_path.empty() ? "stdin" : key_path));
    record = cpc::keys::public_key_record(*pk);
    if (auto s = out.open(out_path, 0644, force); !s) return cpc::tool::fail(s);
  } else {
    if (!passphrase_file) {
      if (const char* env = std::getenv("CPC_PASSPHRASE_FILE"); protect && env && *env) {
        passphrase_file = env;
      }
    }
    std::optional<cpc::SecretBytes> pass;
    if (passphrase_file) {
      auto p = cpc::keyfile::read_passphrase_file(*passphrase_file);
      if (!p) return cpc::tool::fail(p.status());
      pass = std::move(*p);
    } else if (protect) {
      auto p = cpc::keyfile::prompt_passphrase("New passphrase: ", true);
      if (!p) return cpc::tool::fail(p.status());
      pass = std::move(*p);
    }
    if (out_path.empty() && isatty(STDOUT_FILENO)) {
      return cpc::tool::fail(cpc::Status::bad_input("refusing to print a secret key to a terminal"),
                             "use -o FILE, e.g. cpc-keygen -o device.key");
    }
    auto sk = cpc::keys::SecretKey::generate();
    if (!sk) return cpc::tool::fail(sk.status());
    auto secret = cpc::keys::secret_key_record(*sk, pass ? &*pass : nullptr);
    if (!secret) return cpc::tool::fail(secret.status());
    record = std::move(*secret);
    if (auto s = out.open(out_path, 0600, force); !s) return cpc::tool::fail(s);
  }
  record += '\n';
  if (auto s = out.write(record); !s) return cpc::tool::fail(s);
  if (auto s = out.commit(); !s) return cpc::tool::fail(s);
  return 0;
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-keygen", run, argc, argv);
}
