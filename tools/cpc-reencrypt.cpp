// SPDX-License-Identifier: Apache-2.0
// cpc-reencrypt: `grant` makes an owner's threshold key fragments for a grantee, or with
// --node publishes them on chain, each sealed to one proxy node (docs/sharing.md §2);
// `revoke` ends a published grant; the default form is the proxy's side, one cfrag per
// capsule of a sealed input (docs/cli.md "Re-encryption", "Network").
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "cpc/client/share_client.hpp"
#include "cpc/codec/duration.hpp"
#include "cpc/codec/ndjson.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/crypto/reencrypt.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

namespace {

struct NetGrant {
  std::string node, cid, expires;
};

// grant --node: the grant goes on chain; prints its cpc/grant record.
int publish(const std::string& key, const std::optional<std::string>& passphrase_file,
            const std::string& to, unsigned t, unsigned n, const NetGrant& g,
            const std::string& out_path) {
  cpc::client::GrantSpec spec;
  spec.threshold = t;
  spec.shares = n;
  spec.cid = g.cid;
  if (!g.cid.empty()) {
    auto c = cpc::cid::parse(g.cid);
    if (!c) return cpc::tool::fail(c.status().with_context("--cid"));
    spec.cid = cpc::cid::to_string(*c);
  }
  if (!g.expires.empty()) {
    auto d = cpc::duration::parse(g.expires);
    if (!d || d->count() <= 0) {
      return cpc::tool::fail(cpc::Status::bad_input("--expires: bad duration " + g.expires +
                                                    " (use e.g. 90s, 30m, 12h, 7d)"));
    }
    spec.expires_in = *d;
  }
  auto grantee = cpc::keyfile::load_public(to);
  if (!grantee) return cpc::tool::fail(grantee.status());
  spec.grantee = *grantee;
  auto owner = cpc::keyfile::load_secret(key, passphrase_file);
  if (!owner) return cpc::tool::fail(owner.status());
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);
  auto r = cpc::client::publish_grant(g.node, *owner, spec);
  if (!r) {
    out.discard();
    return cpc::tool::fail(r.status().with_context("grant"));
  }
  return cpc::tool::finish(out, out.write(cpc::client::grant_output(*r) + "\n"));
}

int revoke(const std::string& key, const std::optional<std::string>& passphrase_file,
           const std::string& grant_id, const std::string& node) {
  auto owner = cpc::keyfile::load_secret(key, passphrase_file);
  if (!owner) return cpc::tool::fail(owner.status());
  auto h = cpc::client::revoke_grant(node, *owner, grant_id);
  if (!h) return cpc::tool::fail(h.status().with_context("revoke"));
  std::printf("%s\n", cpc::client::revoke_output(grant_id, h->tx, h->height).c_str());
  return 0;
}

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

static int run(int argc, char** argv) {
  CLI::App app{
      "Threshold proxy re-encryption. 'grant' splits the owner's re-encryption key for a\n"
      "grantee into N signed kfrags, any T of which suffice (with --node: published on chain,\n"
      "each sealed to one proxy node; 'revoke' ends such a grant); the default form is the\n"
      "proxy's: one cpc/cfrag (with its proof) per capsule of a sealed stream or of sealed\n"
      "records."};
  std::string kfrag_path, input, out_path;
  app.add_option("--kfrag", kfrag_path, "The proxy's cpc/kfrag file");
  app.add_option("SEALED", input, "Sealed stream or sealed records (default: stdin)");
  app.add_option("-o,--output", out_path, "Write to FILE (atomically) instead of stdout");
  cpc::tool::add_version_flag(app);

  std::string key, to;
  std::optional<std::string> passphrase_file;
  unsigned t = 0, n = 0;
  CLI::App* grant_cmd = app.add_subcommand(
      "grant", "Make N kfrags for a grantee, any T suffice; with --node, publish the grant");
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
  NetGrant net;
  std::string default_node = "http://127.0.0.1:7400";
  if (const char* env = std::getenv("CPC_NODE"); env && *env) default_node = env;
  grant_cmd->add_option("--node", net.node,
                        "Publish the grant on chain through this node, each kfrag sealed to one "
                        "proxy (default with --cid/--expires: $CPC_NODE)");
  grant_cmd->add_option(
      "--cid", net.cid,
      "With --node: grant this CID only (default: every CID the owner registered)");
  grant_cmd->add_option(
      "--expires", net.expires,
      "With --node: end the grant after DURATION (90s, 30m, 12h, 7d; default never)");

  std::string revoke_key, grant_id, revoke_node = default_node;
  std::optional<std::string> revoke_passphrase;
  CLI::App* revoke_cmd = app.add_subcommand("revoke", "End a grant published with grant --node");
  revoke_cmd->add_option("-k,--key", revoke_key, "The owner's secret key file")->required();
  revoke_cmd->add_option("--grant", grant_id, "The grant id (64 hex)")->required();
  revoke_cmd->add_option("--node", revoke_node,
                         "Node URL (default $CPC_NODE, else http://127.0.0.1:7400)");
  revoke_cmd->add_option("--passphrase-file", revoke_passphrase,
                         "Passphrase of a protected key (default: $CPC_PASSPHRASE_FILE, else ask)");
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;
  std::signal(SIGPIPE, SIG_IGN);

  if (grant_cmd->parsed()) {
    if (t > n) return cpc::tool::fail(cpc::Status::bad_input("-t must not exceed -n"));
    if (!net.node.empty() || !net.cid.empty() || !net.expires.empty()) {
      if (net.node.empty()) net.node = default_node;
      if (n > cpc::chain::kMaxProxies) {
        return cpc::tool::fail(cpc::Status::bad_input("with --node, -n is at most 32"));
      }
      return publish(key, passphrase_file, to, t, n, net, out_path);
    }
    return grant(key, passphrase_file, to, t, n, out_path);
  }
  if (revoke_cmd->parsed()) return revoke(revoke_key, revoke_passphrase, grant_id, revoke_node);
  if (kfrag_path.empty()) {
    return cpc::tool::fail(cpc::Status::bad_input("nothing to do: give --kfrag FILE, or grant"),
                           "see 'cpc-reencrypt --help'");
  }
  return proxy(kfrag_path, input, out_path);
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-reencrypt", run, argc, argv);
}
