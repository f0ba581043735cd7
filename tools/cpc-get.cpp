// SPDX-License-Identifier: Apache-2.0
// cpc-get: fetch an object by CID through a node, verify every block, write its bytes to
// stdout or atomically to -o FILE (CLI.md "Network", docs/node-api.md §3); with --proof,
// print its on-chain registration with the inclusion proof instead (docs/node-api.md §10).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "cpc/chain_client.hpp"
#include "cpc/cid.hpp"
#include "cpc/io.hpp"
#include "cpc/object_client.hpp"
#include "tool_common.hpp"

int main(int argc, char** argv) {
  cpc::tool::init("cpc-get");
  CLI::App app{
      "Fetch the object CID through a node, verify every block against its CID, and write\n"
      "its bytes to stdout or FILE."};
  cpc::client::Options o;
  if (const char* env = std::getenv("CPC_NODE"); env && *env) o.node = env;
  std::string cid_text, out_path;
  bool quiet = false, proof = false;
  app.add_option("--node", o.node, "Node URL (default $CPC_NODE, else http://127.0.0.1:7400)");
  app.add_option("-o,--output", out_path, "Write to FILE (atomically) instead of stdout");
  app.add_flag("-q,--quiet", quiet, "No progress on stderr");
  app.add_flag(
      "--proof", proof,
      "Print the object's on-chain registration with its inclusion proof (cpc/data-proof)");
  app.add_option("CID", cid_text, "The object's CID")->required();
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;
  std::signal(SIGPIPE, SIG_IGN);

  auto root = cpc::cid::parse(cid_text);
  if (!root) return cpc::tool::fail(root.status());
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);
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
  if (!quiet && isatty(STDERR_FILENO)) {
    o.progress = [](std::uint64_t n) {
      std::fprintf(stderr, "\rcpc-get: %llu MiB", static_cast<unsigned long long>(n >> 20));
    };
  }
  auto n = cpc::client::get_object(
      *root, [&](cpc::ByteView b) { return out.write(b); }, o);
  if (o.progress) std::fputc('\n', stderr);
  if (!n) {
    out.discard();
    return cpc::tool::fail(n.status());
  }
  if (auto s = out.commit(); !s) return cpc::tool::fail(s);
  return 0;
}
