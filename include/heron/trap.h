// Trap: a WebAssembly execution that stopped abnormally, as the embedder sees
// it: the trap code, the message (spec wording, or the host's own for traps
// raised by host functions) and the wasm backtrace, innermost frame first,
// symbolized with function names from the name section and module byte
// offsets. CallResult<T>: what calling wasm returns: the results, a Trap, or
// an Error when the call itself was wrong (argument types, other store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "heron/error.h"
#include "heron/trap_code.h"

namespace heron::api {

struct FrameInfo {
  static constexpr uint64_t kNoOffset = UINT64_MAX;
  uint32_t func_index = 0;             // in the module's function index space
  std::string func_name;               // from the name section; empty if none
  std::string module_name;             // from the name section; empty if none
  uint64_t module_offset = kNoOffset;  // byte offset of the wasm instruction
};

struct Trap {
  TrapCode code = TrapCode::Unreachable;
  std::string message;               // trap_message(code) unless from a host
  std::vector<FrameInfo> backtrace;  // innermost first
  bool backtrace_truncated = false;
  // For TrapCode::Exit: the status a host function (WASI's proc_exit)
  // ended the guest program with. Not a failure of the guest, an outcome.
  std::optional<int32_t> exit_status;

  Trap() = default;
  explicit Trap(TrapCode c) : code(c), message(trap_message(c)) {}
  Trap(TrapCode c, std::string msg) : code(c), message(std::move(msg)) {}
  static Trap exit(int32_t status, std::string msg) {
    Trap t(TrapCode::Exit, std::move(msg));
    t.exit_status = status;
    return t;
  }

  // The message, then one line per frame:
  //   "  0: func 3 <name> @ 0x1a2"
  std::string to_string() const;
};

template <class T>
class [[nodiscard]] CallResult {
  using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

 public:
  CallResult() requires std::is_void_v<T> : v_(std::in_place_index<0>) {}
  CallResult(Stored value) : v_(std::in_place_index<0>, std::move(value)) {}
  CallResult(Trap trap) : v_(std::in_place_index<1>, std::move(trap)) {}
  CallResult(Error error) : v_(std::in_place_index<2>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  bool trapped() const { return v_.index() == 1; }
  bool failed() const { return v_.index() == 2; }
  explicit operator bool() const { return ok(); }

  Stored& value() {
    if (!ok()) fatal_invariant("CallResult::value() without a value");
    return std::get<0>(v_);
  }
  const Stored& value() const {
    if (!ok()) fatal_invariant("CallResult::value() without a value");
    return std::get<0>(v_);
  }
  const Trap& trap() const {
    if (!trapped()) fatal_invariant("CallResult::trap() without a trap");
    return std::get<1>(v_);
  }
  const Error& error() const {
    if (!failed()) fatal_invariant("CallResult::error() without an error");
    return std::get<2>(v_);
  }

 private:
  std::variant<Stored, Trap, Error> v_;
};

}  // namespace heron::api
