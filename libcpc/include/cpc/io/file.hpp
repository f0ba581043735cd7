// SPDX-License-Identifier: Apache-2.0
// File input and output with the guarantees the tools promise (docs/architecture.md §2,
// docs/cli.md): outputs are written atomically (a temporary file in the target's directory,
// fsync'ed and renamed over the target only on commit(), removed otherwise, so a failed run never
// leaves a half-written file); secret key files are created 0600 and refused when group- or
// world-readable; reads are bounded.
//
// Thread safety: an OutputFile belongs to one thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cpc/bytes.hpp"
#include "cpc/status.hpp"

namespace cpc::io {

// Reads a whole file (or "-" for stdin) of at most `max_size` bytes.
// Errors: kIo when the file cannot be read, kBadInput when it is larger than max_size.
Result<std::string> read_file(const std::string& path, std::size_t max_size = 16 << 20);

// Reads a secret key file: refuses (kBadInput, with the fix in the message) a file that is
// readable or writable by group or others, like ssh and minisign do.
Result<std::string> read_secret_file(const std::string& path);

// True when `path` names an existing directory.
bool is_directory(const std::string& path);
bool exists(const std::string& path);

// Writes everything, retrying on EINTR and partial writes. EPIPE etc. -> kIo.
Status write_all(int fd, ByteView data);
inline Status write_all(int fd, std::string_view s) {
  return write_all(fd, as_bytes(s));
}

// An input: a file, or stdin for "" and "-". Closes what it opened.
class InputFile {
 public:
  InputFile() = default;
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  Status open(const std::string& path);
  int fd() const { return fd_; }
  // "stdin" or the path, for messages.
  const std::string& name() const { return name_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
};

// A whole file mapped read-only (for signing a file's exact bytes without reading it
// into the heap). An empty file maps to an empty view.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  Status open(const std::string& path);
  ByteView bytes() const { return {data_, size_}; }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// An output destination: stdout (path "" or "-") or a file written atomically.
class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // removes an uncommitted temporary file; leaves stdout alone
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Opens the destination. For a file: creates "<path>.tmp-XXXXXX" next to it with `mode`.
  // With overwrite = false an existing `path` is refused (kBadInput) up front and, at
  // commit time, not replaced (link(2) instead of rename(2)).
  Status open(const std::string& path, unsigned mode = 0644, bool overwrite = true);
  int fd() const { return fd_; }
  bool is_stdout() const { return path_.empty(); }
  // Refuses (kBadInput) when the destination is a terminal: binary never goes to a tty.
  Status refuse_terminal(std::string_view what) const;

  Status write(ByteView data) { return write_all(fd_, data); }
  Status write(std::string_view s) { return write_all(fd_, s); }
  // Makes the output visible: fsync + rename for files; nothing for stdout.
  Status commit();
  // Discards the output: removes the temporary file; for stdout redirected to a regular
  // file, truncates it back to where this run started writing.
  void discard();

 private:
  int fd_ = -1;
  std::string path_;
  std::string tmp_path_;
  bool overwrite_ = true;
  long long start_offset_ = -1;
  bool done_ = false;
};

}  // namespace cpc::io
