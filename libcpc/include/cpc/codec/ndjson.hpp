// SPDX-License-Identifier: Apache-2.0
// Line-at-a-time I/O for NDJSON streams, the input and output of every tool (docs/architecture.md
// §2). LineReader hands out the lines of a file descriptor as views into one large buffer, so a
// gigabyte stream of ~90 KB records costs one read(2) per MiB and no copy per line;
// LineWriter batches small writes into one write(2). Neither parses JSON: pair them with
// json::parse and json::canonicalize_append.
//
// Thread safety: an instance is used by one thread at a time. Neither class owns or closes
// its file descriptor.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "cpc/status.hpp"

namespace cpc::ndjson {

class LineReader {
 public:
  // Reads from `fd` (a pipe, terminal or file), which must stay open while the reader is
  // used. Lines longer than `max_line` bytes (not counting "\n" or "\r\n") are refused.
  // Memory: one buffer of min(1 MiB, max_line + 2) bytes, grown only when a line needs it,
  // up to max_line + 2 bytes.
  explicit LineReader(int fd, std::size_t max_line = 16 << 20);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // Sets `line` to the next line that is not empty or whitespace-only (space, tab, CR),
  // without its "\n" or "\r\n", and returns true; returns false at end of input. A last
  // line without "\n" is a line. `line` stays valid until the next call.
  // Errors, after which every call returns the same error:
  //   kBadInput "line N: record longer than M bytes", found without reading the whole line;
  //   kIo "read failed: <strerror>". read(2) is retried on EINTR.
  Result<bool> next(std::string_view& line);

  // The 1-based number of the line last returned, counting skipped blank lines, so that
  // it matches `sed -n Np`; 0 before the first line.
  std::size_t line_number() const { return line_number_; }

 private:
  Status fill();  // reads more input after end_, making room or growing first
  Status too_long(std::size_t line_number) const;

  int fd_;
  std::size_t max_line_;
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;  // start of the unread part
  std::size_t scan_ = 0;   // [begin_, scan_) holds no '\n'
  std::size_t end_ = 0;    // end of the bytes read
  bool eof_ = false;
  std::size_t line_number_ = 0;
  Status error_;
};

class LineWriter {
 public:
  // Writes to `fd` through a buffer of `buffer_size` bytes. Output larger than the buffer
  // goes straight to write(2).
  explicit LineWriter(int fd, std::size_t buffer_size = 1 << 20);
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;
  // Flushes what is buffered, best effort: an error here cannot be reported, so call
  // flush() before destruction whenever the outcome matters (it always does for -o FILE).
  ~LineWriter();

  // Appends bytes; writes the buffer out when it fills. Errors: as flush().
  Status append(std::string_view bytes);
  // Appends `record` and "\n".
  Status append_line(std::string_view record);
  // Writes out everything buffered, retrying on EINTR and short writes.
  // Errors (kIo): "broken pipe" when the reader has gone (EPIPE; the process must ignore
  // SIGPIPE to see it rather than die), "write failed: <strerror>" otherwise. After an
  // error the buffered data is dropped and every later call returns the same error.
  Status flush();

 private:
  Status write_all(const char* data, std::size_t size);

  int fd_;
  std::string buf_;
  std::size_t capacity_;
  Status error_;
};

}  // namespace cpc::ndjson
