// SPDX-License-Identifier: Apache-2.0
// Key files and passphrases for the tools (keyfile.hpp).
#include "cpc/crypto/keyfile.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cpc/io/file.hpp"

namespace cpc::keyfile {
namespace {

constexpr std::size_t kMaxPassphrase = 1024;

// Reads one line from fd into secure memory, without echo handling.
Result<SecretBytes> read_line(int fd) {
  auto buf_or = SecretBytes::allocate(kMaxPassphrase);
  CPC_RETURN_IF_ERROR(buf_or);
  SecretBytes& buf = *buf_or;
  std::size_t n = 0;
  for (;;) {
    char c;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || c == '\n') break;
    if (n == kMaxPassphrase) return Status::bad_input("passphrase longer than 1024 bytes");
    buf.data()[n++] = static_cast<std::uint8_t>(c);
  }
  if (n > 0 && buf.data()[n - 1] == '\r') --n;
  if (n == 0) return Status::bad_input("empty passphrase");
  auto out = SecretBytes::allocate(n);
  CPC_RETURN_IF_ERROR(out);
  std::memcpy(out->data(), buf.data(), n);
  return out;
}

}  // namespace

Result<SecretBytes> read_passphrase_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::io("cannot open passphrase file " + path + ": " + std::strerror(errno));
  auto r = read_line(fd);
  ::close(fd);
  if (!r) return r.status().with_context(path);
  return r;
}

Result<SecretBytes> prompt_passphrase(const std::string& prompt, bool confirm) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Status::bad_input(
        "the key needs a passphrase and there is no terminal (use --passphrase-file or "
        "CPC_PASSPHRASE_FILE)");
  }
  struct termios old {};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    struct termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  auto ask = [&](const std::string& p) {
    (void)io::write_all(fd, p);
    auto r = read_line(fd);
    (void)io::write_all(fd, std::string_view("\n"));
    return r;
  };
  auto first = ask(prompt);
  Result<SecretBytes> result = std::move(first);
  if (result && confirm) {
    auto again = ask("Repeat passphrase: ");
    if (!again) {
      result = again.status();
    } else if (again->size() != result->size() ||
               sodium_memcmp(again->data(), result->data(), again->size()) != 0) {
      result = Status::bad_input("passphrases do not match");
    }
  }
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old);
  ::close(fd);
  return result;
}

keys::PassphraseSource passphrase_source(const std::optional<std::string>& file) {
  return [file]() -> Result<SecretBytes> {
    if (file) return read_passphrase_file(*file);
    if (const char* env = std::getenv("CPC_PASSPHRASE_FILE"); env != nullptr && *env != '\0') {
      return read_passphrase_file(env);
    }
    return prompt_passphrase("Passphrase: ", false);
  };
}

Result<keys::SecretKey> load_secret(const std::string& path,
                                    const std::optional<std::string>& passphrase_file) {
  auto text = io::read_secret_file(path);
  CPC_RETURN_IF_ERROR(text);
  auto sk = keys::parse_secret_key(*text, passphrase_source(passphrase_file));
  if (!sk) return sk.status().with_context(path);
  return sk;
}

Result<keys::PublicKey> load_public(const std::string& path) {
  auto text = io::read_file(path, 1 << 20);
  CPC_RETURN_IF_ERROR(text);
  auto pk = keys::parse_public_key(*text);
  if (!pk) return pk.status().with_context(path);
  return pk;
}

Result<std::vector<keys::PublicKey>> load_public_keys(const std::string& path) {
  std::vector<keys::PublicKey> out;
  if (!io::is_directory(path)) {
    auto pk = load_public(path);
    CPC_RETURN_IF_ERROR(pk);
    out.push_back(*pk);
    return out;
  }
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr)
    return Status::io("cannot read keyring " + path + ": " + std::strerror(errno));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string file = path + "/" + name;
    if (io::is_directory(file)) continue;
    auto pk = load_public(file);
    CPC_RETURN_IF_ERROR(pk);
    out.push_back(*pk);
  }
  if (out.empty()) return Status::bad_input("keyring " + path + " holds no keys");
  return out;
}

}  // namespace cpc::keyfile
