// Names of the IR's small enums (types, condition codes, memory access
// widths, library calls, opcodes) for the printer and parser.
#include <array>

#include "heron/trap_code.h"
#include "ir/libcall.h"
#include "ir/opcode.h"
#include "ir/types.h"

namespace heron::ir {
namespace {

template <class E, size_t N>
std::optional<E> find_name(const std::array<std::string_view, N>& names,
                           std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 6> kTypeNames = {
    "invalid", "i32", "i64", "f32", "f64", "v128"};
constexpr std::array<std::string_view, 10> kIntCCNames = {
    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
constexpr std::array<std::string_view, 6> kFloatCCNames = {"eq", "ne", "lt",
                                                           "le", "gt", "ge"};
constexpr std::array<std::string_view, 10> kMemAccessNames = {
    "", "s8", "u8", "s16", "u16", "s32", "u32", "trunc8", "trunc16", "trunc32"};

constexpr std::array kLibCallNames = {
#define HERON_LIBCALL_NAME(name, text) std::string_view(text),
    HERON_LIBCALLS(HERON_LIBCALL_NAME)
#undef HERON_LIBCALL_NAME
};

constexpr OpcodeInfo kOpcodeInfos[] = {
#define HERON_IR_OP(Enum, text, Format, Results, Flags) \
  {text, InstFormat::Format, Results, Flags},
#include "ir/opcodes.def"
#undef HERON_IR_OP
};

}  // namespace

std::string_view type_name(Type t) {
  return kTypeNames[static_cast<size_t>(t)];
}
std::optional<Type> parse_type(std::string_view s) {
  auto t = find_name<Type>(kTypeNames, s);
  if (t == Type::Invalid) return std::nullopt;
  return t;
}
unsigned type_bits(Type t) {
  switch (t) {
    case Type::I32:
    case Type::F32:
      return 32;
    case Type::I64:
    case Type::F64:
      return 64;
    case Type::V128:
      return 128;
    case Type::Invalid:
      break;
  }
  return 0;
}

std::string_view intcc_name(IntCC cc) {
  return kIntCCNames[static_cast<size_t>(cc)];
}
std::optional<IntCC> parse_intcc(std::string_view s) {
  return find_name<IntCC>(kIntCCNames, s);
}
std::string_view floatcc_name(FloatCC cc) {
  return kFloatCCNames[static_cast<size_t>(cc)];
}
std::optional<FloatCC> parse_floatcc(std::string_view s) {
  return find_name<FloatCC>(kFloatCCNames, s);
}

std::string_view mem_access_name(MemAccess a) {
  return kMemAccessNames[static_cast<size_t>(a)];
}
std::optional<MemAccess> parse_mem_access(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return find_name<MemAccess>(kMemAccessNames, s);
}
unsigned mem_access_bytes(MemAccess a, Type t) {
  switch (a) {
    case MemAccess::Full:
      return type_bits(t) / 8;
    case MemAccess::S8:
    case MemAccess::U8:
    case MemAccess::Trunc8:
      return 1;
    case MemAccess::S16:
    case MemAccess::U16:
    case MemAccess::Trunc16:
      return 2;
    case MemAccess::S32:
    case MemAccess::U32:
    case MemAccess::Trunc32:
      return 4;
  }
  return 0;
}

std::string_view libcall_name(LibCall c) {
  return kLibCallNames[static_cast<size_t>(c)];
}
std::optional<LibCall> parse_libcall(std::string_view s) {
  return find_name<LibCall>(kLibCallNames, s);
}

const OpcodeInfo& opcode_info(Opcode op) {
  return kOpcodeInfos[static_cast<size_t>(op)];
}
std::optional<Opcode> parse_opcode(std::string_view name) {
  for (size_t i = 0; i < std::size(kOpcodeInfos); ++i) {
    if (kOpcodeInfos[i].name == name) return static_cast<Opcode>(i);
  }
  return std::nullopt;
}

}  // namespace heron::ir
