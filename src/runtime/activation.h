// Entering wasm from the host: the per-thread chain of activations, the
// sigsetjmp point traps unwind to, the stack limit a store's wasm runs under,
// and the frame-pointer walk that turns a trap into a wasm backtrace.
//
// Design note:
//  - enter_wasm(limits, max_wasm_stack, body, closure) pushes an Activation on
//    the calling thread's chain, sigsetjmps, and calls body(closure), which
//    calls the compiled code. A trap (signal at a trap site, see
//    trap_handler.h, or heron_raise_trap from a library call) records itself
//    in the innermost Activation and siglongjmps back here; enter_wasm then
//    returns a Trap. Nothing between the entry and the trap may own resources
//    with destructors: only compiled code and trivial trampolines.
//  - Stack limit: on the OUTERMOST entry of a store on this thread,
//    stack_limit = (entry frame address) - max_wasm_stack, clamped so that at
//    least kHostStackReserve of the thread's real stack stays below it. On
//    exit the previous value (0, "idle") is restored. A NESTED entry (host ->
//    wasm -> host -> wasm on the same store) keeps the outer limit: the budget
//    bounds everything wasm and the host functions it calls put on the stack;
//    re-basing it at each nested entry would grant a fresh 512 KiB per level
//    and a host<->wasm recursion could then run into the thread's guard page
//    (a real crash instead of a trap). Entries of a different store simply
//    have their own limit.
//  - Interrupts are sticky until consumed: the sentinel (runtime_limits.h)
//    may arrive at any moment, so every update of stack_limit by the entry
//    code is a compare-exchange that never overwrites it. An interrupt that
//    arrives while no wasm of the store runs makes the next entry return an
//    Interrupt trap at once (this closes the race of a timeout that fires
//    just before the call starts). The trap that reports an interrupt resets
//    the limit to the activation's real limit, so the store is usable again.
//  - Backtraces need frame pointers: compiled functions push rbp; mov rbp,rsp
//    BEFORE their stack-limit check, so that a trap anywhere in a function
//    has rbp pointing at its own frame record [saved rbp, return address].
#pragma once

#include <setjmp.h>

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include "runtime/runtime_limits.h"
#include "runtime/trap.h"

namespace heron {

// Stack kept free below the wasm limit for host code called from wasm.
inline constexpr size_t kHostStackReserve = 64 * 1024;
inline constexpr size_t kMaxTrapFrames = 128;

// What the trap path writes (from a signal handler: plain fields only).
struct TrapRecord {
  TrapCode code = TrapCode::Unreachable;
  uintptr_t pc = 0;
  uintptr_t fp = 0;
  uintptr_t frames[kMaxTrapFrames];
  uint32_t num_frames = 0;
  bool truncated = false;
};

struct Activation {
  sigjmp_buf jmp;
  Activation* prev = nullptr;
  RuntimeLimits* limits = nullptr;
  uintptr_t entry_fp = 0;  // frames at or above belong to the host
  uintptr_t limit = 0;     // this store's real limit during the activation
  uintptr_t saved_limit = 0;
  bool outermost = false;
  TrapRecord trap;
};

// The calling thread's innermost activation (async-signal-safe).
Activation* current_activation();

// Runs body(closure) as wasm; see the design note.
TrapOr<void> enter_wasm(RuntimeLimits& limits, size_t max_wasm_stack,
                        void (*body)(void*), void* closure);

// Typed convenience over enter_wasm: calls fn(args...) (fn is compiled code
// with the SysV ABI, typically `R fn(VMContext*, params...)`).
template <class R, class... P, class... A>
TrapOr<R> call_wasm(RuntimeLimits& limits, size_t max_wasm_stack, R (*fn)(P...),
                    A... args) {
  static_assert((std::is_trivially_destructible_v<A> && ...),
                "arguments must not need destructors (traps longjmp)");
  struct Closure {
    R (*fn)(P...);
    std::tuple<A...> args;
    std::conditional_t<std::is_void_v<R>, char, R> result{};
  } c{fn, std::tuple<A...>(args...)};
  auto body = [](void* p) {
    auto* cl = static_cast<Closure*>(p);
    if constexpr (std::is_void_v<R>)
      std::apply(cl->fn, cl->args);
    else
      cl->result = std::apply(cl->fn, cl->args);
  };
  TrapOr<void> r = enter_wasm(limits, max_wasm_stack, body, &c);
  if (!r.ok()) return r.trap();
  if constexpr (std::is_void_v<R>)
    return TrapOr<void>();
  else
    return c.result;
}

// Walks rbp frame records from (pc, fp) while they lie in [lo, hi) and return
// into registered wasm code; writes pc then each return address to `out`.
// Returns the count; *truncated when `cap` cut it. Async-signal-safe.
size_t walk_wasm_frames(uintptr_t pc, uintptr_t fp, uintptr_t lo, uintptr_t hi,
                        uintptr_t* out, size_t cap, bool* truncated);

// The trap path's common part: classifies (StackOverflow becomes Interrupt
// when the sentinel is set), records code, pc and frames into `act`.
// Async-signal-safe.
void record_trap(Activation* act, TrapCode code, uintptr_t pc, uintptr_t fp,
                 uintptr_t sp);

// Raises a trap from a runtime function called DIRECTLY by compiled code
// (a library call, or the host-function callback called by its trampoline).
// `frame` is that function's own frame record, __builtin_frame_address(0),
// which also forces the function to keep one: [caller's rbp, return address
// into the caller], so the backtrace starts in the calling code. Nothing with
// a destructor may be alive in the caller of this function. Never returns.
[[noreturn]] void raise_trap_from_frame(TrapCode code, const void* frame);

}  // namespace heron

// Library-call target for compiled code (called DIRECTLY from wasm, so that
// its return address and the caller's rbp are the wasm frame): raises a trap
// of `code` (a TrapCode value) in the current activation. Never returns.
extern "C" [[noreturn]] void heron_raise_trap(uint32_t code);
