// SPDX-License-Identifier: Apache-2.0
// The grantee's side of re-encryption over sealed inputs (reencrypt.hpp, crypto.md §5.3):
// cfrag files read in lockstep, one per proxy, and the seal::KeySource that combines the
// cfrags of the capsule at hand.
#include "cpc/crypto/reencrypt.hpp"
#include "cpc/io/file.hpp"

namespace cpc::reencrypt {

struct CfragFiles::File {
  std::string name;
  io::InputFile in;
  std::unique_ptr<ndjson::LineReader> lines;
};

CfragFiles::CfragFiles() = default;
CfragFiles::~CfragFiles() = default;

Status CfragFiles::open(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    auto f = std::make_unique<File>();
    f->name = path;
    CPC_RETURN_IF_ERROR(f->in.open(path));
    f->lines = std::make_unique<ndjson::LineReader>(f->in.fd(), 1 << 16);
    files_.push_back(std::move(f));
  }
  return Status::ok();
}

Result<std::vector<pre::CapsuleFragment>> CfragFiles::next() {
  ++taken_;
  std::vector<pre::CapsuleFragment> out;
  out.reserve(files_.size());
  std::string_view line;
  for (auto& f : files_) {
    auto more = f->lines->next(line);
    if (!more) return more.status().with_context(f->name);
    if (!*more) {
      return Status::bad_input(f->name + ": no cfrag for capsule " + std::to_string(taken_));
    }
    auto cfrag = pre::parse_cfrag_record(line);
    if (!cfrag) {
      return cfrag.status().with_context(f->name + " line " +
                                         std::to_string(f->lines->line_number()));
    }
    out.push_back(std::move(*cfrag));
  }
  return out;
}

Status CfragFiles::finish() {
  std::string_view line;
  for (auto& f : files_) {
    auto more = f->lines->next(line);
    if (!more) return more.status().with_context(f->name);
    if (*more) {
      return Status::bad_input(f->name + ": more cfrags than the " + std::to_string(taken_) +
                               " capsule(s) of the sealed input");
    }
  }
  return Status::ok();
}

seal::KeySource grantee_key_source(const keys::SecretKey& grantee, const keys::PublicKey& owner,
                                   CfragFiles& cfrags) {
  return [&grantee, &owner, &cfrags](const seal::Header& h) -> Result<capsule::Key> {
    if (!(h.to == owner.encrypt)) {
      return Status::refused("sealed to another key (recipient " + h.recipient +
                             ", not the owner " + owner.id() + ")");
    }
    auto frags = cfrags.next();
    CPC_RETURN_IF_ERROR(frags);
    return pre::decapsulate_valid_frags(grantee, owner, h.capsule, *frags);
  };
}

}  // namespace cpc::reencrypt
