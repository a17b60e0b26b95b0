// RuntimeLimits: the per-store block of execution limits that compiled code
// reads through its VMContext (VMContext field 0 points here). It bounds how
// deep wasm may recurse, lets another thread interrupt running code, and holds
// the epoch deadline and fuel counter.
//
// Design note: stack limit and interruption (DESIGN.md, "Stack overflow and
// interruption").
//  - `stack_limit` means "if the stack pointer goes below this, trap". Every
//    non-leaf or stack-using function compares rsp (minus its frame size) with
//    it in its prologue, and every loop header does the same compare, so one
//    check form serves both purposes. A failed check jumps to a trap site whose
//    trap code is StackOverflow.
//  - Interruption stores kInterruptSentinel into `stack_limit`. The sentinel
//    lies in the kernel half of the address space (x86-64 user addresses are
//    below 2^47, or 2^56 with 5-level paging), so no real rsp is ever >= it:
//    every prologue and loop-header check fails. The trap path then reports
//    Interrupt instead of StackOverflow because it sees the sentinel.
//  - Why UINTPTR_MAX - 32 KiB and not UINTPTR_MAX: a prologue of a frame of F
//    bytes may compare `rsp < stack_limit + F` (one lea, no borrow check). With
//    the slack below UINTPTR_MAX that sum cannot wrap around for F <= 32 KiB,
//    so the sentinel still fails the check. Compiled code must therefore only
//    add frame sizes up to kInterruptSentinelSlack to the limit; larger frames
//    compute `rsp - F` (trapping if that borrows) and compare with the limit.
//  - 0 means "no wasm of this store is running" (see activation.h for who
//    sets and restores the limit, and how a pending interrupt is consumed).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace heron {

inline constexpr uintptr_t kInterruptSentinelSlack = 32 * 1024;
inline constexpr uintptr_t kInterruptSentinel =
    UINTPTR_MAX - kInterruptSentinelSlack;

// Default budget of stack for wasm (and host functions it calls) below the
// point where the host entered wasm; Config::max_wasm_stack overrides it.
inline constexpr size_t kDefaultMaxWasmStack = 512 * 1024;

// The Engine-wide epoch counter (bumped by a timer or the embedder); stores
// point their RuntimeLimits::epoch_counter at it.
struct EpochCounter {
  std::atomic<uint64_t> value{0};
  uint64_t increment() {
    return value.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  uint64_t current() const { return value.load(std::memory_order_relaxed); }
};

struct RuntimeLimits {
  // rsp below this -> trap (StackOverflow, or Interrupt if == sentinel).
  std::atomic<uintptr_t> stack_limit{0};
  // Compiled loop headers and prologues (when epochs are enabled) trap with
  // Interrupt once `*epoch_counter >= epoch_deadline`.
  std::atomic<uint64_t> epoch_deadline{UINT64_MAX};
  const std::atomic<uint64_t>* epoch_counter = nullptr;
  // Fuel, Wasmtime-style: holds -(remaining fuel); compiled code adds the cost
  // of what it executes and traps with OutOfFuel when the sum becomes > 0.
  int64_t fuel_consumed = 0;

  // Offsets for the compiler (the VMContext layout points at this block).
  static constexpr uint32_t kStackLimitOffset = 0;
  static constexpr uint32_t kEpochDeadlineOffset = 8;
  static constexpr uint32_t kEpochCounterOffset = 16;
  static constexpr uint32_t kFuelConsumedOffset = 24;

  void set_fuel(uint64_t fuel) {
    fuel_consumed = fuel > uint64_t(INT64_MAX) ? INT64_MIN : -int64_t(fuel);
  }
  uint64_t remaining_fuel() const {
    return fuel_consumed >= 0 ? 0 : uint64_t(-(fuel_consumed + 1)) + 1;
  }
  // Deadline `delta` epochs after the engine's current epoch.
  void set_epoch_deadline(uint64_t delta);
  // True once the engine's epoch reached the deadline (the runtime side of
  // the compiled check, used by the slow path the check calls).
  bool epoch_deadline_reached() const;
};

static_assert(std::atomic<uintptr_t>::is_always_lock_free);
static_assert(std::atomic<uint64_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<uintptr_t>) == sizeof(uintptr_t));

}  // namespace heron
