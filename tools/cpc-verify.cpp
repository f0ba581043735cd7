// SPDX-License-Identifier: Apache-2.0
// cpc-verify: check cpc/signed records (printing each verified payload) or a detached
// cpc/signature over a file (docs/cli.md "Signatures"), or a proxy's cfrags against the capsules
// of a sealed input (docs/cli.md "Re-encryption"); or a node's whole chain from genesis
// (--chain) or an inclusion proof offline (--proof), docs/cli.md "Network".
#include <cstdlib>

#include "cpc/client/chain_remote.hpp"
#include "cpc/codec/ndjson.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/crypto/reencrypt.hpp"
#include "cpc/crypto/sign.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

namespace {

int verify_detached(const std::string& file, const std::string& sig_path,
                    const cpc::sign::Keyring& trusted) {
  auto sig = cpc::io::read_file(sig_path, 1 << 16);
  if (!sig) return cpc::tool::fail(sig.status());
  cpc::io::MappedFile data;
  if (auto s = data.open(file); !s) return cpc::tool::fail(s);
  if (auto s = cpc::sign::verify_detached(data.bytes(), *sig, trusted); !s) {
    return cpc::tool::fail(s.with_context(sig_path));
  }
  return 0;
}

int verify_cfrags(const std::string& cfrag_path, const std::string& from, const std::string& to,
                  const std::string& sealed_path) {
  auto owner = cpc::keyfile::load_public(from);
  if (!owner) return cpc::tool::fail(owner.status());
  auto grantee = cpc::keyfile::load_public(to);
  if (!grantee) return cpc::tool::fail(grantee.status());
  cpc::io::InputFile cfrags_in, sealed_in;
  if (auto s = cfrags_in.open(cfrag_path); !s) return cpc::tool::fail(s);
  if (auto s = sealed_in.open(sealed_path); !s) return cpc::tool::fail(s);
  cpc::ndjson::LineReader cfrags(cfrags_in.fd()), sealed(sealed_in.fd());
  cpc::reencrypt::CapsuleReader capsules(sealed);
  auto s = cpc::reencrypt::verify_cfrags(cfrags, capsules, *owner, grantee->encrypt);
  return s ? 0 : cpc::tool::fail(s);
}

// --chain / --proof: one cpc/chain-check or cpc/proof-check line on success.
int verify_on_chain(bool chain, const std::string& node, const std::string& proof,
                    const std::string& genesis_path) {
  std::optional<cpc::chain::Genesis> trusted;
  if (!genesis_path.empty()) {
    auto text = cpc::io::read_file(genesis_path, 16 << 20);
    if (!text) return cpc::tool::fail(text.status());
    auto g = cpc::chain::parse_genesis(*text);
    if (!g) return cpc::tool::fail(g.status().with_context(genesis_path));
    trusted = std::move(*g);
  }
  std::string line;
  if (chain) {
    auto r = cpc::chain::verify_remote_chain(node, trusted);
    if (!r) return cpc::tool::fail(r.status());
    line = "{\"type\":\"cpc/chain-check\",\"height\":" + std::to_string(r->height) +
           ",\"head\":\"" + cpc::chain::to_hex(r->head) + "\",\"genesis\":\"" +
           cpc::chain::to_hex(r->genesis) + "\"}\n";
  } else {
    auto text = cpc::io::read_file(proof, 64 << 20);
    if (!text) return cpc::tool::fail(text.status());
    auto r = cpc::chain::verify_proof_file(*text, trusted);
    if (!r) return cpc::tool::fail(r.status().with_context(proof));
    line = "{\"type\":\"cpc/proof-check\",\"tx\":\"" + cpc::chain::to_hex(r->tx) +
           "\",\"height\":" + std::to_string(r->height) + ",\"genesis\":\"" +
           cpc::chain::to_hex(r->genesis) + "\"}\n";
  }
  if (auto s = cpc::io::write_all(1, line); !s) return cpc::tool::fail(s);
  return 0;
}

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Verify cpc/signed records and print each verified payload, one per line; or with\n"
      "--detached FILE --sig SIGFILE, a detached signature over FILE's bytes."};
  std::vector<std::string> signers;
  std::string input, out_path, detached, sig_path;
  bool keep_going = false;
  app.add_option("--signer", signers,
                 "Trusted signer: public-key file, secret-key file, directory of key files "
                 "(a keyring) or 64-hex Ed25519 key; repeatable. Without it, any valid "
                 "signature is accepted")
      ->allow_extra_args(false);
  app.add_option("FILE", input, "cpc/signed records (default: stdin)");
  app.add_flag("--keep-going", keep_going, "Report every invalid record, exit 1 at the end");
  app.add_option("--detached", detached, "Verify a detached signature over this file");
  app.add_option("--sig", sig_path, "The cpc/signature file for --detached");
  app.add_option("-o,--output", out_path, "Write payloads to FILE (atomically)");
  std::string cfrag_path, from, to;
  app.add_option("--cfrag", cfrag_path,
                 "Check this file's cpc/cfrag records against the capsules of FILE (sealed)");
  app.add_option("--from", from, "With --cfrag: the owner (public-key or secret-key file)");
  app.add_option("--to", to, "With --cfrag: the grantee (public-key or secret-key file)");
  bool chain = false;
  std::string node = "http://127.0.0.1:7400", proof, genesis;
  if (const char* env = std::getenv("CPC_NODE"); env && *env) node = env;
  app.add_flag("--chain", chain, "Verify the node's whole chain from genesis");
  app.add_option("--node", node,
                 "With --chain: node URL (default $CPC_NODE, else http://127.0.0.1:7400)");
  app.add_option("--proof", proof,
                 "Verify an inclusion proof (cpc/data-proof or cpc/tx-proof) offline");
  app.add_option("--genesis", genesis, "The trusted genesis file for --chain and --proof");
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;

  if (chain || !proof.empty()) {
    if (chain && !proof.empty()) {
      return cpc::tool::fail(cpc::Status::bad_input("--chain and --proof are separate checks"));
    }
    return verify_on_chain(chain, node, proof, genesis);
  }

  if (!cfrag_path.empty() || !from.empty() || !to.empty()) {
    if (cfrag_path.empty() || from.empty() || to.empty()) {
      return cpc::tool::fail(cpc::Status::bad_input("--cfrag, --from and --to go together"));
    }
    return verify_cfrags(cfrag_path, from, to, input);
  }

  cpc::sign::Keyring trusted;
  for (const auto& spec : signers) {
    if (auto s = trusted.add_spec(spec); !s) return cpc::tool::fail(s);
  }
  if (!detached.empty() || !sig_path.empty()) {
    if (detached.empty() || sig_path.empty()) {
      return cpc::tool::fail(cpc::Status::bad_input("--detached and --sig go together"));
    }
    return verify_detached(detached, sig_path, trusted);
  }

  cpc::io::InputFile in;
  if (auto s = in.open(input); !s) return cpc::tool::fail(s);
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);
  cpc::ndjson::LineReader reader(in.fd());
  cpc::ndjson::LineWriter writer(out.fd());
  cpc::sign::Verifier verifier(trusted);
  std::string payload;
  std::string_view line;
  int worst = 0;
  for (;;) {
    auto more = reader.next(line);
    if (!more) return cpc::tool::fail(more.status());
    if (!*more) break;
    cpc::Status s = verifier.verify_line(line, payload);
    if (!s) {
      s = s.with_context("line " + std::to_string(reader.line_number()));
      if (!keep_going) return cpc::tool::fail(s);
      cpc::tool::print_error(s);
      worst = std::max(worst, s.exit_code());
      continue;
    }
    payload += '\n';
    if (auto w = writer.append(payload); !w) return cpc::tool::fail(w);
  }
  if (auto s = writer.flush(); !s) return cpc::tool::fail(s);
  if (worst != 0) return worst;
  if (auto s = out.commit(); !s) return cpc::tool::fail(s);
  return 0;
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-verify", run, argc, argv);
}
