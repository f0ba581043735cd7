// SPDX-License-Identifier: Apache-2.0
// Whole-chain verification over HTTP and proof-record checks (cpc/client/chain_remote.hpp).
#include "cpc/client/chain_remote.hpp"

#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/net/http_get.hpp"

namespace cpc::chain {

namespace {

Result<std::string> fetch(const std::string& url) {
  net::GetOptions o;
  o.max_body = 80u << 20;
  auto r = net::http_get(url, o);
  CPC_RETURN_IF_ERROR(r);
  if (r->status != 200) {
    return Status::io("GET " + url + ": HTTP " + std::to_string(r->status) + " " +
                      r->body.substr(0, 200));
  }
  return std::move(r->body);
}

Status same_genesis(const Genesis& got, const std::optional<Genesis>& trusted,
                    const std::string& where) {
  if (trusted && genesis_hash(got) != genesis_hash(*trusted)) {
    return Status::refused(where + " is of genesis " + short_hex(genesis_hash(got)) +
                           ", not the trusted " + short_hex(genesis_hash(*trusted)));
  }
  return Status::ok();
}

}  // namespace

Result<ChainCheck> verify_remote_chain(const std::string& node_url,
                                       const std::optional<Genesis>& trusted) {
  std::string node = node_url;
  while (!node.empty() && node.back() == '/') node.pop_back();
  auto gtext = fetch(node + "/v1/chain/genesis");
  CPC_RETURN_IF_ERROR(gtext);
  auto g = parse_genesis(*gtext);
  if (!g) return g.status().with_context("the node's genesis");
  CPC_RETURN_IF_ERROR(same_genesis(*g, trusted, "the node"));
  auto status = fetch(node + "/v1/chain/status");
  CPC_RETURN_IF_ERROR(status);
  auto sj = json::parse(*status);
  if (!sj || !sj->is_object() || !(*sj)["height"].is_number_integer()) {
    return Status::io(node + "/v1/chain/status: bad reply");
  }
  const auto height = (*sj)["height"].get<std::uint64_t>();
  auto v = ChainVerifier::create(*g);
  CPC_RETURN_IF_ERROR(v);
  ChainCheck out;
  out.genesis = genesis_hash(*g);
  out.head = out.genesis;
  for (std::uint64_t h = 1; h <= height; ++h) {
    auto text = fetch(node + "/v1/chain/blocks/" + std::to_string(h));
    CPC_RETURN_IF_ERROR(text);
    auto cb = parse_committed_block(*text);
    if (!cb) return cb.status().with_context("block " + std::to_string(h));
    if (cb->block.header.height != h) {
      return Status::refused("block " + std::to_string(h) + ": the node served height " +
                             std::to_string(cb->block.header.height));
    }
    CPC_RETURN_IF_ERROR((*v)->add(*cb).with_context("block " + std::to_string(h)));
    out.height = h;
    out.head = block_hash(cb->block.header);
  }
  return out;
}

Result<ProofCheck> verify_proof_file(std::string_view record,
                                     const std::optional<Genesis>& trusted) {
  auto j = json::parse(record);
  if (!j) return j.status().with_context("proof record");
  if (!j->is_object() || !(*j)["type"].is_string()) {
    return Status::bad_input("not a cpc/tx-proof or cpc/data-proof record");
  }
  const std::string type = (*j)["type"].get<std::string>();
  std::string proof_text;
  std::optional<Genesis> genesis = trusted;
  std::string cid;
  if (type == "cpc/data-proof") {
    if (!(*j)["proof"].is_object() || !(*j)["cid"].is_string()) {
      return Status::bad_input("cpc/data-proof without proof or cid");
    }
    proof_text = (*j)["proof"].dump();
    cid = (*j)["cid"].get<std::string>();
    if ((*j)["genesis"].is_object()) {
      auto g = parse_genesis((*j)["genesis"].dump());
      if (!g) return g.status().with_context("the record's genesis");
      CPC_RETURN_IF_ERROR(same_genesis(*g, trusted, "the record"));
      genesis = std::move(*g);
    }
  } else if (type == "cpc/tx-proof") {
    proof_text = std::string(record);
  } else {
    return Status::bad_input("not a cpc/tx-proof or cpc/data-proof record: " + type);
  }
  if (!genesis) return Status::bad_input("no genesis: give --genesis FILE");
  auto p = parse_proof(proof_text);
  CPC_RETURN_IF_ERROR(p);
  CPC_RETURN_IF_ERROR(verify_proof(*p, *genesis));
  if (!cid.empty()) {
    if (p->tx.op != Op::kDataRegister || p->tx.cid != cid) {
      return Status::refused("the proof's transaction does not register " + cid);
    }
    // The record's summary must say what the proven transaction says.
    const auto& owner = (*j)["owner"];
    const auto& size = (*j)["size"];
    if (!owner.is_string() || owner.get<std::string>() != hex::encode(p->tx.from) ||
        !size.is_number_integer() || size.get<std::uint64_t>() != p->tx.size) {
      return Status::refused("the record's owner or size differs from its transaction");
    }
  }
  ProofCheck out;
  out.tx = tx_id(p->tx);
  out.height = p->header.height;
  out.genesis = genesis_hash(*genesis);
  return out;
}

}  // namespace cpc::chain
