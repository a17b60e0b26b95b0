// Value types of the SSA IR and the small enums that instructions carry as
// immediates (condition codes, memory access widths). Pointers are plain i64:
// Heron targets x86-64 only, so the VMContext, heap bases and function
// pointers are i64 values and no separate reference type is needed (Wasm
// references are lowered to pointers too).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace heron::ir {

enum class Type : uint8_t { Invalid, I32, I64, F32, F64, V128 };

// The type that holds a native pointer (VMContext, heap base, code address).
inline constexpr Type kPointerType = Type::I64;

std::string_view type_name(Type t);
std::optional<Type> parse_type(std::string_view s);
inline bool is_int(Type t) { return t == Type::I32 || t == Type::I64; }
inline bool is_float(Type t) { return t == Type::F32 || t == Type::F64; }
// Width in bits of a scalar type (0 for Invalid).
unsigned type_bits(Type t);

// Integer comparison condition codes (icmp).
enum class IntCC : uint8_t { Eq, Ne, Slt, Sle, Sgt, Sge, Ult, Ule, Ugt, Uge };
// Float comparison condition codes (fcmp). All are "ordered" except Ne, which
// is true when either operand is NaN, matching Wasm's f32.ne/f64.ne.
enum class FloatCC : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

std::string_view intcc_name(IntCC cc);
std::optional<IntCC> parse_intcc(std::string_view s);
std::string_view floatcc_name(FloatCC cc);
std::optional<FloatCC> parse_floatcc(std::string_view s);

// How a heap access converts between memory and register width. Loads use
// Full or the S/U variants (sign/zero extend); stores use Full or the
// Trunc variants (store the low bits).
enum class MemAccess : uint8_t {
  Full,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  Trunc8,
  Trunc16,
  Trunc32,
};

std::string_view mem_access_name(MemAccess a);  // "" for Full
std::optional<MemAccess> parse_mem_access(std::string_view s);
// Bytes touched in memory by an access of type `t` (e.g. U8 -> 1).
unsigned mem_access_bytes(MemAccess a, Type t);
inline bool is_load_access(MemAccess a) {
  return a == MemAccess::Full || (a >= MemAccess::S8 && a <= MemAccess::U32);
}
inline bool is_store_access(MemAccess a) {
  return a == MemAccess::Full || a >= MemAccess::Trunc8;
}

}  // namespace heron::ir
