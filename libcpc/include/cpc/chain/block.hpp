// SPDX-License-Identifier: Apache-2.0
// Blocks (consensus.md §4): the header that is hashed and signed over, the body
// (transactions, evidence, the certificate of the previous block), committed blocks
// (block + its own certificate, as stored and served) and proposal messages.
//
// Parsing checks shape only; whether a block is valid on top of a chain is
// ChainState::execute's job (state.hpp).
//
// Thread safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chain/tx.hpp"
#include "cpc/chain/vote.hpp"

namespace cpc::chain {

struct BlockHeader {
  std::string chain;
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  Hash prev{};
  std::uint64_t time_ms = 0;
  PubKey proposer{};
  Hash tx_root{};
  Hash evidence_root{};
  Hash last_commit{};  // commit_hash of the body's last_commit; zero for block 1
  Hash state_root{};   // after applying this block (consensus.md §5.4)
};

struct Block {
  BlockHeader header;
  std::vector<Tx> txs;
  std::vector<Evidence> evidence;
  std::optional<CommitCertificate> last_commit;  // for block height-1; none for block 1
};

// A block with its own certificate: what is stored, served and verified on catch-up.
struct CommittedBlock {
  Block block;
  CommitCertificate commit;
};

// The proposal message: the proposer's signed proposal vote and the block it names.
struct Proposal {
  Vote vote;  // type kProposal, vote.block == block_hash(block.header)
  Block block;
};

// H32("cpc/chain/block/v1"; JCS(header)).
Hash block_hash(const BlockHeader& h);
// The roots a header must carry for this body.
Hash tx_root(const std::vector<Tx>& txs);
Hash evidence_root(const std::vector<Evidence>& ev);
// Fills header.tx_root, evidence_root and last_commit from the body.
void seal_body_roots(Block& b);

json::Value header_to_json(const BlockHeader& h);
Result<BlockHeader> header_from_json(const json::Value& v);
json::Value block_to_json(const Block& b);
Result<Block> block_from_json(const json::Value& v);

// Canonical one-line records and their parsers (limits: 64 MiB of JSON).
std::string block_record(const Block& b);
Result<Block> parse_block(std::string_view record);
std::string committed_block_record(const CommittedBlock& cb);
Result<CommittedBlock> parse_committed_block(std::string_view record);
std::string proposal_record(const Proposal& p);
Result<Proposal> parse_proposal(std::string_view record);
std::string evidence_record(const Evidence& e);
Result<Evidence> parse_evidence(std::string_view record);
std::string commit_record(const CommitCertificate& c);
Result<CommitCertificate> parse_commit(std::string_view record);

}  // namespace cpc::chain
