// SPDX-License-Identifier: Apache-2.0
// The capsules of a sealed input, the proxy's pass over them and the check of a proxy's
// cfrags against them (reencrypt.hpp, docs/cli.md "Re-encryption", formats-pre.md §4).
#include "cpc/crypto/reencrypt.hpp"

#include <future>
#include <system_error>
#include <thread>

#include "cpc/io/file.hpp"
#include "pre_internal.hpp"

namespace cpc::reencrypt {

namespace {

constexpr std::size_t kBatch = 64;

std::string num(std::size_t n) {
  return std::to_string(n);
}

}  // namespace

Result<bool> CapsuleReader::next(seal::Header& header) {
  std::string_view line;
  for (;;) {
    auto more = lines_.next(line);
    CPC_RETURN_IF_ERROR(more);
    if (!*more) return false;
    if (kind_ == Kind::kStream) continue;  // chunk records: the capsule is all a proxy needs
    if (kind_ == Kind::kUnknown) {
      kind_ = seal::is_sealed_record(line) ? Kind::kRecords : Kind::kStream;
    }
    auto parsed =
        kind_ == Kind::kRecords ? seal::parse_record_header(line) : seal::parse_header(line);
    if (!parsed) return parsed.status().with_context("line " + num(lines_.line_number()));
    header = std::move(*parsed);
    line_ = lines_.line_number();
    ++count_;
    return true;
  }
}

Result<pre::KeyFragment> read_kfrag_file(const std::string& path) {
  auto text = io::read_file(path, 1 << 16);
  CPC_RETURN_IF_ERROR(text);
  std::string_view rest = *text, record;
  int records = 0;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    record = line;
    ++records;
  }
  if (records != 1) {
    return Status::bad_input(path + ": want exactly one cpc/kfrag record, found " + num(records));
  }
  if (record.back() == '\r') record.remove_suffix(1);
  auto kfrag = pre::parse_kfrag_record(record);
  if (!kfrag) return kfrag.status().with_context(path);
  return kfrag;
}

Status reencrypt(CapsuleReader& capsules, const pre::KeyFragment& kfrag,
                 const std::function<Status(std::string_view)>& out) {
  // An empty batch checks the kfrag (once per process) before any input is read.
  CPC_RETURN_IF_ERROR(pre::reencapsulate(std::span<const capsule::Capsule>{}, kfrag));
  std::vector<capsule::Capsule> batch;
  batch.reserve(kBatch);
  // With a second core, a batch is re-encrypted in two halves, the second on a helper
  // thread; the cfrags are written in the capsules' order all the same.
  const bool two_threads = std::thread::hardware_concurrency() >= 2;
  auto flush = [&]() -> Status {
    // Every capsule of a CapsuleReader came through Capsule::decode, which checked it.
    const std::span<const capsule::Capsule> all(batch);
    std::size_t half = two_threads ? all.size() / 2 : 0;
    std::future<Result<std::vector<pre::CapsuleFragment>>> second;
    if (half > 0) {
      try {
        second = std::async(std::launch::async, [&] {
          return pre::internal::reencapsulate_verified(all.subspan(half), kfrag);
        });
      } catch (const std::system_error&) {
        half = 0;  // no thread to be had: all of the batch on this one
      }
    }
    auto cfrags = pre::internal::reencapsulate_verified(half > 0 ? all.first(half) : all, kfrag);
    if (half > 0) {
      auto rest = second.get();
      CPC_RETURN_IF_ERROR(cfrags);
      CPC_RETURN_IF_ERROR(rest);
      for (auto& f : *rest) cfrags->push_back(std::move(f));
    }
    CPC_RETURN_IF_ERROR(cfrags);
    for (const auto& f : *cfrags) CPC_RETURN_IF_ERROR(out(pre::cfrag_record(f)));
    batch.clear();
    return Status::ok();
  };
  seal::Header h;
  for (;;) {
    auto more = capsules.next(h);
    CPC_RETURN_IF_ERROR(more);
    if (!*more) break;
    if (!(h.to == kfrag.owner.encrypt)) {
      return Status::refused("line " + num(capsules.line_number()) +
                             ": sealed to another key (recipient " + h.recipient +
                             "), not to the kfrag's owner " + kfrag.owner.id());
    }
    batch.push_back(h.capsule);
    if (batch.size() == kBatch) CPC_RETURN_IF_ERROR(flush());
  }
  if (capsules.count() == 0) return Status::bad_input("empty input: no sealed data");
  return batch.empty() ? Status::ok() : flush();
}

Status verify_cfrags(ndjson::LineReader& cfrags, CapsuleReader& capsules,
                     const keys::PublicKey& owner, const group::Point& grantee) {
  std::size_t n = 0;
  seal::Header h;
  std::string_view line;
  for (;;) {
    auto more = cfrags.next(line);
    CPC_RETURN_IF_ERROR(more);
    if (!*more) break;
    ++n;
    auto f = pre::parse_cfrag_record(line);
    if (!f)
      return f.status().with_context("cfrag " + num(n) + " (line " + num(cfrags.line_number()) +
                                     ")");
    auto capsule = capsules.next(h);
    CPC_RETURN_IF_ERROR(capsule);
    if (!*capsule) {
      return Status::bad_input("cfrag " + num(n) + " has no capsule: the sealed input has " +
                               num(n - 1));
    }
    if (!(h.to == owner.encrypt)) {
      return Status::refused("capsule " + num(n) + " is sealed to another key (recipient " +
                             h.recipient + "), not to " + owner.id());
    }
    if (auto s = pre::verify_cfrag(*f, h.capsule, owner, grantee); !s) {
      return Status::refused("cfrag " + num(n) + " does not verify (" + s.message() + ")");
    }
  }
  if (n == 0) return Status::bad_input("no cpc/cfrag records");
  auto extra = capsules.next(h);
  CPC_RETURN_IF_ERROR(extra);
  if (*extra) {
    return Status::bad_input("the sealed input has more capsules than the " + num(n) + " cfrag(s)");
  }
  return Status::ok();
}

}  // namespace cpc::reencrypt
