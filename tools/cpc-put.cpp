// SPDX-License-Identifier: Apache-2.0
// cpc-put: store bytes through a node as a content-addressed UnixFS object and print its CID
// (docs/cli.md "Network", docs/node-api.md §3); with --records, each NDJSON line on its own;
// with --register -k KEY, each stored object is also registered on chain (data.register,
// docs/node-api.md §10) and its record gains the committed transaction's id as "tx".
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <optional>

#include <cstdio>
#include <cstdlib>

#include "cpc/client/chain_client.hpp"
#include "cpc/client/object_client.hpp"
#include "cpc/codec/cid.hpp"
#include "cpc/codec/ndjson.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

namespace {

struct OnChain {
  std::string tx;     // data.register
  std::string offer;  // data.offer (--price)
};

std::string put_record(const cpc::client::PutResult& r, const OnChain& c) {
  return "{\"type\":\"cpc/put\",\"cid\":\"" + cpc::cid::to_string(r.cid) +
         "\",\"size\":" + std::to_string(r.size) +
         (c.tx.empty() ? "" : ",\"tx\":\"" + c.tx + "\"") +
         (c.offer.empty() ? "" : ",\"offer\":\"" + c.offer + "\"") + "}";
}

// With a key: registers the object on chain, then offers it for sale at `price` (if not 0).
cpc::Result<OnChain> maybe_register(const cpc::client::PutResult& r, const cpc::keys::SecretKey* sk,
                                    const std::string& node, std::uint64_t price) {
  OnChain c;
  if (sk == nullptr) return c;
  const std::string cid = cpc::cid::to_string(r.cid);
  auto tx = cpc::client::register_data(node, *sk, cid, r.size, std::chrono::seconds(60));
  CPC_RETURN_IF_ERROR(tx);
  c.tx = *tx;
  if (price != 0) {
    auto offer = cpc::client::offer_data(node, *sk, cid, price, std::chrono::seconds(60));
    CPC_RETURN_IF_ERROR(offer.status().with_context("offer"));
    c.offer = offer->id;
  }
  return c;
}

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Store FILE (default: stdin) in the network through a node, as a content-addressed\n"
      "object; print {\"type\":\"cpc/put\",\"cid\":…,\"size\":N}."};
  cpc::client::Options o;
  if (const char* env = std::getenv("CPC_NODE"); env && *env) o.node = env;
  std::string path;
  bool records = false, do_register = false;
  cpc::tool::ProgressFlags progress_flags;
  std::string key_path;
  std::uint64_t price = 0;
  app.add_option("--node", o.node, "Node URL (default $CPC_NODE, else http://127.0.0.1:7400)");
  app.add_flag("--records", records, "Store each NDJSON line as its own object");
  cpc::tool::add_progress_flags(app, progress_flags);
  app.add_flag("--register", do_register,
               "Also register the object on chain (signed by -k) and wait for the commit");
  app.add_option("-k,--key", key_path, "Secret key that signs the registration (--register)");
  app.add_option("--price", price,
                 "With --register: also offer the object for sale at PRICE tokens (data.offer)")
      ->check(CLI::Range(std::uint64_t{1}, cpc::chain::kMaxInt));
  app.add_option("FILE", path, "Input file (default: stdin)");
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;
  signal(SIGPIPE, SIG_IGN);
  if (do_register != !key_path.empty()) {
    return cpc::tool::fail(cpc::Status::bad_input("--register and -k go together"));
  }
  if (price != 0 && !do_register) {
    return cpc::tool::fail(cpc::Status::bad_input("--price needs --register -k KEY"));
  }
  std::optional<cpc::keys::SecretKey> sk;
  if (do_register) {
    auto k = cpc::keyfile::load_secret(key_path, std::nullopt);
    if (!k) return cpc::tool::fail(k.status());
    sk.emplace(std::move(*k));
  }
  const cpc::keys::SecretKey* signer = sk ? &*sk : nullptr;

  cpc::io::InputFile in;
  if (auto s = in.open(path); !s) return cpc::tool::fail(s);
  cpc::progress::Progress bar("cpc-put", cpc::progress::remaining_size(in.fd()), STDERR_FILENO,
                              progress_flags.mode());
  cpc::ndjson::LineWriter out(STDOUT_FILENO);
  if (!records) {
    o.progress = bar.reporter();
    auto r = cpc::client::put_object(in.fd(), o);
    if (!r) return cpc::tool::fail(r.status().with_context(in.name()));
    bar.finish();
    auto tx = maybe_register(*r, signer, o.node, price);
    if (!tx) return cpc::tool::fail(tx.status().with_context("register"));
    if (auto s = out.append_line(put_record(*r, *tx)); !s) return cpc::tool::fail(s);
    if (auto s = out.flush(); !s) return cpc::tool::fail(s);
    return 0;
  }
  // Each line, newline included, is one object: concatenating the objects gives the input.
  cpc::ndjson::LineReader lines(in.fd(), 1 << 20);
  std::string_view line;
  std::string record;
  for (;;) {
    auto more = lines.next(line);
    if (!more) return cpc::tool::fail(more.status().with_context(in.name()));
    if (!*more) break;
    record.assign(line);
    record += '\n';
    auto r = cpc::client::put_bytes(cpc::as_bytes(record), o);
    if (!r) {
      return cpc::tool::fail(
          r.status().with_context(in.name() + ": line " + std::to_string(lines.line_number())));
    }
    auto tx = maybe_register(*r, signer, o.node, price);
    if (!tx) {
      return cpc::tool::fail(
          tx.status().with_context("register line " + std::to_string(lines.line_number())));
    }
    if (auto s = out.append_line(put_record(*r, *tx)); !s) return cpc::tool::fail(s);
  }
  if (auto s = out.flush(); !s) return cpc::tool::fail(s);
  return 0;
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-put", run, argc, argv);
}
