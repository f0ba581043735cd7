// SPDX-License-Identifier: Apache-2.0
// cpc-sign: sign NDJSON records (cpc/signed envelopes) or a file's bytes (--detached,
// cpc/signature) with a cpchain secret key (docs/cli.md "Signatures").
#include "cpc/codec/ndjson.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/crypto/sign.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

static int run(int argc, char** argv) {
  CLI::App app{
      "Sign NDJSON records: every input line (any JSON value) becomes one cpc/signed record.\n"
      "With --detached, print a cpc/signature: plain RFC 8032 Ed25519 over FILE's bytes."};
  std::string key_path, input, out_path;
  bool detached = false;
  std::optional<std::string> passphrase_file;
  app.add_option("-k,--key", key_path, "Secret key file")->required();
  app.add_option("FILE", input, "Input (default: stdin; required with --detached)");
  app.add_flag("--detached", detached, "Sign FILE's exact bytes, print a cpc/signature");
  app.add_option("-o,--output", out_path, "Write to FILE (atomically) instead of stdout");
  app.add_option("--passphrase-file", passphrase_file,
                 "Passphrase of a protected key (default: $CPC_PASSPHRASE_FILE, else ask)");
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;

  if (detached && (input.empty() || input == "-")) {
    return cpc::tool::fail(cpc::Status::bad_input("--detached needs a FILE"));
  }
  auto sk = cpc::keyfile::load_secret(key_path, passphrase_file);
  if (!sk) return cpc::tool::fail(sk.status());
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);

  if (detached) {
    cpc::io::MappedFile file;
    if (auto s = file.open(input); !s) return cpc::tool::fail(s);
    std::string rec = cpc::sign::detached_record(*sk, file.bytes()) + "\n";
    if (auto s = out.write(rec); !s) return cpc::tool::fail(s);
    if (auto s = out.commit(); !s) return cpc::tool::fail(s);
    return 0;
  }

  cpc::io::InputFile in;
  if (auto s = in.open(input); !s) return cpc::tool::fail(s);
  cpc::ndjson::LineReader reader(in.fd());
  cpc::ndjson::LineWriter writer(out.fd());
  cpc::sign::Signer signer(*sk);
  std::string record;
  std::string_view line;
  for (;;) {
    auto more = reader.next(line);
    if (!more) return cpc::tool::fail(more.status());
    if (!*more) break;
    record.clear();
    if (auto s = signer.sign_line(line, record); !s) {
      return cpc::tool::fail(s.with_context("line " + std::to_string(reader.line_number())));
    }
    if (auto s = writer.append(record); !s) return cpc::tool::fail(s);
  }
  if (auto s = writer.flush(); !s) return cpc::tool::fail(s);
  if (auto s = out.commit(); !s) return cpc::tool::fail(s);
  return 0;
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-sign", run, argc, argv);
}
