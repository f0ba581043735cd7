// SPDX-License-Identifier: Apache-2.0
// Votes, commit certificates and evidence (vote.hpp, consensus.md §4.2, §6.2, §7).
#include "cpc/chain/vote.hpp"

#include "fields.hpp"

namespace cpc::chain {
namespace {

constexpr std::string_view kCommitTag = "cpc/chain/commit/v1";
constexpr std::string_view kEvidenceTag = "cpc/chain/evidence/v1";

std::string_view tag_of(VoteType t) {
  switch (t) {
    case VoteType::kProposal:
      return kProposalTag;
    case VoteType::kPrevote:
      return kPrevoteTag;
    case VoteType::kPrecommit:
      return kPrecommitTag;
  }
  return kPrevoteTag;
}

}  // namespace

std::string_view vote_type_name(VoteType t) {
  switch (t) {
    case VoteType::kProposal:
      return "proposal";
    case VoteType::kPrevote:
      return "prevote";
    case VoteType::kPrecommit:
      return "precommit";
  }
  return "?";
}

json::Value vote_to_json(const Vote& v, bool with_sig) {
  json::Value j = {{"type", std::string(vote_type_name(v.type))},
                   {"chain", v.chain},
                   {"height", v.height},
                   {"round", v.round},
                   {"validator", to_hex(v.validator)}};
  j["block"] = v.block ? json::Value(to_hex(*v.block)) : json::Value(nullptr);
  if (v.type == VoteType::kProposal) j["valid_round"] = v.valid_round;
  if (with_sig) j["sig"] = detail::hex_sig(v.sig);
  return j;
}

Result<Vote> vote_from_json(const json::Value& j) {
  detail::Fields f(j, "vote");
  Vote v;
  std::string type = f.str("type", 16);
  if (type == "proposal") {
    v.type = VoteType::kProposal;
  } else if (type == "prevote") {
    v.type = VoteType::kPrevote;
  } else if (type == "precommit") {
    v.type = VoteType::kPrecommit;
  } else if (f.ok()) {
    return Status::bad_input("vote: unknown type \"" + type + "\"");
  }
  v.chain = f.str("chain", 64);
  v.height = f.u64("height", 1);
  v.round = f.u64("round", 0, 1u << 30);
  v.validator = f.hash("validator");
  Hash h{};
  if (f.hash_or_null("block", h)) v.block = h;
  if (v.type == VoteType::kProposal) {
    v.valid_round = f.i64("valid_round", -1, static_cast<std::int64_t>(v.round) - 1);
    if (!v.block && f.ok()) return Status::bad_input("vote: a proposal cannot be for nil");
  }
  v.sig = f.sig("sig");
  CPC_RETURN_IF_ERROR(f.finish());
  return v;
}

std::string vote_record(const Vote& v) {
  return json::canonicalize(vote_to_json(v));
}

Result<Vote> parse_vote(std::string_view record) {
  auto j = json::parse(record);
  CPC_RETURN_IF_ERROR(j);
  return vote_from_json(*j);
}

void sign_vote(Vote& v, const keys::SecretKey& sk) {
  v.validator = sk.public_key().sign;
  v.sig = sign_tagged(tag_of(v.type), json::canonicalize(vote_to_json(v, false)), sk);
}

Status verify_vote_signature(const Vote& v) {
  if (!verify_tagged(tag_of(v.type), json::canonicalize(vote_to_json(v, false)), v.validator,
                     v.sig)) {
    return Status::refused(std::string(vote_type_name(v.type)) +
                           " signature does not verify (validator " + short_hex(v.validator) + ")");
  }
  return Status::ok();
}

json::Value commit_to_json(const CommitCertificate& c) {
  json::Value ps = json::Value::array();
  for (const auto& p : c.precommits) {
    ps.push_back({{"validator", to_hex(p.validator)}, {"sig", detail::hex_sig(p.sig)}});
  }
  return {{"type", "cpc/commit"},
          {"height", c.height},
          {"round", c.round},
          {"block", to_hex(c.block)},
          {"precommits", ps}};
}

Result<CommitCertificate> commit_from_json(const json::Value& j) {
  detail::Fields f(j, "commit");
  CommitCertificate c;
  if (f.str("type", 16) != "cpc/commit" && f.ok()) return Status::bad_input("commit: wrong type");
  c.height = f.u64("height", 1);
  c.round = f.u64("round", 0, 1u << 30);
  c.block = f.hash("block");
  const json::Value* ps = f.value("precommits");
  CPC_RETURN_IF_ERROR(f.finish());
  if (!ps->is_array() || ps->size() > kMaxValidators) {
    return Status::bad_input("commit: precommits must be an array of at most 128");
  }
  for (const auto& p : *ps) {
    detail::Fields pf(p, "precommit");
    Precommit pc{pf.hash("validator"), pf.sig("sig")};
    CPC_RETURN_IF_ERROR(pf.finish());
    c.precommits.push_back(pc);
  }
  return c;
}

Hash commit_hash(const CommitCertificate& c) {
  std::string canon = json::canonicalize(commit_to_json(c));
  return h32(kCommitTag, {as_bytes(canon)});
}

Status verify_certificate(const CommitCertificate& c, const ValidatorSet& vs,
                          std::string_view chain, std::uint64_t height, const Hash& block) {
  if (c.height != height) return Status::refused("certificate is for another height");
  if (c.block != block) return Status::refused("certificate is for another block");
  std::uint64_t power = 0;
  for (std::size_t i = 0; i < c.precommits.size(); ++i) {
    const auto& p = c.precommits[i];
    if (i > 0 && !(c.precommits[i - 1].validator < p.validator)) {
      return Status::refused("certificate precommits not sorted and distinct");
    }
    std::uint64_t w = vs.power_of(p.validator);
    if (w == 0)
      return Status::refused("certificate signer " + short_hex(p.validator) +
                             " is not a validator");
    power += w;
  }
  if (power < vs.quorum()) {
    return Status::refused("certificate has power " + std::to_string(power) + " < quorum " +
                           std::to_string(vs.quorum()));
  }
  Vote v;
  v.type = VoteType::kPrecommit;
  v.chain = std::string(chain);
  v.height = c.height;
  v.round = c.round;
  v.block = c.block;
  for (const auto& p : c.precommits) {
    v.validator = p.validator;
    v.sig = p.sig;
    CPC_RETURN_IF_ERROR(verify_vote_signature(v).with_context("certificate"));
  }
  return Status::ok();
}

Result<Evidence> make_evidence(const Vote& x, const Vote& y) {
  if (!x.same_slot(y) || x.same_value(y) || x.chain != y.chain) {
    return Status::refused("votes do not conflict");
  }
  if (vote_record(x) < vote_record(y)) return Evidence{x, y};
  return Evidence{y, x};
}

json::Value evidence_to_json(const Evidence& e) {
  return {{"type", "cpc/evidence"}, {"a", vote_to_json(e.a)}, {"b", vote_to_json(e.b)}};
}

Result<Evidence> evidence_from_json(const json::Value& j) {
  detail::Fields f(j, "evidence");
  if (f.str("type", 16) != "cpc/evidence" && f.ok())
    return Status::bad_input("evidence: wrong type");
  const json::Value* a = f.value("a");
  const json::Value* b = f.value("b");
  CPC_RETURN_IF_ERROR(f.finish());
  auto va = vote_from_json(*a);
  CPC_RETURN_IF_ERROR(va);
  auto vb = vote_from_json(*b);
  CPC_RETURN_IF_ERROR(vb);
  return Evidence{*va, *vb};
}

Hash evidence_id(const Evidence& e) {
  std::string canon = json::canonicalize(evidence_to_json(e));
  return h32(kEvidenceTag, {as_bytes(canon)});
}

Status verify_evidence(const Evidence& e, const ValidatorSet& vs, std::string_view chain) {
  if (!e.a.same_slot(e.b) || e.a.same_value(e.b))
    return Status::refused("evidence: votes do not conflict");
  if (!(vote_record(e.a) < vote_record(e.b)))
    return Status::refused("evidence: votes not in canonical order");
  if (e.a.chain != chain || e.b.chain != chain) return Status::refused("evidence: wrong chain id");
  if (!vs.index_of(e.a.validator)) return Status::refused("evidence: not a validator");
  CPC_RETURN_IF_ERROR(verify_vote_signature(e.a).with_context("evidence"));
  CPC_RETURN_IF_ERROR(verify_vote_signature(e.b).with_context("evidence"));
  return Status::ok();
}

}  // namespace cpc::chain
