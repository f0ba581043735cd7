// SPDX-License-Identifier: Apache-2.0
// cpc-reencrypt: `grant` makes an owner's threshold key fragments for a grantee; the default
// form is the proxy's side, one cfrag per capsule of a sealed input (CLI.md "Re-encryption").
#include "cpc/io.hpp"
#include "cpc/keyfile.hpp"
#include "cpc/ndjson.hpp"
#include "cpc/reencrypt.hpp"
#include "tool_common.hpp"

namespace {

int grant(const std::string& key, const std::optional<std::string>& passphrase_file,
          const std::string& to, unsigned t, unsigned n, const std::string& out_path) {
  auto owner = cpc::keyfile::load_secret(key, passphrase_file);
  if (!owner) return cpc::tool::fail(owner.status());
  auto grantee = cpc::keyfile::load_public(to);
  if (!grantee) return cpc::tool::fail(grantee.status());
  auto kfrags = cpc::pre::generate_kfrags(*owner, grantee->encrypt, t, n);
  if (!kfrags) return cpc::tool::fail(kfrags.status());
  // Kfrags are key material: a file of them is created 0600, like a secret key.
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path, 0600); !s) return cpc::tool::fail(s);
  std::string text;
  for (const auto& k : *kfrags) text += cpc::pre::kfrag_record(k) + '\n';
  cpc::Status s = out.write(text);
  return cpc::tool::finish(out, s);
}

int proxy(const std::string& kfrag_path, const std::string& input, const std::string& out_path) {
  auto kfrag = cpc::reencrypt::read_kfrag_file(kfrag_path);
  if (!kfrag) return cpc::tool::fail(kfrag.status());
  cpc::io::InputFile in;
  if (auto s = in.open(input); !s) return cpc::tool::fail(s);
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);
  cpc::ndjson::LineReader lines(in.fd());
  cpc::ndjson::LineWriter writer(out.fd());
  cpc::reencrypt::CapsuleReader capsules(lines);
  cpc::Status s = cpc::reencrypt::reencrypt(
      capsules, *kfrag, [&](std::string_view record) { return writer.append_line(record); });
  if (s) s = writer.flush();
  return cpc::tool::finish(out, s);
}

}  // namespace

int main(int argc, char** argv) try {
  cpc::tool::init("cpc-reencrypt");
  CLI::App app{
      "Threshold proxy re-encryption. 'grant' splits the owner's re-encryption key for a\n"
      "grantee into N signed kfrags, any T of which suffice; the default form is the proxy's:\n"
      "one cpc/cfrag (with its proof) per capsule of a sealed stream or of sealed records."};
  std::string kfrag_path, input, out_path;
  app.add_option("--kfrag", kfrag_path, "The proxy's cpc/kfrag file");
  app.add_option("SEALED", input, "Sealed stream or sealed records (default: stdin)");
  app.add_option("-o,--output", out_path, "Write to FILE (atomically) instead of stdout");
  cpc::tool::add_version_flag(app);

  std::string key, to;
  std::optional<std::string> passphrase_file;
  unsigned t = 0, n = 0;
  CLI::App* grant_cmd = app.add_subcommand("grant", "Make N kfrags for a grantee, any T suffice");
  grant_cmd->add_option("-k,--key", key, "The owner's secret key file")->required();
  grant_cmd->add_option("--to", to, "The grantee: a public-key or secret-key file")->required();
  grant_cmd->add_option("-t,--threshold", t, "T: kfrags needed to open")
      ->required()
      ->check(CLI::Range(1u, cpc::pre::kMaxFragments));
  grant_cmd->add_option("-n,--shares", n, "N: kfrags to make (one per proxy)")
      ->required()
      ->check(CLI::Range(1u, cpc::pre::kMaxFragments));
  grant_cmd->add_option("-o,--output", out_path, "Write to FILE (atomically, mode 0600)");
  grant_cmd->add_option("--passphrase-file", passphrase_file,
                        "Passphrase of a protected key (default: $CPC_PASSPHRASE_FILE, else ask)");
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;

  if (grant_cmd->parsed()) {
    if (t > n) return cpc::tool::fail(cpc::Status::bad_input("-t must not exceed -n"));
    return grant(key, passphrase_file, to, t, n, out_path);
  }
  if (kfrag_path.empty()) {
    return cpc::tool::fail(cpc::Status::bad_input("nothing to do: give --kfrag FILE, or grant"),
                           "see 'cpc-reencrypt --help'");
  }
  return proxy(kfrag_path, input, out_path);
} catch (const std::exception& e) {
  // Allocation failures and the like: still one line and a documented status.
  return cpc::tool::fail(cpc::Status::io(e.what()));
}
