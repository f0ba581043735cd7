// SPDX-License-Identifier: Apache-2.0
// Test helper (not installed): prints one signed chain transaction record for the cluster
// tests, which need transfers and deliberately bad transactions that no cpc-* tool makes.
//   chain_tx_tool KEYFILE CHAIN NONCE transfer TO_HEX AMOUNT [--bad-sig]
//   chain_tx_tool KEYFILE CHAIN NONCE register CID SIZE [--bad-sig]
//   chain_tx_tool KEYFILE CHAIN NONCE grant CID GRANTEE_HEX EXPIRES [--bad-sig]
//     (threshold 1, one proxy: the grantee's key as its node id, a zero kfrag hash)
//   chain_tx_tool KEYFILE CHAIN NONCE revoke GRANT_HEX [--bad-sig]
// With --id (after the operands) it prints the transaction's id instead of its record
// (signing is deterministic, so the same arguments name the same transaction).
#include <sodium.h>

#include <cstdio>
#include <string>

#include "cpc/chain/tx.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/crypto/keyfile.hpp"

int main(int argc, char** argv) {
  if (sodium_init() < 0 || argc < 6) {
    std::fprintf(stderr,
                 "usage: chain_tx_tool KEY CHAIN NONCE (transfer TO AMOUNT | register CID SIZE | "
                 "grant CID GRANTEE EXPIRES | revoke GRANT) [--bad-sig] [--id]\n");
    return 2;
  }
  auto sk = cpc::keyfile::load_secret(argv[1], std::nullopt);
  if (!sk) {
    std::fprintf(stderr, "%s\n", sk.status().message().c_str());
    return 1;
  }
  cpc::chain::Tx tx;
  tx.chain = argv[2];
  tx.nonce = std::stoull(argv[3]);
  const std::string op = argv[4];
  const int operands = op == "revoke" ? 1 : op == "grant" ? 3 : 2;
  if (argc < 5 + operands) return 2;
  if (op == "transfer") {
    tx.op = cpc::chain::Op::kTransfer;
    if (!cpc::hex::decode_into(argv[5], tx.to)) return 2;
    tx.amount = std::stoull(argv[6]);
  } else if (op == "register") {
    tx.op = cpc::chain::Op::kDataRegister;
    tx.cid = argv[5];
    tx.size = std::stoull(argv[6]);
  } else if (op == "grant") {
    tx.op = cpc::chain::Op::kAccessGrant;
    tx.cid = argv[5];
    if (!cpc::hex::decode_into(argv[6], tx.grantee)) return 2;
    tx.threshold = 1;
    cpc::chain::GrantProxy proxy;
    proxy.node = tx.grantee;
    proxy.kfrag = std::string(64, '0');
    tx.proxies.push_back(proxy);
    tx.expires = std::stoull(argv[7]);
  } else if (op == "revoke") {
    tx.op = cpc::chain::Op::kAccessRevoke;
    if (!cpc::hex::decode_into(argv[5], tx.grant)) return 2;
  } else {
    return 2;
  }
  cpc::chain::sign_tx(tx, *sk);
  bool print_id = false;
  for (int i = 5 + operands; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--bad-sig") tx.sig[0] ^= 1;
    if (flag == "--id") print_id = true;
  }
  if (print_id) {
    std::printf("%s\n", cpc::chain::to_hex(cpc::chain::tx_id(tx)).c_str());
  } else {
    std::printf("%s\n", cpc::chain::tx_record(tx).c_str());
  }
  return 0;
}
