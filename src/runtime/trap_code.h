// TrapCode: why a WebAssembly execution stopped abnormally, as recorded in a
// compiled function's trap table (code offset -> TrapCode) and reported to the
// embedder in a Trap. The message texts are the ones the spec testsuite's
// `assert_trap` / `assert_exhaustion` expect, so `heron wast` can compare them
// verbatim.
//
// The IR has its own trap-code enum (src/ir/trap_code.h) because `ir` must not
// depend on `runtime`; the two must map 1:1 (same names, same order) until the
// integrator unifies them into one definition.
#pragma once

#include <cstdint>

namespace heron {

enum class TrapCode : uint8_t {
  Unreachable,               // `unreachable` executed
  IntegerOverflow,           // i32.div_s INT_MIN / -1, trunc overflow ...
  IntegerDivideByZero,       // div/rem by zero
  BadConversionToInteger,    // trunc of NaN
  MemoryOutOfBounds,         // load/store/bulk memory op out of bounds
  TableOutOfBounds,          // table.get/set/fill/copy/init out of bounds
  UndefinedElement,          // call_indirect index >= table size
  UninitializedElement,      // call_indirect of a null table entry
  IndirectCallTypeMismatch,  // call_indirect signature check failed
  NullReference,             // ref.as_non_null, struct/array op on null
  NullFunctionReference,     // call_ref / return_call_ref of null
  StackOverflow,             // stack_limit check failed: recursion too deep
  Interrupt,                 // InterruptHandle or epoch deadline
  UnalignedAtomic,           // atomic access at a misaligned address
  OutOfFuel,                 // the store's fuel is exhausted
  CastFailure,               // ref.cast failed
  ArrayOutOfBounds,          // array.get/set/copy/fill out of bounds
  AllocationTooLarge,        // array.new too large to allocate
};

inline constexpr int kNumTrapCodes = int(TrapCode::AllocationTooLarge) + 1;

// The spec testsuite's wording for the trap ("integer divide by zero").
const char* trap_message(TrapCode code);

}  // namespace heron
