// SPDX-License-Identifier: Apache-2.0
// cpc-get: fetch an object by CID through a node, verify every block, write its bytes to
// stdout or atomically to -o FILE (docs/cli.md "Network", docs/node-api.md §3); with --proof,
// print its on-chain registration with the inclusion proof instead (docs/node-api.md §10);
// with -k KEY, open a sealed object as its owner or as a grantee (docs/sharing.md §4); with
// --sum, the node's homomorphic sum of cpc/he objects; with --buy, an escrowed purchase on
// chain (docs/sharing.md §5, §6).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "cpc/client/chain_client.hpp"
#include "cpc/client/object_client.hpp"
#include "cpc/client/share_client.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

namespace {

// -k KEY: the plaintext, after authentication, to `out`.
int open_sealed(const cpc::cid::Cid& root, const std::string& key_path,
                const std::optional<std::string>& passphrase_file, bool verbose,
                const cpc::client::Options& o, cpc::io::OutputFile& out,
                cpc::progress::Mode progress) {
  auto sk = cpc::keyfile::load_secret(key_path, passphrase_file);
  if (!sk) {
    out.discard();
    return cpc::tool::fail(sk.status());
  }
  cpc::client::ReadOptions ro;
  ro.node = o.node;
  ro.window = o.window;
  cpc::progress::Progress bar("cpc-get", std::nullopt, STDERR_FILENO, progress);
  ro.progress = bar.reporter();
  if (verbose) {
    ro.log = [&](const std::string& m) {
      bar.clear();
      std::fprintf(stderr, "cpc-get: %s\n", m.c_str());
    };
  }
  cpc::Status s = cpc::client::read_sealed(
      root, *sk, [&](cpc::ByteView b) { return out.write(b); }, ro);
  return cpc::tool::finish(out, s, bar);
}

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Fetch the object CID through a node, verify every block against its CID, and write\n"
      "its bytes to stdout or FILE. With -k KEY, open a sealed object: as its owner, or as a\n"
      "grantee with cfrags from the proxies of a live grant (exit 1 'access denied' without)."};
  cpc::client::Options o;
  if (const char* env = std::getenv("CPC_NODE"); env && *env) o.node = env;
  std::vector<std::string> cid_texts;
  std::string out_path, key_path;
  std::optional<std::string> passphrase_file;
  bool proof = false, verbose = false, sum = false, buy = false;
  cpc::tool::ProgressFlags progress_flags;
  std::uint64_t deadline = 1000;
  app.add_option("--node", o.node, "Node URL (default $CPC_NODE, else http://127.0.0.1:7400)");
  app.add_option("-o,--output", out_path, "Write to FILE (atomically) instead of stdout");
  cpc::tool::add_progress_flags(app, progress_flags);
  app.add_flag(
      "--proof", proof,
      "Print the object's on-chain registration with its inclusion proof (cpc/data-proof)");
  app.add_flag("--sum", sum,
               "Have the node add the cpc/he objects CID… and print the encrypted total "
               "(one cpc/he record)");
  app.add_flag("--buy", buy,
               "Buy the object: escrow its offered price on chain (data.buy, signed by -k)");
  app.add_option("--deadline", deadline,
                 "With --buy: blocks until the escrow is refunded if no grant comes (default "
                 "1000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}));
  app.add_option("-k,--key", key_path,
                 "Open the sealed object with this secret key: as its owner, or as a grantee "
                 "with cfrags from the grant's proxies (--buy: the buyer, who signs)");
  app.add_option("--passphrase-file", passphrase_file,
                 "Passphrase of a protected key (default: $CPC_PASSPHRASE_FILE, else ask)");
  app.add_flag("-v,--verbose", verbose, "With -k: name each proxy skipped, and why, on stderr");
  app.add_option("CID", cid_texts, "The object's CID (--sum: one or more)")->required();
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;
  std::signal(SIGPIPE, SIG_IGN);
  if (proof && !key_path.empty()) {
    return cpc::tool::fail(cpc::Status::bad_input("--proof and -k exclude each other"));
  }
  if (key_path.empty() && (passphrase_file || verbose)) {
    return cpc::tool::fail(cpc::Status::bad_input("--passphrase-file and -v go with -k"));
  }
  if (sum && !key_path.empty()) {
    return cpc::tool::fail(
        cpc::Status::bad_input("--sum takes no key (decrypt the total with cpc-encrypt -d)"));
  }

  if (static_cast<int>(proof) + static_cast<int>(sum) + static_cast<int>(buy) > 1) {
    return cpc::tool::fail(cpc::Status::bad_input("--proof, --sum and --buy exclude each other"));
  }
  if (!sum && cid_texts.size() != 1) {
    return cpc::tool::fail(cpc::Status::bad_input("one CID expected (several only with --sum)"));
  }
  if (buy && key_path.empty()) return cpc::tool::fail(cpc::Status::bad_input("--buy needs -k KEY"));
  std::vector<std::string> cids;
  for (const auto& t : cid_texts) {
    auto c = cpc::cid::parse(t);
    if (!c) return cpc::tool::fail(c.status().with_context(t));
    cids.push_back(cpc::cid::to_string(*c));
  }
  auto root = cpc::cid::parse(cids.front());
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);
  if (sum || buy) {
    cpc::Result<std::string> line = std::string();
    if (sum) {
      line = cpc::client::sum_objects(cids, o);
    } else {
      auto sk = cpc::keyfile::load_secret(key_path, passphrase_file);
      if (!sk) return cpc::tool::fail(sk.status());
      auto c = cpc::client::buy_data(o.node, *sk, cids.front(), deadline, std::chrono::seconds(60));
      if (c) {
        line = "{\"type\":\"cpc/buy\",\"escrow\":\"" + c->id + "\",\"tx\":\"" + c->id +
               "\",\"height\":" + std::to_string(c->height) + "}";
      } else {
        line = c.status();
      }
    }
    if (!line) return cpc::tool::fail(line.status());
    if (auto s = out.write(*line + "\n"); !s) return cpc::tool::fail(s);
    if (auto s = out.commit(); !s) return cpc::tool::fail(s);
    return 0;
  }
  if (proof) {
    auto rec = cpc::client::data_proof(o.node, cpc::cid::to_string(*root));
    if (!rec) return cpc::tool::fail(rec.status());
    if (auto s = out.write(*rec + "\n"); !s) return cpc::tool::fail(s);
    if (auto s = out.commit(); !s) return cpc::tool::fail(s);
    return 0;
  }
  if (auto s = out.refuse_terminal("object bytes"); !s) {
    return cpc::tool::fail(s, "use -o FILE or redirect stdout");
  }
  if (!key_path.empty()) {
    return open_sealed(*root, key_path, passphrase_file, verbose, o, out, progress_flags.mode());
  }
  cpc::progress::Progress bar("cpc-get", std::nullopt, STDERR_FILENO, progress_flags.mode());
  o.progress = bar.reporter();
  auto n = cpc::client::get_object(
      *root, [&](cpc::ByteView b) { return out.write(b); }, o);
  if (!n) {
    out.discard();
    return cpc::tool::fail(n.status());
  }
  if (auto s = out.commit(); !s) return cpc::tool::fail(s);
  bar.finish();
  return 0;
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-get", run, argc, argv);
}
