// SPDX-License-Identifier: Apache-2.0
// cpc::node::Node start-up and shutdown (cpc/node/node.hpp, docs/node-api.md §1 and §8): the data
// directory, the node key (created 0600 on first start) and id, the store, the server.
#include "cpc/node/node.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "chain_node.hpp"
#include "cpc/chain/genesis.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/unixfs.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/io/file.hpp"
#include "cpc/io/log.hpp"
#include "cpc/node/genesis_file.hpp"
#include "node_impl.hpp"

namespace cpc::node {

std::string hex_id(const Key& k) {
  return hex::encode(k);
}

namespace {

// Takes DATA_DIR/lock (docs/node-api.md §8): an exclusive flock held until the process
// ends, with the holder's PID and listen address written into the file for the next one.
Result<int> lock_data_dir(const std::string& dir, const std::string& listen) {
  const std::string path = dir + "/lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[256] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) return Status::io("cannot lock " + path + ": " + std::strerror(err));
    std::string holder = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    for (char& c : holder) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';  // the error stays one line
    }
    const auto space = holder.find(' ');
    std::string who = "another cpc-node";
    if (space != std::string::npos) {
      who +=
          " (pid " + holder.substr(0, space) + ", listening on " + holder.substr(space + 1) + ")";
    }
    return Status::io("data directory " + dir + " is in use by " + who);
  }
  const std::string me = std::to_string(::getpid()) + " " + listen + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return Status::io("cannot write " + path + ": " + std::strerror(err));
  }
  return fd;
}

Status make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::io("cannot create " + dir + ": " + std::strerror(errno));
  }
  if (!io::is_directory(dir)) return Status::io(dir + " is not a directory");
  return Status::ok();
}

// Loads the node key, creating it (0600, never overwriting) when absent.
Result<keys::SecretKey> load_or_create_key(const std::string& path) {
  if (!io::exists(path)) {
    auto sk = keys::SecretKey::generate();
    CPC_RETURN_IF_ERROR(sk);
    auto record = keys::secret_key_record(*sk, nullptr);
    CPC_RETURN_IF_ERROR(record);
    io::OutputFile out;
    CPC_RETURN_IF_ERROR(out.open(path, 0600, false));
    CPC_RETURN_IF_ERROR(out.write(*record + "\n"));
    CPC_RETURN_IF_ERROR(out.commit());
  }
  auto sk = keyfile::load_secret(path, std::nullopt);
  if (!sk) return sk.status().with_context("node key " + path);
  return sk;
}

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Status write_file(const std::string& path, const std::string& text) {
  io::OutputFile out;
  CPC_RETURN_IF_ERROR(out.open(path, 0644, true));
  CPC_RETURN_IF_ERROR(out.write(text));
  return out.commit();
}

// The base URL of a --bootstrap value (without trailing slashes).
std::string base_url(std::string b) {
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

// The genesis of the network a bootstrap node runs (GET /v1/chain/genesis), for a node that
// joins without one of its own (docs/peer-auth.md §7).
Result<chain::Genesis> fetch_genesis(const std::string& bootstrap) {
  const std::string base = base_url(bootstrap);
  net::ClientOptions o;
  o.connect_timeout_ms = 2000;
  o.timeout_ms = 10000;
  o.max_response = 16 << 20;
  auto r = net::HttpClient(o).get(base + "/v1/chain/genesis");
  if (!r) return r.status().with_context("--bootstrap");
  if (r->status != 200) {
    return Status::io("--bootstrap " + base +
                      ": no genesis to adopt (GET /v1/chain/genesis: HTTP " +
                      std::to_string(r->status) + ")");
  }
  auto g = chain::parse_genesis(r->body);
  if (!g) return Status::io("--bootstrap " + base + ": bad genesis: " + g.status().message());
  return g;
}

// The chain's genesis: --genesis (checked), else DATA_DIR/genesis.json, else the genesis of
// the --bootstrap network (adopted), else a new single-validator genesis of the node key
// (docs/node-api.md §9) with a chain id of its own. --genesis-hash pins the result. *store
// is set when the genesis is to be written to DATA_DIR/genesis.json — once the chain store
// accepted it, so a refused --genesis does not replace the data directory's own.
Result<chain::Genesis> load_genesis(const NodeOptions& o, const keys::SecretKey& sk, bool* store) {
  const std::string path = o.data_dir + "/genesis.json";
  *store = true;
  std::string from;  // where it came from, for the messages
  Result<chain::Genesis> g = Status::io("no genesis");
  if (!o.genesis.empty()) {
    auto text = io::read_file(o.genesis, 16 << 20);
    if (!text) return text.status().with_context("--genesis");
    g = chain::parse_genesis(*text);
    if (!g) return Status::bad_input("--genesis " + o.genesis + ": " + g.status().message());
    from = "--genesis " + o.genesis;
  } else if (io::exists(path)) {
    *store = false;
    auto text = io::read_file(path, 16 << 20);
    CPC_RETURN_IF_ERROR(text);
    g = chain::parse_genesis(*text);
    if (!g) return Status::bad_input(path + ": " + g.status().message());
    from = path;
  } else if (!o.bootstrap.empty()) {
    g = fetch_genesis(o.bootstrap.front());
    CPC_RETURN_IF_ERROR(g);
    from = "the network at " + base_url(o.bootstrap.front());
    log::info("adopting genesis",
              {{"chain", g->chain},
               {"genesis", chain::to_hex(chain::genesis_hash(*g))},
               {"from", base_url(o.bootstrap.front())}},
              "joining chain " + g->chain + ", genesis " + chain::to_hex(chain::genesis_hash(*g)) +
                  ", from " + base_url(o.bootstrap.front()));
  } else {
    g = genesis::build({sk.public_key().sign}, {}, now_ms());
    CPC_RETURN_IF_ERROR(g);
    // A chain id of its own: two fresh networks never share one (docs/peer-auth.md §7).
    g->chain = "cpc-local-" + hex::encode(dht::node_id(sk.public_key().sign)).substr(0, 8);
    from = "a new genesis";
  }
  if (!o.genesis_hash.empty()) {
    const std::string have = chain::to_hex(chain::genesis_hash(*g));
    if (have != o.genesis_hash) {
      return Status::io("--genesis-hash " + o.genesis_hash + ": " + from + " has genesis " + have);
    }
  }
  return g;
}

// The URL others reach this node at: the listen address, 0.0.0.0 advertised as loopback.
std::string advertised_url(const std::string& listen, std::uint16_t port) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host == "0.0.0.0") host = "127.0.0.1";
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace

