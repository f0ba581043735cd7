// SPDX-License-Identifier: Apache-2.0
// Block, committed-block and proposal records (block.hpp, consensus.md §4, §6.2).
#include "cpc/chain/block.hpp"

#include "cpc/chain/merkle.hpp"
#include "fields.hpp"

namespace cpc::chain {
namespace {

constexpr std::string_view kBlockTag = "cpc/chain/block/v1";
const json::ParseLimits kBlockLimits{64, std::size_t{64} << 20};

template <typename T, typename F>
Result<T> parse_with(std::string_view record, F from_json) {
  auto v = json::parse(record, kBlockLimits);
  CPC_RETURN_IF_ERROR(v);
  return from_json(*v);
}

}  // namespace

Hash block_hash(const BlockHeader& h) {
  std::string canon = json::canonicalize(header_to_json(h));
  return h32(kBlockTag, {as_bytes(canon)});
}

Hash tx_root(const std::vector<Tx>& txs) {
  std::vector<Hash> ids;
  ids.reserve(txs.size());
  for (const auto& t : txs) ids.push_back(tx_id(t));
  return merkle_root(ids);
}

Hash evidence_root(const std::vector<Evidence>& ev) {
  std::vector<Hash> ids;
  for (const auto& e : ev) ids.push_back(evidence_id(e));
  return merkle_root(ids);
}

void seal_body_roots(Block& b) {
  b.header.tx_root = tx_root(b.txs);
  b.header.evidence_root = evidence_root(b.evidence);
  b.header.last_commit = b.last_commit ? commit_hash(*b.last_commit) : Hash{};
}

json::Value header_to_json(const BlockHeader& h) {
  return {{"chain", h.chain},
          {"height", h.height},
          {"round", h.round},
          {"prev", to_hex(h.prev)},
          {"time", h.time_ms},
          {"proposer", to_hex(h.proposer)},
          {"tx_root", to_hex(h.tx_root)},
          {"evidence_root", to_hex(h.evidence_root)},
          {"last_commit", to_hex(h.last_commit)},
          {"state_root", to_hex(h.state_root)}};
}

Result<BlockHeader> header_from_json(const json::Value& v) {
  detail::Fields f(v, "block header");
  BlockHeader h;
  h.chain = f.str("chain", 64);
  h.height = f.u64("height", 1);
  h.round = f.u64("round", 0, 1u << 30);
  h.prev = f.hash("prev");
  h.time_ms = f.u64("time");
  h.proposer = f.hash("proposer");
  h.tx_root = f.hash("tx_root");
  h.evidence_root = f.hash("evidence_root");
  h.last_commit = f.hash("last_commit");
  h.state_root = f.hash("state_root");
  CPC_RETURN_IF_ERROR(f.finish());
  return h;
}

json::Value block_to_json(const Block& b) {
  json::Value txs = json::Value::array();
  for (const auto& t : b.txs) txs.push_back(tx_to_json(t));
  json::Value ev = json::Value::array();
  for (const auto& e : b.evidence) ev.push_back(evidence_to_json(e));
  return {{"type", "cpc/block"},
          {"header", header_to_json(b.header)},
          {"txs", std::move(txs)},
          {"evidence", std::move(ev)},
          {"last_commit", b.last_commit ? commit_to_json(*b.last_commit) : json::Value(nullptr)}};
}

Result<Block> block_from_json(const json::Value& v) {
  detail::Fields f(v, "block");
  if (f.str("type", 16) != "cpc/block" && f.ok()) return Status::bad_input("block: wrong type");
  const json::Value* hv = f.value("header");
  const json::Value* txs = f.value("txs");
  const json::Value* ev = f.value("evidence");
  const json::Value* lc = f.value("last_commit");
  CPC_RETURN_IF_ERROR(f.finish());
  Block b;
  auto h = header_from_json(*hv);
  CPC_RETURN_IF_ERROR(h);
  b.header = *h;
  if (!txs->is_array() || !ev->is_array())
    return Status::bad_input("block: txs and evidence must be arrays");
  b.txs.reserve(txs->size());
  for (const auto& t : *txs) {
    auto tx = tx_from_json(t);
    CPC_RETURN_IF_ERROR(tx);
    b.txs.push_back(std::move(*tx));
  }
  for (const auto& e : *ev) {
    auto x = evidence_from_json(e);
    CPC_RETURN_IF_ERROR(x);
    b.evidence.push_back(std::move(*x));
  }
  if (!lc->is_null()) {
    auto c = commit_from_json(*lc);
    CPC_RETURN_IF_ERROR(c);
    b.last_commit = std::move(*c);
  }
  return b;
}

std::string block_record(const Block& b) {
  return json::canonicalize(block_to_json(b));
}
Result<Block> parse_block(std::string_view record) {
  return parse_with<Block>(record, block_from_json);
}

std::string committed_block_record(const CommittedBlock& cb) {
  json::Value v = {{"type", "cpc/committed-block"},
                   {"block", block_to_json(cb.block)},
                   {"commit", commit_to_json(cb.commit)}};
  return json::canonicalize(v);
}

Result<CommittedBlock> parse_committed_block(std::string_view record) {
  return parse_with<CommittedBlock>(record, [](const json::Value& v) -> Result<CommittedBlock> {
    detail::Fields f(v, "committed block");
    if (f.str("type", 32) != "cpc/committed-block" && f.ok()) {
      return Status::bad_input("committed block: wrong type");
    }
    const json::Value* b = f.value("block");
    const json::Value* c = f.value("commit");
    CPC_RETURN_IF_ERROR(f.finish());
    auto block = block_from_json(*b);
    CPC_RETURN_IF_ERROR(block);
    auto commit = commit_from_json(*c);
    CPC_RETURN_IF_ERROR(commit);
    return CommittedBlock{std::move(*block), std::move(*commit)};
  });
}

std::string proposal_record(const Proposal& p) {
  json::Value v = {
      {"type", "cpc/proposal"}, {"vote", vote_to_json(p.vote)}, {"block", block_to_json(p.block)}};
  return json::canonicalize(v);
}

Result<Proposal> parse_proposal(std::string_view record) {
  return parse_with<Proposal>(record, [](const json::Value& v) -> Result<Proposal> {
    detail::Fields f(v, "proposal");
    if (f.str("type", 32) != "cpc/proposal" && f.ok())
      return Status::bad_input("proposal: wrong type");
    const json::Value* vo = f.value("vote");
    const json::Value* b = f.value("block");
    CPC_RETURN_IF_ERROR(f.finish());
    auto vote = vote_from_json(*vo);
    CPC_RETURN_IF_ERROR(vote);
    if (vote->type != VoteType::kProposal)
      return Status::bad_input("proposal: vote is not a proposal");
    auto block = block_from_json(*b);
    CPC_RETURN_IF_ERROR(block);
    return Proposal{std::move(*vote), std::move(*block)};
  });
}

std::string evidence_record(const Evidence& e) {
  return json::canonicalize(evidence_to_json(e));
}
Result<Evidence> parse_evidence(std::string_view record) {
  return parse_with<Evidence>(record, evidence_from_json);
}
std::string commit_record(const CommitCertificate& c) {
  return json::canonicalize(commit_to_json(c));
}
Result<CommitCertificate> parse_commit(std::string_view record) {
  return parse_with<CommitCertificate>(record, commit_from_json);
}

}  // namespace cpc::chain
