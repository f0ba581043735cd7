// SPDX-License-Identifier: Apache-2.0
// Fuzz target: every chain record decoder — transactions, blocks, committed blocks,
// proposals, votes, commit certificates, evidence, inclusion proofs, genesis files. The first
// byte picks the decoder. Invariant: no crash, no sanitizer report.
#include <sodium.h>

#include "cpc/chain/block.hpp"
#include "cpc/chain/genesis.hpp"
#include "cpc/chain/tx.hpp"
#include "cpc/chain/verify.hpp"
#include "cpc/chain/vote.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return sodium_init() < 0 ? 1 : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rec(reinterpret_cast<const char*>(data + 1), size - 1);
  using namespace cpc::chain;
  switch (data[0] % 9) {
    case 0:
      (void)parse_tx(rec);
      break;
    case 1:
      (void)parse_block(rec);
      break;
    case 2:
      (void)parse_committed_block(rec);
      break;
    case 3:
      (void)parse_proposal(rec);
      break;
    case 4:
      (void)parse_vote(rec);
      break;
    case 5:
      (void)parse_commit(rec);
      break;
    case 6:
      (void)parse_evidence(rec);
      break;
    case 7:
      (void)parse_proof(rec);
      break;
    case 8:
      (void)parse_genesis(rec);
      break;
  }
  return 0;
}
