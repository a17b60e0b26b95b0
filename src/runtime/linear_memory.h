// LinearMemory: the storage of one WebAssembly memory, and the strategy that
// tells the compiler whether accesses to it need explicit bounds checks.
//
// Design note (DESIGN.md "Memory safety"):
//  - Guard-page strategy (32-bit memories with 64 KiB pages, the default):
//    reserve 4 GiB + kDefaultGuardBytes (2 GiB) of PROT_NONE address space;
//    only [0, size) is read+write. Compiled code computes
//      base + zext(index32) + offset      (offset folded into a disp32)
//    with no check. index < 2^32, and x86 disp32 is sign-extended so a folded
//    offset is < 2^31; an access of width w therefore ends below
//    base + 4 GiB + 2 GiB whenever offset + w <= guard bytes, i.e. it either
//    hits accessible memory or faults in the reservation, and the fault maps
//    to "out of bounds memory access" through the trap table. Rule for the
//    compiler: with this strategy, a static offset with offset + width >
//    guard_bytes needs an explicit check (the access traps anyway, it just
//    cannot rely on the guard). grow() only mprotects more pages: the base
//    never moves.
//  - Explicit-bounds-check strategy (Config switch, Memory64, 1-byte pages,
//    whose sizes are not host-page multiples so a guard cannot catch the tail):
//    the mapping holds exactly the accessible pages (rounded up to host pages)
//    and compiled code compares index + offset + width with the length before
//    every access. grow() mremap()s, which may MOVE the memory.
//  - How compiled code learns a moved base: base and length live in a
//    VMMemoryDefinition (in the owning instance's VMContext, see
//    vmcontext_layout.h), which grow() updates. Compiled code may keep base and
//    length in registers only between calls: after any call (memory.grow is a
//    library call, and any callee may grow the memory) it reloads them from
//    the VMContext.
//  - Shared memories cannot move (other threads hold the base): they reserve
//    their maximum up front and use explicit checks.
#pragma once

#include <cstdint>
#include <memory>

#include "format/types.h"
#include "heron/error.h"
#include "runtime/vmcontext_layout.h"

namespace heron {

inline constexpr uint64_t kDefaultGuardBytes = 2ull << 30;

struct LinearMemoryConfig {
  // Config switch: never rely on guard pages (small reservations).
  bool explicit_bounds_checks = false;
  // Guard region after the 4 GiB of a guard-page memory.
  uint64_t guard_bytes = kDefaultGuardBytes;
};

enum class BoundsStrategy : uint8_t { GuardPages, ExplicitChecks };

// Shared by the compiler (which code to emit) and the runtime (how to map).
BoundsStrategy bounds_strategy(const MemoryType& type,
                               const LinearMemoryConfig& config);

// Whether compiled code must check an access of `width` bytes at static
// `offset` explicitly (heap_bounds_check): always with ExplicitChecks; with
// GuardPages only when offset + width may reach past the guard region (the
// rule of the design note above).
inline bool needs_explicit_bounds_check(BoundsStrategy strategy,
                                        const LinearMemoryConfig& config,
                                        uint64_t offset, uint64_t width) {
  if (strategy == BoundsStrategy::ExplicitChecks) return true;
  return offset > config.guard_bytes || width > config.guard_bytes - offset;
}

// The largest number of pages a memory of this type may ever have (the
// declared maximum, else the address type's limit).
uint64_t max_pages(const MemoryType& type);

class LinearMemory {
 public:
  static Result<std::unique_ptr<LinearMemory>> create(
      const MemoryType& type, const LinearMemoryConfig& config = {});
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  // memory.grow: the old size in pages, or -1 when the new size would exceed
  // the maximum or cannot be mapped (the memory is unchanged then).
  int64_t grow(uint64_t delta_pages);

  uint8_t* base() const { return def_->base; }
  uint64_t byte_length() const { return def_->length; }
  uint64_t pages() const { return def_->length >> page_log2_; }
  uint64_t page_size() const { return uint64_t(1) << page_log2_; }
  BoundsStrategy strategy() const { return strategy_; }
  // The whole mapping (accessible part plus reservation/guard).
  uint64_t reserved_bytes() const { return reserved_; }

  // Where base/length are published for compiled code. By default a field of
  // this object; an instance that defines the memory binds the slot inside
  // its VMContext (the value is copied there and kept up to date by grow).
  VMMemoryDefinition* definition() const { return def_; }
  void bind_definition(VMMemoryDefinition* slot);

 private:
  LinearMemory() = default;

  VMMemoryDefinition own_def_{};
  VMMemoryDefinition* def_ = &own_def_;
  uint8_t* mapping_ = nullptr;  // start of the whole mapping
  uint64_t reserved_ = 0;       // bytes mapped (any protection)
  uint64_t max_pages_ = 0;
  uint32_t page_log2_ = 16;
  BoundsStrategy strategy_ = BoundsStrategy::GuardPages;
  bool movable_ = false;
};

}  // namespace heron
