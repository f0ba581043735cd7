// SPDX-License-Identifier: Apache-2.0
// Memory for secrets (STYLE.md habit 9). SecretBytes owns a fixed-size buffer allocated with
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
#include <new>
#include <span>
#include <utility>

namespace cpc {

class SecretBytes {
 public:
  SecretBytes() = default;
  // Allocates `size` zeroed bytes; throws std::bad_alloc when sodium_malloc fails (an
  // allocation failure is the one condition libcpc does not turn into a Status).
  explicit SecretBytes(std::size_t size) : size_(size) {
    data_ = static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size));
    if (data_ == nullptr) throw std::bad_alloc();
    sodium_memzero(data_, size_);
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
