// Opcode: one enumerator per instruction, generated from opcodes.def, with the
// static facts every stage needs (binary prefix and code, text keyword, kind
// of immediate). The table is the single source of truth for the decoder,
// validator, text parser and (later) the translator.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace heron {

enum class Imm : uint8_t {
  None,
  Block,
  Label,
  BrTable,
  Func,
  CallIndirect,
  Type,
  Local,
  Global,
  Table,
  Memory,
  MemArg,
  I32,
  I64,
  F32,
  F64,
  V128,
  SelectT,
  HeapType,
  Tag,
  TryTable,
  MemoryInit,
  Data,
  MemoryCopy,
  TableInit,
  Elem,
  TableCopy,
  StructField,
  ArrayNewFixed,
  ArrayData,
  ArrayElem,
  ArrayCopy,
  BrOnCast,
  Lane,
  Shuffle,
  MemArgLane,
  AtomicFence,
};

enum class Opcode : uint16_t {
#define HERON_OP(e, p, c, t, i) e,
#include "format/opcodes.def"
#undef HERON_OP
  Count_,
};

struct OpcodeInfo {
  uint8_t prefix;  // 0 for single-byte opcodes
  uint32_t code;
  std::string_view text;
  Imm imm;
};

const OpcodeInfo& opcode_info(Opcode op);

// Binary lookup: `prefix` 0 with `code` a byte, or a prefix byte with its
// LEB128 sub-opcode. nullopt for unknown opcodes.
std::optional<Opcode> opcode_from_binary(uint8_t prefix, uint32_t code);

// Text lookup by keyword ("i32.add"). Keywords shared by two encodings
// (select, ref.test, ref.cast) return the first; the parser refines.
std::optional<Opcode> opcode_from_text(std::string_view keyword);

inline bool is_prefix_byte(uint8_t b) {
  return b == 0xFB || b == 0xFC || b == 0xFD || b == 0xFE;
}

}  // namespace heron
