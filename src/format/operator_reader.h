// OperatorReader and the immediate/type readers of the binary format.
//
// The decoder uses skip_immediates to find where a constant expression ends
// without building anything; later stages (translation, `explore`, tools)
// use OperatorReader to walk a body or expression operator by operator with
// every immediate decoded into one plain struct. The validator has its own
// specialised loop for speed, but shares the type readers declared here so
// that value types, heap types and block types are read (and their errors
// worded) the same way everywhere.
//
// All readers work on a BinaryReader with sticky errors: on failure they
// record the error in the reader and return a harmless default value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "format/binary_reader.h"
#include "format/module.h"
#include "format/opcode.h"
#include "format/types.h"

namespace heron {

// The type of a block, loop, if, try or try_table: no values, one result
// value, or a function type index (parameters and results).
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, Index };
  Kind kind = Kind::Empty;
  ValType value{};     // Kind::Value
  uint32_t index = 0;  // Kind::Index

  static BlockType empty() { return {}; }
  static BlockType of(ValType t) { return {Kind::Value, t, 0}; }
  static BlockType type_index(uint32_t i) { return {Kind::Index, {}, i}; }
};

struct MemArg {
  uint32_t align = 0;   // log2 of the alignment hint
  uint32_t memory = 0;  // explicit when bit 6 of the flags was set
  uint64_t offset = 0;
};

enum class CatchKind : uint8_t {
  Catch = 0,
  CatchRef = 1,
  CatchAll = 2,
  CatchAllRef = 3
};

struct CatchClause {
  CatchKind kind = CatchKind::Catch;
  uint32_t tag = 0;  // Catch and CatchRef only
  uint32_t label = 0;
};

// The decoded immediates of one operator. Which fields are meaningful
// depends on the opcode's Imm kind:
//   Label, Func, Type, Local, Global, Table, Memory, Tag, Data, Elem: index
//   BrTable: labels (the targets), index (the default target)
//   CallIndirect: index = type, index2 = table
//   MemoryInit: index = data, index2 = memory
//   TableInit: index = elem, index2 = table
//   MemoryCopy, TableCopy, ArrayCopy: index = destination, index2 = source
//   StructField: index = type, index2 = field
//   ArrayNewFixed: index = type, index2 = element count
//   ArrayData, ArrayElem: index = type, index2 = data / elem segment
//   Block: block; TryTable: block and catches
//   MemArg: memarg; MemArgLane: memarg and lane; Lane: lane
//   I32, I64, F32, F64: bits (i32 and f32 in the low 32 bits)
//   V128, Shuffle: bytes
//   SelectT: types
//   HeapType: heap
//   BrOnCast: index = label, heap/null (source), heap2/null2 (target)
struct Immediates {
  uint32_t index = 0;
  uint32_t index2 = 0;
  uint64_t bits = 0;
  MemArg memarg;
  BlockType block;
  HeapType heap{};
  HeapType heap2{};
  bool null = false;
  bool null2 = false;
  uint8_t lane = 0;
  uint8_t bytes[16] = {};
  std::vector<uint32_t> labels;
  std::vector<ValType> types;
  std::vector<CatchClause> catches;

  int32_t i32() const { return int32_t(uint32_t(bits)); }
  int64_t i64() const { return int64_t(bits); }
  uint32_t f32_bits() const { return uint32_t(bits); }
  uint64_t f64_bits() const { return bits; }
};

struct Operator {
  Opcode op = Opcode::Nop;
  uint32_t offset = 0;  // module offset of the opcode's first byte
  Immediates imm;
};

// One entry of a function body's local declarations.
struct LocalDecl {
  uint32_t count = 0;
  ValType type{};
};

// ---- Type readers (binary encodings of the type section, shared by bodies)

// A value type: number, vector or reference type.
ValType read_val_type(BinaryReader& r);
// A reference type: an abstract shorthand (0x69..0x74) or 0x63/0x64 + heap.
ValType read_ref_type(BinaryReader& r);
// A heap type: s33, negative for the abstract ones, else a type index.
HeapType read_heap_type(BinaryReader& r);
// A block type: 0x40, a value type, or an s33 type index.
BlockType read_block_type(BinaryReader& r);

// ---- Operators

// Reads an opcode (a byte, or a prefix byte and its u32 sub-opcode).
// Unknown opcodes fail the reader with "illegal opcode ..." and return
// nullopt.
std::optional<Opcode> read_opcode(BinaryReader& r);

// Skips the immediates of an operator of kind `imm`, still checking their
// encoding (LEB128 ranges, flag bytes), so that a well-skipped expression is
// well-formed apart from its typing.
void skip_immediates(BinaryReader& r, Imm imm);

// Decodes the immediates of kind `imm` into `out` (vectors are cleared and
// reused, so a caller that keeps one Immediates does not allocate per op).
void read_immediates(BinaryReader& r, Imm imm, Immediates& out);

// Reads the local declarations at the start of a function body. Fails with
// "too many locals" when the counts add up to 2^32 or more. `out` may be
// null to check and skip them.
void read_local_decls(BinaryReader& r, std::vector<LocalDecl>* out);

// Walks the operators of a constant expression or function body.
//
//   OperatorReader ops(module, body);        // locals are read first
//   Operator op;
//   while (ops.next(op)) { ... }
//   if (ops.failed()) report(*ops.error());
class OperatorReader {
 public:
  // A constant expression: operators up to and including its final `end`.
  OperatorReader(const Module& module, const ConstExpr& expr);
  // A function body: reads the local declarations (see locals()), then the
  // operators up to and including the body's final `end`.
  OperatorReader(const Module& module, const FuncBody& body);
  // Any range of a module's bytes that holds operators only.
  OperatorReader(std::span<const uint8_t> module_bytes, ByteRange range);

  // Decodes the next operator into `out`. Returns false at the end of the
  // range or on an error (then failed() is true).
  bool next(Operator& out);

  bool at_end() const { return reader_.at_end(); }
  bool failed() const { return reader_.failed(); }
  const std::optional<Error>& error() const { return reader_.error(); }
  // Open control constructs: 1 before the first operator (the function or
  // expression itself), 0 after the final `end`.
  uint32_t depth() const { return depth_; }
  const std::vector<LocalDecl>& locals() const { return locals_; }

 private:
  BinaryReader reader_;
  uint32_t depth_ = 1;
  std::vector<LocalDecl> locals_;
};

}  // namespace heron
