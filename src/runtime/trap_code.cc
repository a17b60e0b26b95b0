// Messages of the trap codes, worded as the spec testsuite expects them.
#include "runtime/trap_code.h"

namespace heron {

const char* trap_message(TrapCode code) {
  switch (code) {
    case TrapCode::Unreachable:
      return "unreachable";
    case TrapCode::IntegerOverflow:
      return "integer overflow";
    case TrapCode::IntegerDivideByZero:
      return "integer divide by zero";
    case TrapCode::BadConversionToInteger:
      return "invalid conversion to integer";
    case TrapCode::MemoryOutOfBounds:
      return "out of bounds memory access";
    case TrapCode::TableOutOfBounds:
      return "out of bounds table access";
    case TrapCode::UndefinedElement:
      return "undefined element";
    case TrapCode::UninitializedElement:
      return "uninitialized element";
    case TrapCode::IndirectCallTypeMismatch:
      return "indirect call type mismatch";
    case TrapCode::NullReference:
      return "null reference";
    case TrapCode::NullFunctionReference:
      return "null function reference";
    case TrapCode::StackOverflow:
      return "call stack exhausted";
    case TrapCode::Interrupt:
      return "interrupt";
    case TrapCode::UnalignedAtomic:
      return "unaligned atomic";
    case TrapCode::OutOfFuel:
      return "all fuel consumed by WebAssembly";
    case TrapCode::CastFailure:
      return "cast failure";
    case TrapCode::ArrayOutOfBounds:
      return "out of bounds array access";
    case TrapCode::AllocationTooLarge:
      return "allocation too large";
  }
  return "unknown trap";
}

}  // namespace heron
