// SPDX-License-Identifier: Apache-2.0
// cpc-node: run a storage peer (HTTP API, LMDB store, DHT; docs/node-api.md) until SIGTERM
// or SIGINT, or write a genesis file (`cpc-node genesis`). docs/cli.md "Network".
#include <signal.h>

#include <chrono>
#include <cstdio>

#include "cpc/codec/duration.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/io/file.hpp"
#include "cpc/io/log.hpp"
#include "cpc/node/genesis_file.hpp"
#include "cpc/node/node.hpp"
#include "tool_common.hpp"

namespace {

// A failure after the flags were read: a log line in the chosen format, and the exit status.
int fail(const cpc::Status& s) {
  if (cpc::log::format() == cpc::log::Format::kText) return cpc::tool::fail(s);
  cpc::log::error("cannot run", {{"error", s.message()}, {"exit", s.exit_code()}}, s.message());
  return s.exit_code();
}

int write_genesis(const std::vector<std::string>& validators,
                  const std::vector<std::string>& allocs, const std::string& out_path) {
  std::vector<cpc::keys::SignPublic> vs;
  for (const auto& v : validators) {
    auto pk = cpc::keyfile::load_public(v);
    if (!pk) return cpc::tool::fail(pk.status().with_context(v));
    vs.push_back(pk->sign);
  }
  std::vector<cpc::genesis::Alloc> as;
  for (const auto& a : allocs) {
    auto alloc = cpc::genesis::parse_alloc(a);
    if (!alloc) return cpc::tool::fail(alloc.status());
    as.push_back(*alloc);
  }
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  auto g = cpc::genesis::make(vs, as, static_cast<std::uint64_t>(now.count()));
  if (!g) return cpc::tool::fail(g.status());
  cpc::io::OutputFile out;
  if (auto s = out.open(out_path); !s) return cpc::tool::fail(s);
  if (auto s = out.write(*g + "\n"); !s) return cpc::tool::fail(s);
  if (auto s = out.commit(); !s) return cpc::tool::fail(s);
  return 0;
}

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Run a cpchain storage node: HTTP API, LMDB store and DHT peer (docs/node-api.md).\n"
      "With no flags: a single-node network in ./.cpc, API on 127.0.0.1:7400."};
  cpc::node::NodeOptions o;
  o.data_dir = "./.cpc";
  std::string repair = "30s";
  app.add_option("--data-dir", o.data_dir, "Data directory (default ./.cpc)");
  app.add_option("--listen", o.listen, "API address HOST:PORT (default 127.0.0.1:7400)");
  app.add_option("-k,--key", o.key_path, "Node key file (default DATA_DIR/node.key, created 0600)");
  app.add_option("--bootstrap", o.bootstrap, "URL of a node of the network to join (repeatable)");
  app.add_option("--replication", o.replication, "Copies of every block (default 3)");
  app.add_option("--genesis", o.genesis,
                 "Genesis file of the chain (default: the --bootstrap network's, else a "
                 "single-validator genesis of the node key)");
  app.add_option("--genesis-hash", o.genesis_hash,
                 "Run only the chain whose genesis hashes to this (64 hex); with --bootstrap "
                 "and no genesis of its own, the node adopts the network's genesis")
      ->check([](const std::string& h) {
        return h.size() == 64 && h.find_first_not_of("0123456789abcdef") == std::string::npos
                   ? std::string()
                   : std::string("must be 64 lowercase hex digits");
      });
  app.add_option("--repair-interval", repair, "Period of the replica repair (default 30s)");
  std::string conn_timeout = "30s";
  std::string empty_blocks = "60s";
  app.add_option("--empty-block-interval", empty_blocks,
                 "With no transactions, one empty block at most this often (default 60s; 0: "
                 "after every commit)");
  bool no_register = false;
  app.add_flag("--no-register", no_register,
               "Never register this node on chain (node.register): it is then never offered "
               "as a proxy");
  app.add_option("--max-body", o.max_body,
                 "Largest request body in bytes, 413 beyond (default 2097152)");
  app.add_option("--max-connections", o.max_connections, "Open connections at most (default 1000)");
  app.add_option("--max-connections-per-ip", o.max_connections_per_ip,
                 "Open connections per client address (default 0: no limit)");
  app.add_option("--connection-timeout", conn_timeout,
                 "Idle time before a connection is closed (default 30s)");
  std::string log_format = "text";
  app.add_option("--log-format", log_format,
                 "Log lines on stderr: text (default) or json (one object a line)")
      ->check(CLI::IsMember({"text", "json"}));
  app.set_config("--config", "",
                 "Read flags from FILE: one 'long-flag = value' a line; flags given here win")
      ->type_name("FILE");
  // A key that is no flag is an error, not silently ignored.
  app.allow_config_extras(CLI::config_extras_mode::error);
  auto* gen = app.add_subcommand("genesis", "Write a genesis file");
  std::vector<std::string> validators, allocs;
  std::string gen_out;
  gen->add_option("--validator", validators, "Validator public key file (repeatable)")->required();
  gen->add_option("--alloc", allocs, "Initial allocation PUB=AMOUNT (repeatable)");
  gen->add_option("-o,--output", gen_out, "Write to FILE (atomically) instead of stdout");
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;
  if (*gen) return write_genesis(validators, allocs, gen_out);
  if (auto f = cpc::log::parse_format(log_format)) cpc::log::set_format(*f);

  auto interval = cpc::duration::parse(repair);
  if (!interval) return fail(interval.status().with_context("--repair-interval"));
  o.repair_interval = *interval;
  auto timeout = cpc::duration::parse(conn_timeout);
  if (!timeout) return fail(timeout.status().with_context("--connection-timeout"));
  o.connection_timeout = std::chrono::duration_cast<std::chrono::seconds>(*timeout);
  auto beat = cpc::duration::parse(empty_blocks);
  if (!beat) return fail(beat.status().with_context("--empty-block-interval"));
  o.empty_block_interval = *beat;
  o.register_node = !no_register;
  // The signals are taken by sigwait below; every thread the node starts inherits the mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  auto node = cpc::node::Node::start(o);
  if (!node) return fail(node.status());
  cpc::log::info(
      "listening", {{"url", (*node)->url()}, {"data_dir", o.data_dir}, {"id", (*node)->id_hex()}},
      "listening on " + (*node)->url() + ", data in " + o.data_dir + ", id " + (*node)->id_hex());
  int sig = 0;
  sigwait(&sigs, &sig);
  const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  cpc::log::info("stopping", {{"signal", name}}, std::string("stopping on ") + name);
  (*node)->stop();
  return 0;
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-node", run, argc, argv);
}
