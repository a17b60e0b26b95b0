// Trap and TrapOr<T>: how a wasm execution that stopped abnormally comes back
// to the host. A Trap is not an Error: it is a normal outcome of running
// untrusted code (the spec's "trap"), carrying the trap code, the faulting PC
// and the wasm frames (return addresses) active at the time, innermost first,
// which the embedder maps to function names and wasm byte offsets through the
// owning module's address map.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "heron/error.h"
#include "heron/trap_code.h"

namespace heron {

struct Trap {
  TrapCode code = TrapCode::Unreachable;
  uintptr_t pc = 0;  // faulting instruction, or return address of a libcall
  // frames[0] == pc; then the return addresses of the calling wasm frames.
  std::vector<uintptr_t> frames;
  bool frames_truncated = false;  // deeper than the capture buffer

  const char* message() const { return trap_message(code).data(); }
};

template <class T>
class [[nodiscard]] TrapOr {
 public:
  TrapOr(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  TrapOr(Trap trap) : v_(std::in_place_index<1>, std::move(trap)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() {
    if (!ok()) fatal_invariant("TrapOr::value() on a trap");
    return std::get<0>(v_);
  }
  const Trap& trap() const {
    if (ok()) fatal_invariant("TrapOr::trap() on a value");
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Trap> v_;
};

template <>
class [[nodiscard]] TrapOr<void> {
 public:
  TrapOr() = default;
  TrapOr(Trap trap) : trap_(std::move(trap)), trapped_(true) {}
  bool ok() const { return !trapped_; }
  explicit operator bool() const { return ok(); }
  const Trap& trap() const {
    if (!trapped_) fatal_invariant("TrapOr::trap() on success");
    return trap_;
  }

 private:
  Trap trap_;
  bool trapped_ = false;
};

}  // namespace heron
