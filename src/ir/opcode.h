// The IR's opcodes and their static properties, generated from opcodes.def:
// the instruction format (how operands and immediates are laid out and
// spelled), the result arity and the effect flags that passes rely on.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace heron::ir {

enum class InstFormat : uint8_t {
  UnaryImm,       // imm
  Unary,          // arg
  Binary,         // arg, arg
  Ternary,        // arg, arg, arg
  IntCompare,     // code=IntCC, arg, arg
  FloatCompare,   // code=FloatCC, arg, arg
  Load,           // arg(ptr), imm=offset (signed 32)
  Store,          // arg(value), arg(ptr), imm=offset (signed 32)
  HeapLoad,       // code=MemAccess, aux=memory, arg(base), arg(index), imm
  HeapStore,      // code=MemAccess, aux=memory, value, base, index, imm
  BoundsCheck,    // aux=memory, arg(index), arg(bound), imm=size
  Jump,           // one block call
  Brif,           // arg(cond), two block calls (then, else)
  BrTable,        // arg(index), block calls: default, then the table
  MultiAry,       // args...
  Trap,           // code=TrapCode
  CondTrap,       // code=TrapCode, arg
  Call,           // aux=signature, imm=function index, args...
  CallIndirect,   // aux=signature, arg(callee), args...
  LibCallFormat,  // aux=signature, code=LibCall, args...
};

inline constexpr int kVarResults = -1;

enum OpcodeFlags : uint8_t {
  kSideEffect = 1,
  kCanTrap = 2,
  kTerminator = 4,
  kBranch = 8,
  kCall = 16,
};

enum class Opcode : uint8_t {
#define HERON_IR_OP(Enum, text, Format, Results, Flags) Enum,
#include "ir/opcodes.def"
#undef HERON_IR_OP
};

struct OpcodeInfo {
  std::string_view name;
  InstFormat format;
  int results;  // 0, 1 or kVarResults
  uint8_t flags;
};

const OpcodeInfo& opcode_info(Opcode op);
std::optional<Opcode> parse_opcode(std::string_view name);

inline std::string_view opcode_name(Opcode op) { return opcode_info(op).name; }
inline InstFormat opcode_format(Opcode op) { return opcode_info(op).format; }
inline bool is_terminator(Opcode op) {
  return opcode_info(op).flags & kTerminator;
}
inline bool is_branch(Opcode op) { return opcode_info(op).flags & kBranch; }
inline bool is_call(Opcode op) { return opcode_info(op).flags & kCall; }
inline bool can_trap(Opcode op) { return opcode_info(op).flags & kCanTrap; }
inline bool has_side_effect(Opcode op) {
  return opcode_info(op).flags & kSideEffect;
}
// No side effect, cannot trap, not control flow: removable when unused and
// foldable when its operands are constants.
inline bool is_pure(Opcode op) { return opcode_info(op).flags == 0; }

}  // namespace heron::ir
