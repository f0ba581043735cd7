// SPDX-License-Identifier: Apache-2.0
// Bounded reads, secret-file permission checks and atomic outputs (cpc/io/file.hpp).
#include "cpc/io/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cpc::io {
namespace {

std::string err(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> read_file(const std::string& path, std::size_t max_size) {
  int fd = (path == "-") ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io(err("cannot open", path));
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Status::io(err("cannot read", path));
      if (fd != STDIN_FILENO) ::close(fd);
      return s;
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      if (fd != STDIN_FILENO) ::close(fd);
      return Status::bad_input(path + ": larger than " + std::to_string(max_size) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return out;
}

Result<std::string> read_secret_file(const std::string& path) {
  if (path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Status::io(err("cannot open", path));
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return Status::bad_input("secret key " + path + " is accessible by others (mode " + mode +
                               "); run: chmod 600 " + path);
    }
  }
  return read_file(path, 1 << 20);
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status write_all(int fd, ByteView data) {
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EPIPE) return Status::io("broken pipe");
      return Status::io(std::string("write failed: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return Status::ok();
}

InputFile::~InputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

Status InputFile::open(const std::string& path) {
  if (path.empty() || path == "-") {
    fd_ = STDIN_FILENO;
    name_ = "stdin";
    return Status::ok();
  }
  name_ = path;
  if (is_directory(path)) return Status::bad_input(path + " is a directory");
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return Status::io(err("cannot open", path));
  owned_ = true;
  return Status::ok();
}

MappedFile::~MappedFile() {
  if (size_ > 0) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

Status MappedFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io(err("cannot open", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::bad_input(path + " is not a regular file");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      size_ = 0;
      ::close(fd);
      return Status::io(err("cannot map", path));
    }
    data_ = static_cast<const std::uint8_t*>(p);
  }
  ::close(fd);
  return Status::ok();
}

OutputFile::~OutputFile() {
  // An uncommitted file is removed; stdout is left as it is (only an explicit discard()
  // truncates it).
  if (!done_ && !path_.empty()) discard();
}

Status OutputFile::open(const std::string& path, unsigned mode, bool overwrite) {
  overwrite_ = overwrite;
  if (path.empty() || path == "-") {
    fd_ = STDOUT_FILENO;
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
      start_offset_ = ::lseek(fd_, 0, SEEK_CUR);
    }
    return Status::ok();
  }
  if (!overwrite && exists(path)) {
    return Status::bad_input(path + " already exists (use --force to overwrite)");
  }
  if (is_directory(path)) return Status::bad_input(path + " is a directory");
  path_ = path;
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  tmp_path_ = dir_of(path) + "/." + name + ".tmp-XXXXXX";
  fd_ = ::mkostemp(tmp_path_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    tmp_path_.clear();
    return Status::io(err("cannot create a file next to", path));
  }
  if (::fchmod(fd_, mode) != 0) {
    Status s = Status::io(err("cannot set mode of", tmp_path_));
    discard();
    return s;
  }
  return Status::ok();
}

Status OutputFile::refuse_terminal(std::string_view what) const {
  if (path_.empty() && ::isatty(fd_)) {
    return Status::bad_input("refusing to write " + std::string(what) +
                             " to a terminal (use -o FILE or a pipe)");
  }
  return Status::ok();
}

Status OutputFile::commit() {
  done_ = true;
  if (path_.empty()) return Status::ok();
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    Status s = Status::io(err("cannot write", path_));
    ::unlink(tmp_path_.c_str());
    return s;
  }
  fd_ = -1;
  if (overwrite_) {
    if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
      Status s = Status::io(err("cannot rename to", path_));
      ::unlink(tmp_path_.c_str());
      return s;
    }
  } else {
    // link(2) fails when the target appeared meanwhile: never clobber.
    if (::link(tmp_path_.c_str(), path_.c_str()) != 0) {
      Status s = errno == EEXIST ? Status::bad_input(path_ + " already exists")
                                 : Status::io(err("cannot create", path_));
      ::unlink(tmp_path_.c_str());
      return s;
    }
    ::unlink(tmp_path_.c_str());
  }
  // Make the rename itself durable.
  int dfd = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

void OutputFile::discard() {
  done_ = true;
  if (path_.empty()) {
    if (start_offset_ >= 0) (void)::ftruncate(fd_, start_offset_);
    return;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

}  // namespace cpc::io
