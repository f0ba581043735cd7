// SPDX-License-Identifier: Apache-2.0
// The homomorphic streams the tools drive (he.hpp, docs/cli.md "Encryption"): numbers in,
// cpc/he records out; cpc/he records in, their sum out; cpc/he records in, numbers out.
// Every error names the input line.
#include <string>
#include <vector>

#include "cpc/crypto/he.hpp"

namespace cpc::he {

namespace {

Status at_line(const Status& s, const LineNumber& line_number) {
  return s.with_context("line " + std::to_string(line_number()));
}

}  // namespace

bool is_he_record(std::string_view line) {
  return line.find(R"("type":"cpc/he")") != std::string_view::npos;
}

Status encrypt_lines(const LineSource& lines, const LineNumber& line_number, const group::Point& to,
                     unsigned scale, const RecordSink& out) {
  if (scale > kMaxScale) return Status::bad_input("scale must be 0..18");
  std::string_view line;
  for (;;) {
    auto more = lines(line);
    CPC_RETURN_IF_ERROR(more);
    if (!*more) return Status::ok();
    auto m = parse_fixed(line, scale);
    if (!m) return at_line(m.status(), line_number);
    auto c = encrypt(to, *m, scale);
    if (!c) return at_line(c.status(), line_number);
    CPC_RETURN_IF_ERROR(out(he_record(*c)));
  }
}

Result<Ciphertext> sum_lines(const LineSource& lines, const LineNumber& line_number) {
  // Batches of records, copied out of the source (its lines live until the next call), go
  // to Summer::add_records, which decodes each batch on two threads.
  constexpr std::size_t kBatch = 4096;
  Summer summer;
  std::string buffer;
  std::vector<std::size_t> ends, numbers;  // end offset and line number of each record
  std::vector<std::string_view> views;
  auto add_batch = [&]() -> Status {
    views.clear();
    std::size_t begin = 0;
    for (std::size_t end : ends) {
      views.emplace_back(buffer.data() + begin, end - begin);
      begin = end;
    }
    std::size_t failed = 0;
    Status s = summer.add_records(views, failed);
    if (!s) return s.with_context("line " + std::to_string(numbers[failed]));
    buffer.clear();
    ends.clear();
    numbers.clear();
    return Status::ok();
  };
  std::string_view line;
  for (;;) {
    auto more = lines(line);
    if (!more) {
      CPC_RETURN_IF_ERROR(add_batch());  // an earlier record's error comes first
      return more.status();
    }
    if (!*more) break;
    buffer.append(line);
    ends.push_back(buffer.size());
    numbers.push_back(line_number());
    if (ends.size() == kBatch) CPC_RETURN_IF_ERROR(add_batch());
  }
  CPC_RETURN_IF_ERROR(add_batch());
  if (summer.size() == 0) return Status::bad_input("empty input: no cpc/he records to sum");
  return summer.total();
}

Status decrypt_lines(const LineSource& lines, const LineNumber& line_number,
                     const keys::SecretKey& sk, const RecordSink& out) {
  std::string_view line;
  for (;;) {
    auto more = lines(line);
    CPC_RETURN_IF_ERROR(more);
    if (!*more) return Status::ok();
    auto c = parse_he_record(line);
    if (!c) return at_line(c.status(), line_number);
    auto m = decrypt(sk, *c);
    if (!m) return at_line(m.status(), line_number);
    CPC_RETURN_IF_ERROR(out(format_fixed(*m, c->scale)));
  }
}

}  // namespace cpc::he
