// SPDX-License-Identifier: Apache-2.0
// LineReader and LineWriter (ndjson.hpp): read(2)/write(2) with one buffer each, memchr to
// find line ends, EINTR and short writes handled here so that callers never see them.
#include "cpc/codec/ndjson.hpp"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace cpc::ndjson {
namespace {

constexpr std::size_t kInitialBuffer = 1 << 20;
// Below this much free space at the end of the buffer, move the unread bytes to the front
// before reading again, so that each read(2) asks for a useful amount.
constexpr std::size_t kMinRead = 64 << 10;
// Keeps max_line + 2 (a line, "\r" and "\n") from overflowing.
constexpr std::size_t kMaxLineLimit = std::size_t{1} << 48;

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

LineReader::LineReader(int fd, std::size_t max_line)
    : fd_(fd),
      max_line_(std::min(max_line, kMaxLineLimit)),
      capacity_(std::min(kInitialBuffer, max_line_ + 2)) {
  buf_ = std::make_unique_for_overwrite<char[]>(capacity_);
}

LineReader::~LineReader() = default;

Status LineReader::too_long(std::size_t line_number) const {
  return Status::bad_input("line " + std::to_string(line_number) + ": record longer than " +
                           std::to_string(max_line_) + " bytes");
}

Result<bool> LineReader::next(std::string_view& line) {
  if (!error_) return error_;
  for (;;) {
    char* base = buf_.get();
    std::string_view found;
    if (auto* nl = static_cast<char*>(std::memchr(base + scan_, '\n', end_ - scan_))) {
      found = {base + begin_, static_cast<std::size_t>(nl - (base + begin_))};
      begin_ = scan_ = static_cast<std::size_t>(nl - base) + 1;
    } else {
      scan_ = end_;
      if (end_ - begin_ > max_line_ + 1) {
        // Even a final "\r" would leave more than max_line bytes: refuse before reading on.
        return error_ = too_long(line_number_ + 1);
      }
      if (!eof_) {
        if (Status s = fill(); !s) return error_ = s;
        continue;
      }
      if (begin_ == end_) return false;
      found = {base + begin_, end_ - begin_};  // a last line without "\n"
      begin_ = scan_ = end_;
    }
    ++line_number_;
    if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
    if (found.size() > max_line_) return error_ = too_long(line_number_);
    if (is_blank(found)) continue;
    line = found;
    return true;
  }
}

Status LineReader::fill() {
  std::size_t pending = end_ - begin_;
  if (begin_ > 0 && (pending == 0 || capacity_ - end_ < kMinRead)) {
    std::memmove(buf_.get(), buf_.get() + begin_, pending);
    scan_ -= begin_;
    begin_ = 0;
    end_ = pending;
  }
  if (end_ == capacity_) {  // one partial line fills the buffer; next() caps its length
    std::size_t grown = std::min(capacity_ * 2, max_line_ + 2);
    auto bigger = std::make_unique_for_overwrite<char[]>(grown);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    capacity_ = grown;
  }
  ssize_t n;
  do {
    n = ::read(fd_, buf_.get() + end_, capacity_ - end_);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::io("read failed: " + errno_text());
  if (n == 0) eof_ = true;
  end_ += static_cast<std::size_t>(n);
  return Status::ok();
}

LineWriter::LineWriter(int fd, std::size_t buffer_size) : fd_(fd), capacity_(buffer_size) {
  buf_.reserve(capacity_);
}

LineWriter::~LineWriter() {
  if (error_ && !buf_.empty()) (void)flush();
}

Status LineWriter::append(std::string_view bytes) {
  if (!error_) return error_;
  if (buf_.size() + bytes.size() > capacity_) {
    CPC_RETURN_IF_ERROR(flush());
    if (bytes.size() >= capacity_) return write_all(bytes.data(), bytes.size());
  }
  buf_.append(bytes);
  return Status::ok();
}

Status LineWriter::append_line(std::string_view record) {
  if (error_ && buf_.size() + record.size() < capacity_) {  // the common case: one copy
    buf_.append(record);
    buf_.push_back('\n');
    return Status::ok();
  }
  CPC_RETURN_IF_ERROR(append(record));
  return append("\n");
}

Status LineWriter::flush() {
  if (!error_) return error_;
  Status s = write_all(buf_.data(), buf_.size());
  buf_.clear();
  return s;
}

Status LineWriter::write_all(const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return error_ = Status::io("broken pipe");
    if (n < 0) return error_ = Status::io("write failed: " + errno_text());
    if (n == 0) return error_ = Status::io("write failed: no progress");
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Status::ok();
}

}  // namespace cpc::ndjson
