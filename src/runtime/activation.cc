// Activations: entering wasm, the stack-limit protocol and trap unwinding (the
// design note is in activation.h).
#include "runtime/activation.h"

#include <pthread.h>

#include "runtime/code_registry.h"
#include "runtime/trap_handler.h"

namespace heron {

namespace {

// Read by the signal handler: initial-exec TLS needs no allocation on access.
__attribute__((tls_model(
    "initial-exec"))) thread_local Activation* tls_activation = nullptr;

// Lowest usable address of this thread's stack, or 0 if unknown.
uintptr_t thread_stack_low() {
  static thread_local bool known = false;
  static thread_local uintptr_t low = 0;
  if (!known) {
    known = true;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0)
        low = uintptr_t(addr);
      pthread_attr_destroy(&attr);
    }
  }
  return low;
}

// Sets up `act` on entry. Returns false when a pending interrupt was
// consumed instead (the caller then reports an Interrupt trap).
bool begin_activation(Activation& act, RuntimeLimits& limits,
                      size_t max_wasm_stack, uintptr_t entry_fp) {
  act.prev = tls_activation;
  act.limits = &limits;
  act.entry_fp = entry_fp;
  const Activation* outer = act.prev;
  while (outer && outer->limits != &limits) outer = outer->prev;
  if (outer) {
    act.outermost = false;
    act.limit = outer->limit;
  } else {
    act.outermost = true;
    uintptr_t limit = entry_fp > max_wasm_stack ? entry_fp - max_wasm_stack : 0;
    uintptr_t low = thread_stack_low();
    if (low && limit < low + kHostStackReserve) limit = low + kHostStackReserve;
    act.limit = limit;
    uintptr_t expected = limits.stack_limit.load();
    if (expected == kInterruptSentinel ||
        !limits.stack_limit.compare_exchange_strong(expected, limit)) {
      // Interrupted before (or while) entering: consume it.
      uintptr_t sentinel = kInterruptSentinel;
      limits.stack_limit.compare_exchange_strong(sentinel, 0);
      return false;
    }
    act.saved_limit = expected;
  }
  tls_activation = &act;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return true;
}

// Pops `act`; restores the idle limit unless an interrupt is pending.
void end_activation(Activation& act) {
  tls_activation = act.prev;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (act.outermost) {
    uintptr_t expected = act.limit;
    act.limits->stack_limit.compare_exchange_strong(expected, act.saved_limit);
  }
}

Trap interrupt_trap() {
  Trap t;
  t.code = TrapCode::Interrupt;
  return t;
}

// After siglongjmp: pops the activation and turns its record into a Trap.
__attribute__((noinline)) Trap finish_trapped(Activation& act) {
  const TrapRecord& rec = act.trap;
  if (rec.code == TrapCode::Interrupt) {
    // Consume the interrupt: back to the real limit (the idle value if this
    // was the outermost activation, which end_activation then keeps).
    uintptr_t sentinel = kInterruptSentinel;
    act.limits->stack_limit.compare_exchange_strong(sentinel, act.limit);
  }
  end_activation(act);
  Trap t;
  t.code = rec.code;
  t.pc = rec.pc;
  t.frames.assign(rec.frames, rec.frames + rec.num_frames);
  t.frames_truncated = rec.truncated;
  return t;
}

}  // namespace

Activation* current_activation() { return tls_activation; }

TrapOr<void> enter_wasm(RuntimeLimits& limits, size_t max_wasm_stack,
                        void (*body)(void*), void* closure) {
  install_trap_handlers();
  ensure_signal_stack();
  Activation act;
  if (!begin_activation(act, limits, max_wasm_stack,
                        uintptr_t(__builtin_frame_address(0))))
    return interrupt_trap();
  if (sigsetjmp(act.jmp, 0) == 0) {
    body(closure);
    end_activation(act);
    return TrapOr<void>();
  }
  return finish_trapped(act);
}

__attribute__((no_sanitize("address"))) size_t walk_wasm_frames(
    uintptr_t pc, uintptr_t fp, uintptr_t lo, uintptr_t hi, uintptr_t* out,
    size_t cap, bool* truncated) {
  *truncated = false;
  if (cap == 0) return 0;
  size_t n = 0;
  out[n++] = pc;
  while (fp >= lo && fp < hi && fp % 8 == 0) {
    uintptr_t next = reinterpret_cast<const uintptr_t*>(fp)[0];
    uintptr_t ret = reinterpret_cast<const uintptr_t*>(fp)[1];
    if (!CodeRegistry::lookup(ret).in_wasm) break;
    if (n == cap) {
      *truncated = true;
      break;
    }
    out[n++] = ret;
    if (next <= fp) break;  // frame records must go up the stack
    fp = next;
  }
  return n;
}

void record_trap(Activation* act, TrapCode code, uintptr_t pc, uintptr_t fp,
                 uintptr_t sp) {
  if (code == TrapCode::StackOverflow &&
      act->limits->stack_limit.load() == kInterruptSentinel)
    code = TrapCode::Interrupt;
  TrapRecord& rec = act->trap;
  rec.code = code;
  rec.pc = pc;
  rec.fp = fp;
  rec.num_frames = uint32_t(walk_wasm_frames(
      pc, fp, sp, act->entry_fp, rec.frames, kMaxTrapFrames, &rec.truncated));
}

void raise_trap_from_frame(TrapCode code, const void* frame) {
  Activation* act = current_activation();
  if (!act) fatal_invariant("trap raised outside of wasm");
  const auto* record = static_cast<const uintptr_t*>(frame);
  record_trap(act, code, record[1], record[0], uintptr_t(record));
  siglongjmp(act->jmp, 1);
}

}  // namespace heron

extern "C" __attribute__((noinline)) void heron_raise_trap(uint32_t code) {
  using namespace heron;
  Activation* act = current_activation();
  if (!act) fatal_invariant("heron_raise_trap outside of wasm");
  // Our own frame record: [caller's rbp, return address into wasm].
  auto* frame = static_cast<uintptr_t*>(__builtin_frame_address(0));
  record_trap(act, TrapCode(code), uintptr_t(__builtin_return_address(0)),
              frame[0], uintptr_t(frame));
  siglongjmp(act->jmp, 1);
}
