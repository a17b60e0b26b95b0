// CodeRegistry: the process-wide map from JIT code ranges to their trap tables.
// The signal handler asks it "is this faulting PC a trap site, and which?",
// and the backtrace walker asks "is this return address in wasm code?".
//
// Design note: the signal handler may run at any instruction of any thread,
// including while another thread (or the same one) is registering code, so
// lookups take no lock and allocate nothing. Writers (register/unregister,
// serialized by a mutex) build a new immutable, sorted snapshot and publish it
// with one atomic pointer store (read-copy-update). An old snapshot, and the
// trap tables of an unregistered range, are freed only after a grace period:
// readers bracket their lookup with an atomic in-flight counter, and a writer
// that has published a new snapshot waits until that counter is zero once.
// Any reader that entered before the publication has then left; any reader
// that enters afterwards sees the new snapshot (all operations seq_cst).
// Readers never block, and a lookup is a binary search over ranges followed by
// one over the range's trap sites. A signal handler must finish its lookup
// (copy out what it needs) before it siglongjmps or chains, so the counter is
// never left raised.
// (Read-copy-update: McKenney & Slingwine, "Read-Copy Update: Using Execution
// History to Solve Concurrency Problems".)
#pragma once

#include <cstdint>
#include <span>

#include "heron/trap_code.h"

namespace heron {

// One entry of a trap table: the code offset (from the range's start) of an
// instruction that may fault or is a deliberate trap (ud2), and its trap code.
struct TrapSite {
  uint32_t offset;
  TrapCode code;
};

struct CodeLookup {
  bool in_wasm = false;       // pc lies in a registered range
  bool is_trap_site = false;  // ... and is listed in its trap table
  TrapCode code = TrapCode::Unreachable;
  uintptr_t range_start = 0;
  const void* owner = nullptr;  // whatever the registrant passed (module)
};

class CodeRegistry {
 public:
  // Registers [start, end) with its trap table (copied; any order). Ranges
  // must not overlap (fatal_invariant). Not async-signal-safe.
  static void add(uintptr_t start, uintptr_t end,
                  std::span<const TrapSite> traps, const void* owner);
  // The same without the copy: `sorted_traps` must be sorted by offset and
  // stay alive and unchanged until remove() returns (a module's own table,
  // possibly in a mapped artifact file).
  static void add_borrowed(uintptr_t start, uintptr_t end,
                           std::span<const TrapSite> sorted_traps,
                           const void* owner);
  // Removes the range starting at `start`; returns after no signal handler can
  // still be looking at it. Not async-signal-safe.
  static void remove(uintptr_t start);
  // Async-signal-safe, lock-free, allocation-free.
  static CodeLookup lookup(uintptr_t pc);
};

// RAII registration, e.g. held by a loaded module next to its CodeMemory.
class CodeRegistration {
 public:
  CodeRegistration() = default;
  CodeRegistration(uintptr_t start, uintptr_t end,
                   std::span<const TrapSite> traps, const void* owner)
      : start_(start) {
    CodeRegistry::add(start, end, traps, owner);
  }
  // add_borrowed's registration (same contract).
  static CodeRegistration borrowed(uintptr_t start, uintptr_t end,
                                   std::span<const TrapSite> sorted_traps,
                                   const void* owner) {
    CodeRegistration r;
    CodeRegistry::add_borrowed(start, end, sorted_traps, owner);
    r.start_ = start;
    return r;
  }
  CodeRegistration(CodeRegistration&& o) noexcept : start_(o.start_) {
    o.start_ = 0;
  }
  CodeRegistration& operator=(CodeRegistration&& o) noexcept {
    if (this != &o) {
      reset();
      start_ = o.start_;
      o.start_ = 0;
    }
    return *this;
  }
  ~CodeRegistration() { reset(); }
  void reset() {
    if (start_) CodeRegistry::remove(start_);
    start_ = 0;
  }

 private:
  uintptr_t start_ = 0;
};

}  // namespace heron
