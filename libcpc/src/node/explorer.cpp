// SPDX-License-Identifier: Apache-2.0
// GET / and its files: the node explorer (docs/node-api.md §11), a static page built into
// the binary (explorer_assets.hpp) that reads the node's own JSON API. Every file is served
// with a Content-Security-Policy that allows this origin only: no inline script or style,
// no other host, no framing.
#include <chrono>
#include <string>

#include "explorer_assets.hpp"
#include "node_impl.hpp"

namespace cpc::node {

namespace {

// The policy of every explorer file: this origin only.
constexpr const char* kExplorerCsp =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

void NodeImpl::add_explorer_routes() {
  for (const explorer::Asset& a : explorer::assets()) {
    std::string body(reinterpret_cast<const char*>(a.data), a.size);
    std::string type = a.content_type;
    server.route_exact(
        "GET", a.path, [this, body = std::move(body), type = std::move(type)](const net::Request&) {
          const auto began = std::chrono::steady_clock::now();
          net::Response r{200,
                          type,
                          body,
                          {{"Content-Security-Policy", kExplorerCsp},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Referrer-Policy", "no-referrer"},
                           {"Cache-Control", "no-cache"}}};
          metrics.count(
              "explorer", 200,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
          return r;
        });
  }
}

}  // namespace cpc::node
