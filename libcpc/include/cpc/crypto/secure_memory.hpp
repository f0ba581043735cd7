// SPDX-License-Identifier: Apache-2.0
// Memory for secrets (docs/style.md habit 9). SecretBytes owns a fixed-size buffer allocated with
// sodium_malloc (guard pages, mlock'ed where the system allows, wiped and freed by
// sodium_free on destruction). It is movable, never copyable, and never printed.
//
// sodium_malloc costs a few system calls, so SecretBytes is meant for long-lived secrets
// (key files, keys of a stream). Short-lived secrets on hot paths live on the stack and are
// wiped with sodium_memzero (see Wiped<T>).
//
// Thread safety: a SecretBytes is not shared between threads without external locking.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "cpc/status.hpp"

namespace cpc {

namespace keys {
class SecretKey;
}

class SecretBytes {
 public:
  SecretBytes() = default;
  // `size` zeroed bytes, or kIo "out of secure memory" when sodium_malloc fails (it maps
  // guard pages around every buffer, so it can fail long before the heap is exhausted).
  static Result<SecretBytes> allocate(std::size_t size) {
    SecretBytes b(size);
    if (b.data_ == nullptr) {
      return Status::io("out of secure memory (" + std::to_string(size) + " bytes)");
    }
    return b;
  }

  ~SecretBytes() {
    if (data_ != nullptr) sodium_free(data_);
  }
  SecretBytes(SecretBytes&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      if (data_ != nullptr) sodium_free(data_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::span<std::uint8_t> span() { return {data_, size_}; }
  std::span<const std::uint8_t> span() const { return {data_, size_}; }
  bool empty() const { return data_ == nullptr; }

 private:
  friend class keys::SecretKey;  // a member, checked with empty() before it is handed out
  // empty() when sodium_malloc failed.
  explicit SecretBytes(std::size_t size) noexcept
      : data_(static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size))),
        size_(data_ == nullptr ? 0 : size) {
    if (data_ != nullptr) sodium_memzero(data_, size_);
  }

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// A value wiped with sodium_memzero when it goes out of scope (for stack secrets).
template <typename T>
struct Wiped {
  T value{};
  Wiped() = default;
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { sodium_memzero(&value, sizeof(T)); }
};

}  // namespace cpc
