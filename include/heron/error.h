// Error and Result<T>: how every fallible operation of Heron reports failure
// across a library boundary. No exceptions leave the library; a failure is a
// value that says whose fault it is (kind), what went wrong (message, worded
// like the WebAssembly spec's test expectations where one exists) and where
// (byte offset into the module or line in a text file, function index).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace heron {

enum class ErrorKind : uint8_t {
  Malformed,       // bytes or text that do not follow the format
  Invalid,         // well-formed module that fails validation
  Unlinkable,      // imports that cannot be resolved
  Uninstantiable,  // trap during instantiation
  Io,              // file system
  Usage,           // bad arguments from the user of the API or CLI
  Limit,           // implementation limit exceeded
  Unsupported,     // feature not implemented
  Internal,        // Heron's own bug
};

const char* error_kind_name(ErrorKind kind);

struct Error {
  static constexpr uint64_t kNoOffset = UINT64_MAX;
  static constexpr uint32_t kNoFunc = UINT32_MAX;

  ErrorKind kind = ErrorKind::Internal;
  std::string message;
  uint64_t offset = kNoOffset;  // byte offset in the module, or kNoOffset
  uint32_t func = kNoFunc;      // function index, when inside a body
  uint32_t line = 0;            // 1-based line for text input, 0 if none

  Error() = default;
  Error(ErrorKind k, std::string msg, uint64_t off = kNoOffset)
      : kind(k), message(std::move(msg)), offset(off) {}

  bool has_offset() const { return offset != kNoOffset; }
};

[[noreturn]] inline void fatal_invariant(const char* what) {
  std::fprintf(stderr, "heron: internal invariant broken: %s\n", what);
  std::abort();
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    if (!ok()) fatal_invariant("Result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) fatal_invariant("Result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) fatal_invariant("Result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    if (ok()) fatal_invariant("Result::error() on a value");
    return std::get<1>(v_);
  }
  Error&& error() && {
    if (ok()) fatal_invariant("Result::error() on a value");
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    if (!failed_) fatal_invariant("Result::error() on success");
    return err_;
  }
  Error&& error() && {
    if (!failed_) fatal_invariant("Result::error() on success");
    return std::move(err_);
  }

 private:
  Error err_;
  bool failed_ = false;
};

}  // namespace heron
