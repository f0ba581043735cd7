// SPDX-License-Identifier: Apache-2.0
// Test peers for node-to-node authentication (docs/peer-auth.md): a PeerAuth with a fresh
// key, a client request turned into what a server's handler sees, and a fake peer's signed
// answer.
#pragma once

#include <sodium.h>

#include <array>
#include <cctype>
#include <string>

#include "cpc/codec/hex.hpp"
#include "cpc/net/http.hpp"
#include "cpc/net/http_client.hpp"
#include "peer_auth.hpp"

namespace cpc::test {

// The genesis hash every test peer shares unless a test says otherwise.
inline node::PeerKey test_genesis(std::uint8_t b = 7) {
  node::PeerKey g{};
  g.fill(b);
  return g;
}

// A node identity with a fresh Ed25519 key.
inline node::PeerAuth make_peer(const node::PeerKey& genesis = test_genesis()) {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  auto a = node::PeerAuth::create(sk.data(), genesis);
  sodium_memzero(sk.data(), sk.size());
  return std::move(*a);
}

// What the receiving handler sees of `q` (header names lowercased, path without the host).
inline net::Request as_received(const net::ClientRequest& q) {
  net::Request r;
  r.method = q.method;
  const std::size_t slash = q.url.find('/', q.url.find("://") + 3);
  r.path = slash == std::string::npos ? "/" : q.url.substr(slash);
  for (const auto& [name, value] : q.headers) {
    std::string n = name;
    for (auto& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[n] = value;
  }
  r.body = q.body;
  r.remote_ip = "127.0.0.1";
  return r;
}

// A fake peer's answer to a signed request, signed by `me` over the request's nonce.
inline net::Response signed_answer(const node::PeerAuth& me, const net::Request& r,
                                   net::Response resp) {
  node::Nonce nonce{};
  if (auto it = r.headers.find("x-cpc-nonce"); it != r.headers.end()) {
    (void)hex::decode_into(it->second, nonce);
  }
  me.sign_response(resp, nonce);
  return resp;
}

}  // namespace cpc::test
