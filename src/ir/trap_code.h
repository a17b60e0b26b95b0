// Trap codes: why compiled code stopped. Shared by the IR (trap, trapz,
// trapnz and trapping instructions carry one), the emitter's trap table and
// the runtime, which turns a code into the message the spec tests expect.
// The numeric values are stored in compiled artifacts: append, never reorder.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace heron::ir {

#define HERON_TRAP_CODES(X)                                           \
  X(Unreachable, "unreachable", "unreachable")                        \
  X(IntegerOverflow, "int_overflow", "integer overflow")              \
  X(IntegerDivByZero, "int_divz", "integer divide by zero")           \
  X(BadConversionToInt, "bad_toint", "invalid conversion to integer") \
  X(HeapOutOfBounds, "heap_oob", "out of bounds memory access")       \
  X(TableOutOfBounds, "table_oob", "out of bounds table access")      \
  X(IndirectCallToNull, "icall_null", "uninitialized element")        \
  X(BadSignature, "bad_sig", "indirect call type mismatch")           \
  X(NullReference, "null_ref", "null reference")                      \
  X(StackOverflow, "stk_ovf", "call stack exhausted")                 \
  X(Interrupt, "interrupt", "interrupt")                              \
  X(UnalignedAtomic, "unaligned", "unaligned atomic")                 \
  X(OutOfFuel, "out_of_fuel", "all fuel consumed")                    \
  X(EpochDeadline, "epoch", "epoch deadline reached")

enum class TrapCode : uint8_t {
#define HERON_TRAP_ENUM(name, text, message) name,
  HERON_TRAP_CODES(HERON_TRAP_ENUM)
#undef HERON_TRAP_ENUM
};

// Short identifier used in the IR text ("int_divz").
std::string_view trap_code_name(TrapCode c);
std::optional<TrapCode> parse_trap_code(std::string_view s);
// The message reported to users, worded like the spec testsuite's
// assert_trap expectations ("integer divide by zero").
std::string_view trap_code_message(TrapCode c);

}  // namespace heron::ir
