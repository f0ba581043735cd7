// SPDX-License-Identifier: Apache-2.0
// One way to fail. Every libcpc function that can fail returns a Status or a Result<T>. A
// Status carries a Code that maps one to one onto the exit status of the tools
// (docs/cli.md): 1 the operation said no, 2 usage error or malformed input, 3 I/O, network
// or node error. Messages are one line, never contain secret material, and name the thing
// that failed ("signature does not verify (signer 3f2a…)").
//
// No exception crosses the libcpc boundary on a path libcpc controls: it throws none of
// its own; a failed secure allocation (sodium_malloc, Argon2id's memory) is kIo; a thread
// the system refuses (std::system_error) is kIo or work done on the calling thread instead;
// inputs are bounded before they are buffered (a record line, a request body, a response);
// and the entry points that allocate large buffers turn std::bad_alloc into kIo with
// catch_alloc() (the discrete-log table). What remains is std::bad_alloc from a small
// allocation in the standard library once the process has run out of memory: the node's
// HTTP handlers answer it with 500, its background threads log it (the chain's halt the
// chain), libcpc's helper threads hand it back as kIo, and every tool's main() turns it
// into one line and exit 3 (tools/tool_common.hpp).
//
// Thread safety: values; safe to copy and move between threads.
#pragma once

#include <new>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cpc {

enum class Code : int {
  kOk = 0,
  kRefused = 1,   // bad signature, failed decryption, not found, access denied
  kBadInput = 2,  // usage error or malformed input
  kIo = 3,        // I/O, network or node error
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status refused(std::string m) { return {Code::kRefused, std::move(m)}; }
  static Status bad_input(std::string m) { return {Code::kBadInput, std::move(m)}; }
  static Status io(std::string m) { return {Code::kIo, std::move(m)}; }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  int exit_code() const { return static_cast<int>(code_); }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message" (e.g. "line 12: …").
  Status with_context(const std::string& prefix) const {
    if (is_ok()) return *this;
    return {code_, prefix + ": " + message_};
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // A failure. An OK status carries no value, so it becomes the failure it hides (kIo
  // "internal error: …"): a Result always holds a value or an error, never neither.
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : v_(status.is_ok() ? Status(Code::kIo, "internal error: a result without a value")
                          : std::move(status)) {}

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }

  // REQUIRES: is_ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The failure; Status::ok() when there is a value.
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

inline Status to_status(const Status& s) {
  return s;
}
template <typename T>
Status to_status(const Result<T>& r) {
  return r.status();
}

// Runs f(), which returns a Status or a Result, turning std::bad_alloc into kIo
// "out of memory (what)": for the library's entry points that allocate large buffers.
template <typename F>
auto catch_alloc(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::io(std::string("out of memory (") + what + ")");
  }
}

}  // namespace cpc

// Propagates a failed Status or Result from the enclosing function.
#define CPC_RETURN_IF_ERROR(expr)                           \
  do {                                                      \
    const auto& cpc_status_ = (expr);                       \
    if (!cpc_status_) return ::cpc::to_status(cpc_status_); \
  } while (0)
