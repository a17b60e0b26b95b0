// TrapCode: why WebAssembly execution stopped abnormally. One definition
// shared by every stage: the IR's trapping instructions carry one, the
// backend's trap table maps code offsets to one, the runtime reports one in a
// Trap. The values are stored in compiled artifacts: append, never reorder.
//
// Each entry: the enumerator, its short name in the textual IR ("int_divz"),
// and the message users see, worded like the spec testsuite's assert_trap
// expectations so that `heron wast` can compare them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace heron {

#define HERON_TRAP_CODES(X)                                               \
  X(Unreachable, "unreachable", "unreachable")                            \
  X(IntegerOverflow, "int_overflow", "integer overflow")                  \
  X(IntegerDivideByZero, "int_divz", "integer divide by zero")            \
  X(BadConversionToInteger, "bad_toint", "invalid conversion to integer") \
  X(MemoryOutOfBounds, "heap_oob", "out of bounds memory access")         \
  X(TableOutOfBounds, "table_oob", "out of bounds table access")          \
  X(UndefinedElement, "undef_elem", "undefined element")                  \
  X(UninitializedElement, "icall_null", "uninitialized element")          \
  X(IndirectCallTypeMismatch, "bad_sig", "indirect call type mismatch")   \
  X(NullReference, "null_ref", "null reference")                          \
  X(NullFunctionReference, "null_func_ref", "null function reference")    \
  X(StackOverflow, "stk_ovf", "call stack exhausted")                     \
  X(Interrupt, "interrupt", "interrupt")                                  \
  X(UnalignedAtomic, "unaligned", "unaligned atomic")                     \
  X(OutOfFuel, "out_of_fuel", "all fuel consumed by WebAssembly")         \
  X(CastFailure, "cast_fail", "cast failure")                             \
  X(ArrayOutOfBounds, "array_oob", "out of bounds array access")          \
  X(AllocationTooLarge, "alloc_too_large", "allocation too large")        \
  X(Exit, "exit", "exit")

enum class TrapCode : uint8_t {
#define HERON_TRAP_ENUM(name, text, message) name,
  HERON_TRAP_CODES(HERON_TRAP_ENUM)
#undef HERON_TRAP_ENUM
};

inline constexpr int kNumTrapCodes = 0
#define HERON_TRAP_COUNT(name, text, message) +1
    HERON_TRAP_CODES(HERON_TRAP_COUNT)
#undef HERON_TRAP_COUNT
    ;

// The message reported to users ("integer divide by zero").
constexpr std::string_view trap_message(TrapCode code) {
  switch (code) {
#define HERON_TRAP_MESSAGE(name, text, message) \
  case TrapCode::name:                          \
    return message;
    HERON_TRAP_CODES(HERON_TRAP_MESSAGE)
#undef HERON_TRAP_MESSAGE
  }
  return "unknown trap";
}

// The short name used in the textual IR ("int_divz").
constexpr std::string_view trap_code_name(TrapCode code) {
  switch (code) {
#define HERON_TRAP_NAME(name, text, message) \
  case TrapCode::name:                       \
    return text;
    HERON_TRAP_CODES(HERON_TRAP_NAME)
#undef HERON_TRAP_NAME
  }
  return "?";
}

constexpr std::optional<TrapCode> parse_trap_code(std::string_view s) {
#define HERON_TRAP_PARSE(name, text, message) \
  if (s == text) return TrapCode::name;
  HERON_TRAP_CODES(HERON_TRAP_PARSE)
#undef HERON_TRAP_PARSE
  return std::nullopt;
}

}  // namespace heron