net::ServerOptions server_options(const NodeOptions& o) {
  net::ServerOptions s;
  s.max_body = o.max_body;  // default the largest block; records and RPCs are smaller
  s.max_connections = o.max_connections;
  s.max_connections_per_ip = o.max_connections_per_ip;
  s.connection_timeout_s = static_cast<unsigned>(o.connection_timeout.count());
  s.threads = o.server_threads;
  s.blocking_threads = o.blocking_threads;
  return s;
}

Result<std::unique_ptr<Node>> Node::start(const NodeOptions& options) {
  if (options.replication == 0) return Status::bad_input("--replication must be at least 1");
  if (options.max_body < 1024 || options.max_body > (64u << 20)) {
    return Status::bad_input("--max-body must be 1024 to 67108864 bytes");
  }
  if (options.max_connections == 0) return Status::bad_input("--max-connections must be >= 1");
  if (options.connection_timeout.count() < 1 || options.connection_timeout.count() > 86400) {
    return Status::bad_input("--connection-timeout must be 1s to 24h");
  }
  CPC_RETURN_IF_ERROR(net::load_http_client());  // node-to-node traffic needs it
  CPC_RETURN_IF_ERROR(make_dir(options.data_dir));
  auto lock_fd = lock_data_dir(options.data_dir, options.listen);
  CPC_RETURN_IF_ERROR(lock_fd);
  DataDirLock lock(*lock_fd);  // released on any failure below
  const std::string key_path =
      options.key_path.empty() ? options.data_dir + "/node.key" : options.key_path;
  auto sk = load_or_create_key(key_path);
  CPC_RETURN_IF_ERROR(sk);
  bool store_genesis = false;
  auto genesis = load_genesis(options, *sk, &store_genesis);
  CPC_RETURN_IF_ERROR(genesis);
  auto impl = std::make_unique<NodeImpl>(options);
  impl->data_dir_lock = std::move(lock);
  impl->id = dht::node_id(sk->public_key().sign);
  auto auth = PeerAuth::create(sk->ed25519_secret(), chain::genesis_hash(*genesis));
  CPC_RETURN_IF_ERROR(auth);
  impl->auth = std::make_unique<PeerAuth>(std::move(*auth));
  auto st = BlobStore::open(options.data_dir + "/store");
  CPC_RETURN_IF_ERROR(st);
  impl->store = std::move(*st);
  auto chain = ChainNode::open(*impl, options.data_dir + "/chain", *genesis, std::move(*sk),
                               options.empty_block_interval);
  CPC_RETURN_IF_ERROR(chain);
  impl->chain = std::move(*chain);
  if (store_genesis) {
    CPC_RETURN_IF_ERROR(
        write_file(options.data_dir + "/genesis.json", chain::genesis_record(*genesis) + "\n"));
  }
  impl->add_routes();
  CPC_RETURN_IF_ERROR(impl->server.start(options.listen));
  impl->url = advertised_url(options.listen, impl->server.port());
  CPC_RETURN_IF_ERROR(impl->start_network());
  CPC_RETURN_IF_ERROR(impl->chain->start());
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

Node::Node(std::unique_ptr<NodeImpl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  stop();
}

void Node::stop() {
  if (impl_) impl_->stop();
}

const std::string& Node::url() const {
  return impl_->url;
}

std::string Node::id_hex() const {
  return hex_id(impl_->id);
}

}  // namespace cpc::node
